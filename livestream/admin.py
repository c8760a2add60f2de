"""The livestream registry in the admin: scoped to the user's area, written by the services.

Anchors' real names and mobile numbers are shown masked, in the list and the form, to
users without ``livestream.view_anchor_personal_data``.
"""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import ServiceDeleteMixin
from xuchang_ecom.records.admin import OrganisationRecordAdminMixin, RecordAdmin, county_filter

from . import selectors, services
from .importers.admin import SessionBulkImportAdminMixin
from .models import (
    Agency,
    Anchor,
    AnchorAccount,
    AnchorStatus,
    Base,
    Brand,
    Cluster,
    ClusterStatus,
    Contest,
    Platform,
    Session,
    Training,
)
from .resources import (
    AgencyResource,
    AnchorResource,
    BaseResource,
    BrandResource,
    ClusterResource,
    ContestResource,
    SessionResource,
    TrainingResource,
)


class LivestreamRecordAdmin(RecordAdmin):
    """Base of the livestream registries' admins (see ``common.admin.RecordAdmin``):
    changes and deletions go through ``services.record_update`` and
    ``services.record_delete``."""

    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


@admin.register(Platform)
class PlatformAdmin(ServiceDeleteMixin, AuditHistoryMixin, admin.ModelAdmin):
    """Platforms are reference data: city staff keep them, everyone else reads them."""

    list_display = ["name", "is_cross_border", "is_active"]
    list_filter = ["is_cross_border", "is_active"]
    search_fields = ["name"]

    def get_fields(self, request, obj=None):
        # A new platform is in use; it is retired later by changing it.
        return ["name", "is_cross_border"] if obj is None else ["name", "is_cross_border", "is_active"]

    def save_model(self, request, obj, form, change):
        if change:
            services.platform_update(platform=obj, data=form.cleaned_data)
        else:
            obj.pk = services.platform_create(**form.cleaned_data).pk

    def delete_record(self, request, obj):
        services.platform_delete(platform=obj)


@admin.register(Cluster)
class ClusterAdmin(LivestreamRecordAdmin):
    resource_classes = [ClusterResource]
    list_selector = staticmethod(selectors.cluster_list)
    create_service = staticmethod(services.cluster_create)
    fields = ["name", "region", "lead_industry", "planned_on", "recognised_on", "revoked_on", "note"]
    list_display = ["name", "region", "lead_industry", "planned_on", "recognised_on", "revoked_on", "status_label"]
    list_filter = [county_filter("region"), "lead_industry"]
    search_fields = ["name", "lead_industry", "region__path"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]

    @admin.display(description=_("status"))
    def status_label(self, obj: Cluster) -> str:
        return ClusterStatus(obj.status).label


@admin.register(Base)
class BaseAdmin(LivestreamRecordAdmin):
    resource_classes = [BaseResource]
    list_selector = staticmethod(selectors.base_list)
    create_service = staticmethod(services.base_create)
    fields = ["name", "region", "kind", "operator", "cluster", "opened_on", "closed_on",
              "committed_sessions_per_month", "platforms"]
    list_display = ["name", "region", "kind", "operator", "cluster", "opened_on", "closed_on",
                    "committed_sessions_per_month"]
    list_filter = ["kind", county_filter("region"), "platforms"]
    search_fields = ["name", "region__path", "operator__name"]
    list_select_related = ["region", "operator", "cluster"]
    autocomplete_fields = ["region", "operator", "cluster", "platforms"]


@admin.register(Agency)
class AgencyAdmin(OrganisationRecordAdminMixin, LivestreamRecordAdmin):
    resource_classes = [AgencyResource]
    list_selector = staticmethod(selectors.agency_list)
    create_service = staticmethod(services.agency_create)
    record_fields = ["supported_on", "support_batch", "support_ended_on"]
    list_display = ["organisation", "organisation_uscc", "organisation_place", "supported_on", "support_batch",
                    "support_ended_on"]
    list_filter = [county_filter("organisation__region"), "support_batch"]
    search_fields = ["organisation__name", "organisation__uscc"]
    list_select_related = ["organisation__region"]

    def check_record(self, request, obj: Agency) -> None:
        services.agency_check(user=request.user, agency=obj)


@admin.register(Brand)
class BrandAdmin(LivestreamRecordAdmin):
    resource_classes = [BrandResource]
    list_selector = staticmethod(selectors.brand_list)
    create_service = staticmethod(services.brand_create)
    fields = ["name", "region", "owner", "category", "incubated_by_base", "incubated_by_agency", "incubated_on"]
    list_display = ["name", "region", "owner", "category", "incubated_by_base", "incubated_by_agency",
                    "incubated_on"]
    list_filter = [county_filter("region"), "category"]
    search_fields = ["name", "category", "owner__name"]
    list_select_related = ["region", "owner", "incubated_by_base", "incubated_by_agency__organisation"]
    autocomplete_fields = ["region", "owner", "incubated_by_base", "incubated_by_agency"]


class AnchorAccountFormSet(forms.BaseInlineFormSet):
    """An anchor's platform accounts, saved with the anchor by its service (one account on
    each platform, as the service and the import keep them)."""

    def accounts(self) -> dict:
        """Platform -> account as the form leaves them: a stored account is removed only
        when ticked for deletion, not when the form did not hold it (added meanwhile)."""
        posted = {form.cleaned_data["platform"]: form.cleaned_data["account"]
                  for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")}
        shown = {form.instance.pk for form in self.initial_forms}
        kept = {link.platform: link.account for link in self.get_queryset() if link.pk not in shown}
        return {**kept, **posted}

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        platforms = [form.cleaned_data["platform"] for form in self.forms
                     if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        twice = sorted({platform.name for platform in platforms if platforms.count(platform) > 1})
        if twice:
            raise forms.ValidationError(_("An anchor has one account on each platform: %(platforms)s is given "
                                          "more than once.") % {"platforms": "、".join(twice)})


class AnchorAccountInline(admin.TabularInline):
    model = AnchorAccount
    formset = AnchorAccountFormSet
    fields = ["platform", "account"]
    extra = 0


@admin.register(Anchor)
class AnchorAdmin(LivestreamRecordAdmin):
    """Real names and mobile numbers are masked, closed to search, lookups and sorting, and
    replaced rather than edited, for users without the permission to see them
    (``Anchor.personal_data``; see ``common.admin.PersonalDataAdminMixin``)."""

    resource_classes = [AnchorResource]
    list_selector = staticmethod(selectors.anchor_list)
    create_service = staticmethod(services.anchor_create)
    fields = ["display_name", "real_name", "mobile", "region", "agency", "cultivated_on", "left_on"]
    list_display = ["display_name", "real_name", "mobile", "region", "agency", "cultivated_on", "left_on",
                    "status_label"]
    list_filter = [county_filter("region"), ("left_on", admin.EmptyFieldListFilter)]
    search_fields = ["display_name", "accounts__account", "real_name", "mobile"]
    list_select_related = ["region", "agency__organisation"]
    autocomplete_fields = ["region", "agency"]
    inlines = [AnchorAccountInline]

    def save_model(self, request, obj, form, change):
        pass  # saved with its platform accounts in save_related, by one service call

    def save_related(self, request, form, formsets, change):
        formset = next((f for f in formsets if isinstance(f, AnchorAccountFormSet)), None)
        accounts = formset.accounts() if formset is not None else None
        data, _m2m = self.form_values(form)
        if change:
            services.anchor_update(user=request.user, anchor=form.instance, data=data, accounts=accounts)
        else:
            form.instance.pk = services.anchor_create(user=request.user, **data, accounts=accounts).pk
        if formset is not None:
            # The admin's history message reads these; the trail has each account's change.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.display(description=_("status"))
    def status_label(self, anchor: Anchor) -> str:
        return AnchorStatus(anchor.status).label


# Sessions come in files of 100,000 rows: they import through the bulk path in
# livestream.importers; SessionResource only exports.
@admin.register(Session)
class SessionAdmin(SessionBulkImportAdminMixin, LivestreamRecordAdmin):
    resource_classes = [SessionResource]
    list_selector = staticmethod(selectors.session_list)
    create_service = staticmethod(services.session_create)
    fields = ["started_at", "platform", "region", "base", "agency", "anchors", "kind", "title", "product_category",
              "orders", "sales", "quantity", "quantity_unit"]
    list_display = ["started_at", "platform", "region", "base", "agency", "kind", "title", "orders", "sales"]
    list_filter = ["kind", "platform", county_filter("region")]
    search_fields = ["title", "product_category"]
    list_select_related = ["platform", "region", "base", "agency__organisation"]
    autocomplete_fields = ["region", "base", "agency", "anchors"]
    date_hierarchy = "started_at"
    # Counting every session in the city on each page would cost more than the page.
    show_full_result_count = False


@admin.register(Training)
class TrainingAdmin(LivestreamRecordAdmin):
    resource_classes = [TrainingResource]
    list_selector = staticmethod(selectors.training_list)
    create_service = staticmethod(services.training_create)
    fields = ["held_on", "title", "organiser", "region", "trainees", "anchors_trained"]
    list_display = ["held_on", "title", "organiser", "region", "trainees", "anchors_trained"]
    list_filter = [county_filter("region")]
    search_fields = ["title", "organiser"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    date_hierarchy = "held_on"


@admin.register(Contest)
class ContestAdmin(LivestreamRecordAdmin):
    resource_classes = [ContestResource]
    list_selector = staticmethod(selectors.contest_list)
    create_service = staticmethod(services.contest_create)
    fields = ["held_on", "title", "organiser", "region", "entrants", "winners"]
    list_display = ["held_on", "title", "organiser", "region", "entrants", "winners"]
    list_filter = [county_filter("region")]
    search_fields = ["title", "organiser"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    date_hierarchy = "held_on"
