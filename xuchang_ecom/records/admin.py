"""The admin side of the one scoping mechanism.

A registry's ModelAdmin lists rows through its selector, offers as choices of a place or
of a related record only those in the user's scope, answers 404 for out-of-scope objects
(like a missing one), and saves through the app's services so a rule is written once.
``RecordAdmin`` puts these together with import and export; ``OrganisationRecordAdminMixin``
adds what registries whose records are organisations share.
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
from xuchang_ecom.accounts.scoping import regions_in_scope, user_sees_everything
from xuchang_ecom.accounts.services import organisation_find_or_build
from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import add_service_errors, filter_number
from xuchang_ecom.common.masking import lookup_reveals, personal_data_of
from xuchang_ecom.common.models import field_label
from xuchang_ecom.records.importexport.admin import ScopedImportExportMixin
from xuchang_ecom.records.services import check_in_scope, check_references, is_scoped, scoped_relations
from xuchang_ecom.regions.models import Level, Region


class PersonalDataAdminMixin:
    """The admin side of a model's ``personal_data`` declaration (``common.masking``).

    For a user without the declaration's permission: masked fields are listed masked and
    cannot be sorted by; no search, URL lookup (``?mobile__startswith=138``) or ordering
    reaches them, on this model or through a relation, since a list that answers
    differently for a right and a wrong guess reveals as much as showing the value; and on
    the change form each masked field starts empty, showing its masked value as a hint:
    left empty it keeps what is stored, what is typed replaces it (whether or not it was
    the same). Hidden fields are closed to everyone.
    """

    def _personal(self):
        return personal_data_of(self.model)

    def _closed_fields(self, request) -> set[str]:
        personal = self._personal()
        return personal.closed_to(request.user) if personal else set()

    def lookup_allowed(self, lookup, value, request=None):
        if request is None or lookup_reveals(self.model, lookup, user=request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        return [name for name in super().get_search_fields(request)
                if not lookup_reveals(self.model, name, user=request.user)]

    def get_ordering(self, request):
        return [name for name in super().get_ordering(request) or ()
                if not (isinstance(name, str) and lookup_reveals(self.model, name, user=request.user))]

    def get_list_display(self, request):
        closed = self._closed_fields(request)
        return [masked_column(self.model, name) if isinstance(name, str) and name in closed else name
                for name in super().get_list_display(request)]

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        masked = {item.field_name: item for item in list_display if hasattr(item, "field_name")}
        return [masked.get(link, link) for link in links] if links else links

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        personal = self._personal()
        closed = [name for name in self._closed_fields(request) if name in (personal.masks if personal else {})]
        if obj is None or not closed:
            return form_class

        class ReplaceOnlyForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name in closed:
                    if name not in self.fields:
                        continue
                    masked = personal.masks[name](getattr(self.instance, name) or "")
                    field = self.fields[name]
                    field.required = False
                    field.widget.attrs.update(placeholder=masked, autocomplete="off")
                    field.help_text = _("Shown masked: %(masked)s. Leave it empty to keep it; what you type "
                                        "replaces it.") % {"masked": masked or "—"}
                    self.initial[name] = ""

            def clean(self):
                cleaned = super().clean()
                for name in closed:
                    if name in self.fields and not cleaned.get(name):
                        cleaned[name] = getattr(self.instance, name)
                return cleaned

        return ReplaceOnlyForm


def masked_column(model, name: str) -> Callable:
    """A change-list column showing ``model``'s personal field ``name`` masked; it cannot
    be sorted by (the order would tell of the hidden part)."""
    mask = personal_data_of(model).masks[name]

    @admin.display(description=field_label(model, name))
    def column(obj) -> str:
        return mask(getattr(obj, name) or "")

    column.__name__ = f"masked_{name}"
    column.field_name = name
    return column


class ScopedAdminMixin(PersonalDataAdminMixin, AuditHistoryMixin):
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
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                offer_current_references(self, user=request.user)

            def _post_clean(self):
                super()._post_clean()
                if self._errors:
                    return  # the services' rules assume the fields themselves are valid
                try:
                    check(request, self.instance)
                except ValidationError as error:
                    self._update_errors(error)
                    return
                try:
                    # The choices offer only visible records; this is the services' own
                    # check, run here so a refusal shows beside the field, not as an error page.
                    check_references(user=request.user, instance=self.instance)
                except ValidationError as error:
                    add_service_errors(self, error)

        return ScopedForm

    def get_queryset(self, request):
        qs = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def get_field_queryset(self, db, db_field, request):
        """The choices of a foreign key or many-to-many field: places in the user's area,
        and of a scoped model (``common.services.is_scoped``) the rows the user may see, so
        nothing out of scope is offered (a posted id of another county's record is then
        refused like a missing one). The autocomplete lists the related admin's
        ``get_queryset``, scoped alike."""
        model = db_field.remote_field.model
        if model is Region:
            return regions_in_scope(user=request.user)
        queryset = super().get_field_queryset(db, db_field, request)
        if is_scoped(model):
            return (model._default_manager.all() if queryset is None else queryset).visible_to(request.user)
        return queryset

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


def offer_current_references(form, *, user) -> None:
    """On the change form of an existing record, keep offering the records it refers to
    now, even one ``user`` may not see (a link city staff made): otherwise the field would
    show empty and saving the form would drop the link. Only that record is added to the
    choices, and the services accept it only unchanged (``check_references``)."""
    instance = form.instance
    if instance.pk is None or user_sees_everything(user):
        return
    for relation in scoped_relations(type(instance)):
        field = form.fields.get(relation.name)
        if not isinstance(field, forms.ModelChoiceField):
            continue
        if relation.many_to_many:
            current = list(getattr(instance, relation.name).values_list("pk", flat=True))
        else:
            value = getattr(instance, relation.attname)
            current = [] if value is None else [value]
        if current:
            target = relation.target_field.attname if not relation.many_to_many else "pk"
            field.queryset = field.queryset | relation.related_model._default_manager.filter(
                **{f"{target}__in": current})


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
        pk = filter_number(self.value(), minimum=1)
        if pk is None:
            return queryset
        county = Region.objects.filter(pk=pk, level=Level.COUNTY).first()
        if county is None:
            return queryset
        return queryset.filter(**{f"{self.region_lookup}__path__startswith": county.path})


def county_filter(region_lookup: str) -> type[CountyFilter]:
    """A ``CountyFilter`` for rows whose region node is at ``region_lookup``."""
    return type(f"CountyFilter_{region_lookup}", (CountyFilter,), {"region_lookup": region_lookup})
