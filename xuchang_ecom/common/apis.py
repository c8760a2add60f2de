"""Pieces every API shares."""
import csv
import io
import json
import logging
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.cache import add_never_cache_headers
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.renderers import BaseRenderer
from rest_framework.throttling import AnonRateThrottle

from xuchang_ecom.common.importexport import escape_formula
from xuchang_ecom.regions.models import Level, Region

logger = logging.getLogger(__name__)


class PersonalDataApiMixin:
    """For an API whose answers carry personal data (masked or not): no cache, in the
    browser or on the way, may keep them (``Cache-Control: no-store``)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


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


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record by id, found among the rows the request's user may see
    (``visible_to``) when its model is scoped: another county's record is answered like
    a missing one ("object does not exist"). Give ``queryset`` as usual
    (``Agency.objects.all()``); a serializer without the request in its context finds
    nothing in a scoped model.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if not hasattr(queryset, "visible_to"):
            return queryset
        request = self.context.get("request")
        return queryset.visible_to(getattr(request, "user", None))


def call_service(service: Callable, **kwargs):
    """Call a service, turning its Django ValidationError into DRF's 400 with field messages."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error


class CSVRenderer(BaseRenderer):
    """A list of flat objects as CSV for Chinese Excel: UTF-8 with a BOM, formulas neutralised."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        if isinstance(data, dict):
            data = [data]
        out = io.StringIO()
        out.write("\ufeff")
        rows = list(data or [])
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _csv_value(value) for key, value in row.items()})
        return out.getvalue().encode("utf-8")


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _csv_value(value):
    """A cell: numbers as numbers (a negative one is not a formula), other text made safe."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and NUMBER.fullmatch(value):
        return value
    return escape_formula(value)


class _CacheSafeThrottle:
    """Rate limits kept in the cache; if the cache is unreachable the request goes through
    (an outage of Redis must not turn public pages into errors)."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("Throttle cache unreachable: request allowed", exc_info=True)
            return True


class PublicAnonThrottle(_CacheSafeThrottle, AnonRateThrottle):
    """The open data's limit per client address (``OPEN_DATA_RATE``)."""
