"""The livestream registry in the admin: scoped to the user's area, written by the services.

Anchors' real names and mobile numbers are shown masked, in the list and the form, to
users without ``livestream.view_anchor_personal_data``.
"""
from collections.abc import Callable

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import OrganisationRecordAdminMixin, RecordAdmin, county_filter
from xuchang_ecom.common.models import field_label

from . import selectors, services
from .importers import SessionBulkImportAdminMixin
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
class PlatformAdmin(AuditHistoryMixin, admin.ModelAdmin):
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


class AnchorAccountInline(admin.TabularInline):
    model = AnchorAccount
    fields = ["platform", "account"]
    extra = 0


def personal_data_column(name: str, *, user) -> Callable[[Anchor], str]:
    """A change-list column with the anchor's ``real_name`` or ``mobile`` as ``user`` may see it."""

    @admin.display(description=field_label(Anchor, name))
    def column(anchor: Anchor) -> str:
        return selectors.anchor_personal_data(user=user, anchor=anchor)[name]

    column.__name__ = f"personal_{name}"
    return column


@admin.register(Anchor)
class AnchorAdmin(LivestreamRecordAdmin):
    resource_classes = [AnchorResource]
    list_selector = staticmethod(selectors.anchor_list)
    create_service = staticmethod(services.anchor_create)
    fields = ["display_name", "real_name", "mobile", "region", "agency", "cultivated_on", "left_on"]
    # Shown instead of the personal fields, on the change form, to users who may not see them.
    masked_fields = {"real_name": "masked_real_name", "mobile": "masked_mobile"}
    list_filter = [county_filter("region"), ("left_on", admin.EmptyFieldListFilter)]
    search_fields = ["display_name", "accounts__account"]
    list_select_related = ["region", "agency__organisation"]
    autocomplete_fields = ["region", "agency"]
    inlines = [AnchorAccountInline]

    def get_list_display(self, request):
        personal = [personal_data_column(name, user=request.user) for name in self.masked_fields]
        return ["display_name", *personal, "region", "agency", "cultivated_on", "left_on", "status_label"]

    def get_search_fields(self, request):
        if selectors.may_see_personal_data(request.user):
            return [*self.search_fields, "real_name", "mobile"]
        # Searching by a guessed name or number would reveal it.
        return self.search_fields

    def get_fields(self, request, obj=None):
        # A new anchor's details are typed in by the user, so only existing ones are masked.
        if obj is None or selectors.may_see_personal_data(request.user):
            return self.fields
        return [self.masked_fields.get(name, name) for name in self.fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not selectors.may_see_personal_data(request.user):
            readonly += self.masked_fields.values()
        return readonly

    def update_record(self, request, obj, *, data: dict, m2m: dict) -> None:
        services.anchor_update(user=request.user, anchor=obj, data=data)

    def get_object(self, request, object_id, from_field=None):
        anchor = super().get_object(request, object_id, from_field)
        if anchor is not None:
            anchor.personal_data = selectors.anchor_personal_data(user=request.user, anchor=anchor)
        return anchor

    @admin.display(description=field_label(Anchor, "real_name"))
    def masked_real_name(self, anchor: Anchor) -> str:
        return self._personal_data(anchor)["real_name"]

    @admin.display(description=field_label(Anchor, "mobile"))
    def masked_mobile(self, anchor: Anchor) -> str:
        return self._personal_data(anchor)["mobile"]

    @staticmethod
    def _personal_data(anchor: Anchor) -> dict[str, str]:
        # ``get_object`` works it out for the acting user; without it, mask (fail closed).
        return getattr(anchor, "personal_data", None) or selectors.anchor_personal_data(user=None, anchor=anchor)

    @admin.display(description=_("status"))
    def status_label(self, anchor: Anchor) -> str:
        return AnchorStatus(anchor.status).label


# Sessions come in files of 100,000 rows: they import through the bulk path in
# importers.py; SessionResource only exports.
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
