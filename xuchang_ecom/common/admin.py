"""The admin side of the one scoping mechanism.

A registry's ModelAdmin lists rows through its selector, limits region choices to the
user's scope, answers 404 for out-of-scope objects (like a missing one), and saves through
the app's services so a rule is written once.
"""
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.scoping import regions_in_scope
from xuchang_ecom.common.services import check_in_scope
from xuchang_ecom.regions.models import Level, Region


class ScopedAdminMixin:
    """Subclasses implement ``scoped_queryset(request)`` with the app's list selector, and
    may extend ``check_instance`` with the app's ``*_check`` service."""

    def scoped_queryset(self, request):
        raise NotImplementedError

    def check_instance(self, request, obj) -> None:
        """Raise ValidationError if the services would refuse to save ``obj`` for this user.

        Run as part of the form's validation, so a refusal shows beside the fields
        instead of failing in ``save_model``.
        """
        check_in_scope(user=request.user, instance=obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        check = self.check_instance

        class ScopedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self._errors:
                    return  # the services' rules assume the fields themselves are valid
                try:
                    check(request, self.instance)
                except ValidationError as error:
                    self._update_errors(error)

        return ScopedForm

    def get_queryset(self, request):
        qs = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Region:
            kwargs["queryset"] = regions_in_scope(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _object_or_404(self, request, object_id):
        if object_id and self.get_object(request, admin.utils.unquote(object_id)) is None:
            raise Http404
        return object_id

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the form's fields."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class CountyFilter(admin.SimpleListFilter):
    """A change-list filter by county-level division; subclasses set ``region_lookup``.

    Use ``county_filter("place")`` rather than subclassing by hand.
    """

    title = _("county-level division")
    parameter_name = "county"
    #: The lookup from a listed row to its region node, e.g. ``organisation__region``.
    region_lookup: str = ""

    def lookups(self, request, model_admin):
        return [(county.pk, county.name) for county in Region.objects.counties()]

    def queryset(self, request, queryset):
        value = self.value()
        if not (value and str(value).isdigit()):
            return queryset
        county = Region.objects.filter(pk=value, level=Level.COUNTY).first()
        if county is None:
            return queryset
        return queryset.filter(**{f"{self.region_lookup}__path__startswith": county.path})


def county_filter(region_lookup: str) -> type[CountyFilter]:
    """A ``CountyFilter`` for rows whose region node is at ``region_lookup``."""
    return type(f"CountyFilter_{region_lookup}", (CountyFilter,), {"region_lookup": region_lookup})
