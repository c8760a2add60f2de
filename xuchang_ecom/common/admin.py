"""The admin side of the one scoping mechanism.

A registry's ModelAdmin lists rows through its selector, limits region choices to the
user's scope, answers 404 for out-of-scope objects (like a missing one), and saves through
the app's services so a rule is written once. ``RecordAdmin`` puts these together with
import and export; ``OrganisationRecordAdminMixin`` adds what registries whose records are
organisations share.
"""
from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.scoping import regions_in_scope
from xuchang_ecom.accounts.services import organisation_find_or_build
from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.importexport import ScopedImportExportMixin
from xuchang_ecom.common.models import field_label
from xuchang_ecom.common.services import check_in_scope
from xuchang_ecom.regions.models import Level, Region


class ScopedAdminMixin(AuditHistoryMixin):
    """Subclasses implement ``scoped_queryset(request)`` with the app's list selector, and
    may extend ``check_instance`` with the app's ``*_check`` service. A record's history
    page is its audit trail (``AuditHistoryMixin``)."""

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


class ReadOnlyAdminMixin:
    """For records that only code writes (logs, snapshots, reminders): listed and opened,
    never added, changed or deleted in the admin, not even by a superuser."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordAdmin(ScopedImportExportMixin, ScopedAdminMixin, ImportExportModelAdmin):
    """Base of the registries' admins: scoped, imported and exported, written by services.

    An app's base sets ``update_service`` and ``delete_service`` (its
    ``services.record_update`` and ``services.record_delete``, with ``staticmethod``).
    Each admin sets ``list_selector`` (a ``selectors.*_list``) and ``create_service`` (a
    ``services.*_create`` taking the form's model fields as keyword arguments); one whose
    changes need a service of their own overrides ``update_record``.
    """

    list_selector: Callable | None = None
    create_service: Callable | None = None
    #: ``(*, user, instance, data, m2m)``: saves a changed record.
    update_service: Callable | None = None
    #: ``(*, user, instance)``: deletes a record.
    delete_service: Callable | None = None

    def scoped_queryset(self, request):
        return self.list_selector(user=request.user)

    def save_model(self, request, obj, form, change):
        data, m2m = self.form_values(form)
        if change:
            self.update_record(request, obj, data=data, m2m=m2m)
        else:
            obj.pk = self.create_service(user=request.user, **data, **m2m).pk

    def update_record(self, request, obj, *, data: dict, m2m: dict) -> None:
        self.update_service(user=request.user, instance=obj, data=data, m2m=m2m)

    def save_related(self, request, form, formsets, change):
        # The services set the many-to-many fields together with the record.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        self.delete_service(user=request.user, instance=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_service(user=request.user, instance=obj)

    def form_values(self, form) -> tuple[dict, dict]:
        """The model fields ``form`` edits, as ``(fields, many-to-many fields)``."""
        data, m2m = {}, {}
        opts = form._meta.model._meta
        for name, value in form.cleaned_data.items():
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            (m2m if field.many_to_many else data)[name] = value
        return data, m2m


class OrganisationAddForm(forms.ModelForm):
    """Adding a record whose legal identity is an organisation (a livestream agency, a
    poverty-alleviation enterprise) registers its organisation too, by credit code when
    one is known (``accounts.services.organisation_find_or_build``, which the apps'
    ``*_build`` services wrap). ``OrganisationRecordAdminMixin`` makes it a form for the
    admin's model, with the record's own fields after these."""

    # Labelled like the record's ``organisation`` field on the change form.
    name = forms.CharField(label=Organisation._meta.verbose_name, max_length=200)
    uscc = forms.CharField(label=field_label(Organisation, "uscc"), max_length=30, required=False)
    region = forms.ModelChoiceField(
        label=_("place"), queryset=Region.objects.all(),
        # The autocomplete lists only places in the user's area; the scope check refuses others.
        widget=AutocompleteSelect(Organisation._meta.get_field("region"), admin.site),
    )

    def _post_clean(self):
        super()._post_clean()
        if not self._errors:
            data = self.cleaned_data
            self.instance.organisation = organisation_find_or_build(
                name=data["name"], region=data["region"], uscc=data["uscc"]
            )


class OrganisationRecordAdminMixin:
    """For the admin of a registry whose records are organisations; put it before the
    app's ``RecordAdmin``.

    A new record is added with its organisation's name, credit code and place
    (``OrganisationAddForm``); an existing one shows them read only, as they are kept in
    the organisation registry. Subclasses set ``record_fields`` (the record's own fields
    on the forms), ``create_service`` (the app's ``*_create``, taking ``name``, ``region``
    and ``uscc`` besides the record's fields) and implement ``check_record`` with the
    app's ``*_check``.
    """

    record_fields: list[str] = []
    organisation_fields = ["organisation", "organisation_uscc", "organisation_place"]
    add_form = OrganisationAddForm

    def check_record(self, request, obj) -> None:
        """Raise ValidationError unless the app's ``*_check`` accepts ``obj``."""
        raise NotImplementedError

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "uscc", "region", *self.record_fields]
        return [*self.organisation_fields, *self.record_fields]

    def get_readonly_fields(self, request, obj=None):
        # The organisation's details are kept in the organisation registry.
        return [] if obj is None else self.organisation_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def check_instance(self, request, obj) -> None:
        try:
            self.check_record(request, obj)
        except ValidationError as error:
            if obj.pk is None:
                raise  # the add form has the organisation's fields
            # The change form does not: show their errors above it.
            errors: dict[str, list] = {}
            for field, messages in error.message_dict.items():
                errors.setdefault(field if field in self.record_fields else NON_FIELD_ERRORS, []).extend(messages)
            raise ValidationError(errors) from None

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data, m2m = self.form_values(form)
        cleaned = form.cleaned_data
        obj.pk = self.create_service(
            user=request.user, name=cleaned["name"], region=cleaned["region"], uscc=cleaned["uscc"], **data, **m2m
        ).pk

    @admin.display(description=field_label(Organisation, "uscc"), ordering="organisation__uscc")
    def organisation_uscc(self, obj) -> str:
        return obj.organisation.uscc or ""

    @admin.display(description=_("place"), ordering="organisation__region__path")
    def organisation_place(self, obj) -> str:
        return obj.organisation.region.display_path


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
