"""The poverty-alleviation registry in the admin: scoped to the user's area, written by the services.

Resident ID numbers are shown masked everywhere, to everyone; the household change form
never holds the full number, not even in a hidden input. Users with
``poverty.reveal_resident_id`` reveal one household's number at a time from its change
page, and each reveal is written to the audit log (``RevealLog``), which nobody can edit.
Names of heads of household and employees are masked for everyone else, who can neither
search, filter nor sort by them (``common.admin.PersonalDataAdminMixin``).

For users who may reveal numbers, the search box finds a household by its head's full
resident ID number, typed in any spacing or case of x, through the keyed hash: such a
number is never sent to the database. For anyone else a number finds nothing, whether it
is registered or not.
"""
import re

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.scoping import user_sees_everything
from xuchang_ecom.accounts.validators import normalise_resident_id, validate_resident_id
from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import ReadOnlyAdminMixin, filter_number
from xuchang_ecom.common.models import field_label
from xuchang_ecom.records.admin import OrganisationRecordAdminMixin, RecordAdmin, ScopedAdminMixin, county_filter

from . import selectors, services
from .models import (
    AlleviationModel,
    Base,
    Dividend,
    Employment,
    Enterprise,
    Household,
    LandLease,
    RevealLog,
    RevealVia,
    TakeHomeWork,
)
from .resources import (
    BaseResource,
    DividendResource,
    EmploymentResource,
    EnterpriseResource,
    HouseholdResource,
    LandLeaseResource,
    TakeHomeWorkResource,
)

# A search term that is all digits (an X may end it) and at least this long is a resident
# ID number; one that merely contains that many digits in a row is not searched at all.
# Either way it never reaches the database. (A village's statistical code has 12 digits.)
RESIDENT_ID_TERM = re.compile(r"\d{14,}[\dX]")
DIGIT_RUN = re.compile(r"\d{15}")


class PovertyRecordAdmin(RecordAdmin):
    """Base of the poverty registry's admins (see ``common.admin.RecordAdmin``): changes
    and deletions go through ``services.record_update`` and ``services.record_delete``.
    Like every related record, a household can be chosen only among those the user may
    see (``common.admin.ScopedAdminMixin``).
    """

    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A number typed into the form is looked up (and logged) once, and logged after the
        # admin's transaction, so a refused form keeps its entry.
        with services.resident_id_lookups(via=RevealVia.FORM):
            return super().changeform_view(request, object_id, form_url, extra_context)


class ResidentIdSearchMixin:
    """Search by a head of household's full resident ID number, through the keyed hash.

    ``resident_id_lookup`` is the lookup from a listed row to its household.
    """

    resident_id_lookup = "pk"

    def get_search_results(self, request, queryset, search_term):
        """``(rows, may have duplicates)``: for a number, the rows of the household with it
        if ``request.user`` may reveal numbers, else none."""
        compact = normalise_resident_id(search_term)
        if RESIDENT_ID_TERM.fullmatch(compact):
            if not selectors.may_reveal_resident_id(request.user):
                return queryset.none(), False  # the same for a registered number and any other
            household = selectors.household_find_by_id_number(user=request.user, number=compact)
            if household is None:
                return queryset.none(), False
            return queryset.filter(**{self.resident_id_lookup: household.pk}), False
        if DIGIT_RUN.search(compact):
            return queryset.none(), False  # a mistyped number is not sent to the database either
        return super().get_search_results(request, queryset, search_term)


# ---------------------------------------------------------------------------------------
# Poverty-alleviation models, enterprises, bases
# ---------------------------------------------------------------------------------------


@admin.register(AlleviationModel)
class AlleviationModelAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """The poverty-alleviation models are reference data kept by city staff. None is ever
    deleted: enterprises would silently lose it."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def get_fields(self, request, obj=None):
        return ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Code and data refer to a model by its code.
        return ["code"] if obj is not None else []

    def has_view_permission(self, request, obj=None):
        return user_sees_everything(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return user_sees_everything(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return user_sees_everything(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            services.alleviation_model_update(alleviation_model=obj, name=form.cleaned_data["name"])
        else:
            obj.pk = services.alleviation_model_create(code=form.cleaned_data["code"],
                                                       name=form.cleaned_data["name"]).pk


@admin.register(Enterprise)
class EnterpriseAdmin(OrganisationRecordAdminMixin, PovertyRecordAdmin):
    resource_classes = [EnterpriseResource]
    list_selector = staticmethod(selectors.enterprise_list)
    create_service = staticmethod(services.enterprise_create)
    record_fields = ["alleviation_models", "products", "recognised_on", "note"]
    list_display = ["organisation", "organisation_uscc", "organisation_place", "model_names", "products",
                    "recognised_on"]
    list_filter = [county_filter("organisation__region"), "alleviation_models", "recognised_on"]
    search_fields = ["organisation__name", "organisation__uscc", "products"]
    list_select_related = ["organisation__region"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "alleviation_models":
            # Four choices: boxes to tick read better on a phone than a multiple select.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def check_record(self, request, obj: Enterprise) -> None:
        services.enterprise_check(user=request.user, enterprise=obj)

    @admin.display(description=field_label(Enterprise, "alleviation_models"))
    def model_names(self, obj: Enterprise) -> str:
        # Prefetched by the selector: no query per row.
        return "、".join(model.name for model in obj.alleviation_models.all())


@admin.register(Base)
class BaseAdmin(PovertyRecordAdmin):
    resource_classes = [BaseResource]
    list_selector = staticmethod(selectors.base_list)
    create_service = staticmethod(services.base_create)
    fields = ["name", "region", "enterprise", "products", "area_mu", "opened_on", "closed_on"]
    list_display = ["name", "region", "enterprise", "products", "area_mu", "opened_on", "closed_on"]
    list_filter = [county_filter("region"), ("closed_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "products", "enterprise__organisation__name"]
    list_select_related = ["region", "enterprise__organisation"]
    autocomplete_fields = ["region", "enterprise"]


# ---------------------------------------------------------------------------------------
# Households
# ---------------------------------------------------------------------------------------


class ResidentIdInput(forms.TextInput):
    """A text input for a resident ID number that browsers do not remember."""

    def __init__(self, attrs=None):
        # Browsers must not offer one household's number when another's is typed.
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", "size": 24, **(attrs or {})})


class HouseholdAddForm(forms.ModelForm):
    """A new household: its number is typed here and validated like the service does."""

    resident_id = forms.CharField(
        label=field_label(Household, "resident_id"), max_length=30, widget=ResidentIdInput,
        help_text=_("The head of household's 18-character number; stored encrypted and shown masked."),
    )

    class Meta:
        model = Household
        fields = ["head_name", "resident_id", "village", "size", "disabled_members", "exited_in"]


class HouseholdChangeForm(forms.ModelForm):
    """An existing household. The stored number is not a field of this form, so it cannot
    be rendered; a new one may be typed in ``new_resident_id``."""

    new_resident_id = forms.CharField(
        label=_("new resident ID number"), max_length=30, required=False, widget=ResidentIdInput,
        help_text=_("Leave empty to keep the number. A number typed here replaces it."),
    )

    class Meta:
        model = Household
        fields = ["head_name", "village", "size", "disabled_members", "exited_in"]

    def clean_new_resident_id(self) -> str:
        """The typed number normalised ('' for none); raises ValidationError (masked) if invalid."""
        number = normalise_resident_id(self.cleaned_data["new_resident_id"])
        if number:
            validate_resident_id(number)
        return number

    def _post_clean(self):
        number = self.cleaned_data.get("new_resident_id")
        if number:
            # Set before the model validates, so a number already registered is refused.
            self.instance.resident_id = number
            self.instance.number_typed = True
        super()._post_clean()

    def _update_errors(self, errors):
        # The model reports the number under its own field name, which this form calls
        # new_resident_id.
        if hasattr(errors, "error_dict") and "resident_id" in errors.error_dict:
            error_dict = dict(errors.error_dict)
            error_dict.setdefault("new_resident_id", []).extend(error_dict.pop("resident_id"))
            errors = ValidationError(error_dict)
        super()._update_errors(errors)


class ExitFilter(admin.SimpleListFilter):
    """Still poor, out of poverty, or out of poverty in a given year."""

    title = field_label(Household, "exited_in")
    parameter_name = "exited"
    STILL_POOR, EXITED = "no", "yes"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request).order_by().filter(exited_in__isnull=False)
            .values_list("exited_in", flat=True).distinct()
        )
        return [(self.STILL_POOR, _("Still poor")), (self.EXITED, _("Out of poverty")),
                *((str(year), str(year)) for year in sorted(years))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.STILL_POOR:
            return queryset.filter(exited_in__isnull=True)
        if value == self.EXITED:
            return queryset.filter(exited_in__isnull=False)
        year = filter_number(value, minimum=1, maximum=9999)
        return queryset if year is None else queryset.filter(exited_in=year)


@admin.register(Household)
class HouseholdAdmin(ResidentIdSearchMixin, PovertyRecordAdmin):
    resource_classes = [HouseholdResource]
    list_selector = staticmethod(selectors.household_list)
    create_service = staticmethod(services.household_create)
    list_display = ["head_name", "resident_id_masked", "village_path", "size", "disabled_members", "exited_in"]
    list_display_links = ["head_name"]
    list_filter = [county_filter("village"), ExitFilter]
    search_fields = ["head_name", "village__name", "village__path"]
    list_select_related = ["village"]
    autocomplete_fields = ["village"]
    # By name for those who may read names (others: by village, then as registered).
    ordering = ["village__path", "head_name"]
    # The records linking a household to the programmes, linked from its change page.
    LINKS = (Employment, LandLease, Dividend, TakeHomeWork)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["head_name", "resident_id", "village", "size", "disabled_members", "exited_in"]
        return ["head_name", "resident_id_masked", "new_resident_id", "village", "size", "disabled_members",
                "exited_in", "links"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else [*readonly, "resident_id_masked", "links"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = HouseholdAddForm if obj is None else HouseholdChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def form_values(self, form) -> tuple[dict, dict]:
        data, m2m = super().form_values(form)
        if form.cleaned_data.get("new_resident_id"):
            data["resident_id"] = form.cleaned_data["new_resident_id"]
        return data, m2m

    def check_instance(self, request, obj) -> None:
        super().check_instance(request, obj)
        if obj.pk is None or getattr(obj, "number_typed", False):
            services.household_check(user=request.user, household=obj)

    @admin.display(description=field_label(Household, "resident_id"))
    def resident_id_masked(self, household: Household) -> str:
        return household.masked_resident_id

    @admin.display(description=field_label(Household, "village"), ordering="village__path")
    def village_path(self, household: Household) -> str:
        return household.village.display_path

    @admin.display(description=_("programme links"))
    def links(self, household: Household) -> str:
        """Links to the household's jobs, leases, dividends and take-home work."""
        items = []
        for model in self.LINKS:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name)
            count = model.objects.filter(household=household).count()
            items.append((f"{url}?household__id__exact={household.pk}", opts.verbose_name_plural, count))
        return format_html_join("、", '<a href="{}">{}（{}）</a>', items)

    # -- revealing the full number ---------------------------------------------------------

    def get_urls(self):
        opts = self.opts
        reveal = path(
            "<path:object_id>/reveal/", self.admin_site.admin_view(self.reveal_view),
            name=f"{opts.app_label}_{opts.model_name}_reveal",
        )
        return [reveal, *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and selectors.may_reveal_resident_id(request.user):
            context["reveal_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_reveal", args=[quote(obj.pk)],
                current_app=self.admin_site.name,
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def reveal_view(self, request, object_id):
        """GET asks to confirm; POST reveals the number (``services.household_reveal_id``
        writes the audit entry) on a page no cache may keep.

        Raises Http404 for a household out of the user's area, PermissionDenied without
        the reveal permission.
        """
        household = self.get_object(request, unquote(object_id))
        if household is None or not self.has_view_permission(request, household):
            raise Http404
        if not selectors.may_reveal_resident_id(request.user):
            raise PermissionDenied
        number = None
        if request.method == "POST":
            number = services.household_reveal_id(user=request.user, household=household)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reveal the full resident ID number"),
            "subtitle": str(household),
            "opts": self.opts,
            "household": household,
            "number": number,
            "change_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                  args=[quote(household.pk)], current_app=self.admin_site.name),
        }
        request.current_app = self.admin_site.name
        response = TemplateResponse(request, "admin/poverty/household/reveal.html", context)
        add_never_cache_headers(response)
        return response


# ---------------------------------------------------------------------------------------
# What links a household to the programmes
# ---------------------------------------------------------------------------------------


class HouseholdLinkAdmin(ResidentIdSearchMixin, PovertyRecordAdmin):
    """Base of the link admins: scoped like their households, found by the household's
    full resident ID number, filtered by the household's county."""

    resident_id_lookup = "household"
    list_filter = [county_filter("household__village")]
    autocomplete_fields = ["household", "enterprise", "base"]
    list_select_related = ["household__village", "enterprise__organisation", "base"]
    search_fields = ["household__head_name", "enterprise__organisation__name", "base__name"]

    @admin.display(description=_("workplace"))
    def workplace(self, link) -> str:
        return str(link.workplace)


@admin.register(Employment)
class EmploymentAdmin(HouseholdLinkAdmin):
    resource_classes = [EmploymentResource]
    list_selector = staticmethod(selectors.employment_list)
    create_service = staticmethod(services.employment_create)
    fields = ["household", "member_name", "is_disabled", "enterprise", "base", "started_on", "ended_on",
              "monthly_wage"]
    list_display = ["member_name", "household", "workplace", "is_disabled", "started_on", "ended_on", "monthly_wage"]
    list_filter = [*HouseholdLinkAdmin.list_filter, "is_disabled", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["member_name", *HouseholdLinkAdmin.search_fields]
    date_hierarchy = "started_on"


@admin.register(LandLease)
class LandLeaseAdmin(HouseholdLinkAdmin):
    resource_classes = [LandLeaseResource]
    list_selector = staticmethod(selectors.land_lease_list)
    create_service = staticmethod(services.land_lease_create)
    fields = ["household", "enterprise", "base", "area_mu", "annual_rent", "started_on", "ended_on"]
    list_display = ["household", "workplace", "area_mu", "annual_rent", "started_on", "ended_on"]
    list_filter = [*HouseholdLinkAdmin.list_filter, ("ended_on", admin.EmptyFieldListFilter)]
    date_hierarchy = "started_on"


@admin.register(Dividend)
class DividendAdmin(HouseholdLinkAdmin):
    resource_classes = [DividendResource]
    list_selector = staticmethod(selectors.dividend_list)
    create_service = staticmethod(services.dividend_create)
    fields = ["household", "enterprise", "base", "year", "amount", "paid_on"]
    list_display = ["household", "workplace", "year", "amount", "paid_on"]
    list_filter = [*HouseholdLinkAdmin.list_filter, "year"]
    date_hierarchy = "paid_on"


@admin.register(TakeHomeWork)
class TakeHomeWorkAdmin(HouseholdLinkAdmin):
    resource_classes = [TakeHomeWorkResource]
    list_selector = staticmethod(selectors.take_home_work_list)
    create_service = staticmethod(services.take_home_work_create)
    fields = ["household", "enterprise", "period_start", "period_end", "pieces", "pay"]
    list_display = ["household", "enterprise", "period_start", "period_end", "pieces", "pay"]
    list_select_related = ["household__village", "enterprise__organisation"]
    autocomplete_fields = ["household", "enterprise"]
    search_fields = ["household__head_name", "enterprise__organisation__name"]
    date_hierarchy = "period_start"


# ---------------------------------------------------------------------------------------
# The reveal audit log
# ---------------------------------------------------------------------------------------


@admin.register(RevealLog)
class RevealLogAdmin(ReadOnlyAdminMixin, ResidentIdSearchMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read only, for everyone: entries are written by ``services.household_reveal_id``
    alone and never changed or deleted, not even by a superuser. Searching by a full
    resident ID number lists who revealed that household's number."""

    resident_id_lookup = "household"
    list_display = ["revealed_at", "user", "kind", "household", "via", "file_name", "numbers", "charged", "matched",
                    "refused"]
    list_filter = ["kind", "refused", "via", county_filter("household__village")]
    search_fields = ["user__username", "household__head_name", "file_name"]
    list_select_related = ["user", "household__village"]
    date_hierarchy = "revealed_at"
    fields = ["revealed_at", "user", "kind", "household", "via", "file_name", "numbers", "charged", "matched",
              "refused", "households"]

    def scoped_queryset(self, request):
        return selectors.reveal_log_list(user=request.user)
