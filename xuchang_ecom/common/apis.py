"""Pieces every staff API shares."""
from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import DjangoModelPermissions

from xuchang_ecom.regions.models import Level, Region


class RegistryPermissions(DjangoModelPermissions):
    """Model permissions for reads as well as writes (DRF's default lets any user read)."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


@extend_schema_field(OpenApiTypes.INT)
class CountyFilter(filters.ModelChoiceFilter):
    """A county-level division by id: the rows at or under it (``field_name`` is the region)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Region.objects.filter(level=Level.COUNTY))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path}) if value else qs


def call_service(service: Callable, **kwargs):
    """Call a service, turning its Django ValidationError into DRF's 400 with field messages."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error
