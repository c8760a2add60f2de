"""Spreadsheet import and export of the livestream registry, written by its services.

Sessions are only exported here; they come in through the bulk session import
(``livestream.importers``).
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export import widgets

from xuchang_ecom.common.masking import MASK_CHARACTER
from xuchang_ecom.common.models import field_label
from xuchang_ecom.records.importexport.cells import cell_text
from xuchang_ecom.records.importexport.columns import Column, region_code_column
from xuchang_ecom.records.importexport.resources import OrganisationResource, RelationColumnsMixin, Resource
from xuchang_ecom.records.importexport.widgets import RelatedListWidget, TextWidget

from . import selectors, services
from .models import Agency, Anchor, AnchorAccount, Base, Brand, Cluster, Contest, Platform, Session, Training

CLUSTER_FIELDS = ("name", "region", "lead_industry", "planned_on", "recognised_on", "revoked_on", "note")
BASE_FIELDS = ("name", "region", "kind", "operator", "cluster", "opened_on", "closed_on",
               "committed_sessions_per_month")
AGENCY_FIELDS = ("supported_on", "support_batch", "support_ended_on")
BRAND_FIELDS = ("name", "region", "owner", "category", "incubated_by_base", "incubated_by_agency", "incubated_on")
ANCHOR_FIELDS = ("display_name", "real_name", "mobile", "region", "agency", "cultivated_on", "left_on")
TRAINING_FIELDS = ("held_on", "title", "organiser", "region", "trainees", "anchors_trained")
CONTEST_FIELDS = ("held_on", "title", "organiser", "region", "entrants", "winners")


# ---------------------------------------------------------------------------------------
# Clusters, bases, brands, trainings, contests
# ---------------------------------------------------------------------------------------


class ClusterResource(Resource):
    """One row per industry cluster; its name identifies it."""

    region_code = region_code_column("region")

    class Meta:
        model = Cluster
        fields = ("name", "region", "region_code", "lead_industry", "planned_on", "recognised_on", "revoked_on",
                  "note")
        import_id_fields = ("name",)
        name = Cluster._meta.verbose_name_plural

    def create(self, instance: Cluster) -> Cluster:
        return services.cluster_create(user=self.user, **self.values(instance, CLUSTER_FIELDS))

    def update(self, instance: Cluster) -> Cluster:
        return services.record_update(user=self.user, instance=instance, data=self.values(instance, CLUSTER_FIELDS))


class BaseResource(RelationColumnsMixin, Resource):
    """One row per livestream base; its name identifies it. Platforms are written
    ``淘宝直播、抖音`` and must already be registered."""

    region_code = region_code_column("region")
    platforms = Column(attribute="platforms", column_name=field_label(Base, "platforms"),
                       widget=RelatedListWidget(Platform, field="name"))
    relation_fields = ("platforms",)

    class Meta:
        model = Base
        fields = ("name", "region", "region_code", "kind", "operator", "cluster", "opened_on", "closed_on",
                  "committed_sessions_per_month", "platforms")
        import_id_fields = ("name",)
        widgets = {"operator": {"field": "name"}, "cluster": {"field": "name"}}
        name = Base._meta.verbose_name_plural

    def get_queryset(self):
        return selectors.base_list(user=self.user)

    def create(self, instance: Base) -> Base:
        return services.base_create(
            user=self.user, **self.values(instance, BASE_FIELDS), **self.relations(instance)
        )

    def update(self, instance: Base) -> Base:
        return services.record_update(
            user=self.user, instance=instance, data=self.values(instance, BASE_FIELDS),
            m2m=self.relations(instance),
        )


class BrandResource(Resource):
    """One row per influencer brand; its name identifies it."""

    region_code = region_code_column("region")

    class Meta:
        model = Brand
        fields = ("name", "region", "region_code", "owner", "category", "incubated_by_base", "incubated_by_agency",
                  "incubated_on")
        import_id_fields = ("name",)
        widgets = {
            "owner": {"field": "name"},
            "incubated_by_base": {"field": "name"},
            "incubated_by_agency": {"field": "organisation__name"},
        }
        name = Brand._meta.verbose_name_plural

    def create(self, instance: Brand) -> Brand:
        return services.brand_create(user=self.user, **self.values(instance, BRAND_FIELDS))

    def update(self, instance: Brand) -> Brand:
        return services.record_update(user=self.user, instance=instance, data=self.values(instance, BRAND_FIELDS))


class TrainingResource(Resource):
    """One row per training; its date and title identify it."""

    region_code = region_code_column("region")

    class Meta:
        model = Training
        fields = ("held_on", "title", "organiser", "region", "region_code", "trainees", "anchors_trained")
        import_id_fields = ("held_on", "title")
        name = Training._meta.verbose_name_plural

    def create(self, instance: Training) -> Training:
        return services.training_create(user=self.user, **self.values(instance, TRAINING_FIELDS))

    def update(self, instance: Training) -> Training:
        return services.record_update(
            user=self.user, instance=instance, data=self.values(instance, TRAINING_FIELDS)
        )


class ContestResource(Resource):
    """One row per contest; its date and title identify it."""

    region_code = region_code_column("region")

    class Meta:
        model = Contest
        fields = ("held_on", "title", "organiser", "region", "region_code", "entrants", "winners")
        import_id_fields = ("held_on", "title")
        name = Contest._meta.verbose_name_plural

    def create(self, instance: Contest) -> Contest:
        return services.contest_create(user=self.user, **self.values(instance, CONTEST_FIELDS))

    def update(self, instance: Contest) -> Contest:
        return services.record_update(
            user=self.user, instance=instance, data=self.values(instance, CONTEST_FIELDS)
        )


# ---------------------------------------------------------------------------------------
# Agencies: the organisation's name, credit code and place, and the support dates
# ---------------------------------------------------------------------------------------


class AgencyResource(OrganisationResource):
    """One row per agency, identified by its credit code, or by its name when the row has
    no code. A new agency registers its organisation too (``services.agency_create``);
    an existing organisation's name and place are kept in the organisation registry, so a
    row that disagrees with them is an error rather than a silent change (see
    ``OrganisationResource``)."""

    class Meta:
        model = Agency
        fields = ("organisation", "uscc", "place", "place_code", "supported_on", "support_batch", "support_ended_on")
        name = Agency._meta.verbose_name_plural

    def build_record(self, *, name: str, region, uscc: str) -> Agency:
        return services.agency_build(name=name, region=region, uscc=uscc)

    def check_instance(self, instance: Agency) -> None:
        try:
            services.agency_check(user=self.user, agency=instance)
        except ValidationError as error:
            raise self.organisation_errors(error) from None

    def create(self, instance: Agency) -> Agency:
        organisation = instance.organisation
        return services.agency_create(
            user=self.user, name=organisation.name, region=organisation.region, uscc=organisation.uscc,
            **self.values(instance, AGENCY_FIELDS),
        )

    def update(self, instance: Agency) -> Agency:
        return services.record_update(user=self.user, instance=instance, data=self.values(instance, AGENCY_FIELDS))


# ---------------------------------------------------------------------------------------
# Anchors: personal data masked for users without the permission
# ---------------------------------------------------------------------------------------


class PersonalDataColumn(Column):
    """An anchor's real name or mobile number, exported (and shown in the import preview)
    as ``selectors.anchor_personal_data`` gives it to the acting user."""

    user = None

    def export(self, instance, **kwargs) -> str:
        return selectors.anchor_personal_data(user=self.user, anchor=instance)[self.attribute]


class AnchorAccountsWidget(widgets.Widget):
    """An anchor's platform accounts, written ``抖音：dy-001、快手：ks-002``.

    ``clean`` returns ``{platform: account}`` (empty for a blank cell) and raises
    ValueError for an entry without a colon or a platform not registered.
    """

    separator = "、"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._platforms = RelatedListWidget(Platform, field="name")

    def clean(self, value, row=None, **kwargs) -> dict[Platform, str]:
        entries = [part.strip() for part in RelatedListWidget.SEPARATORS.split(cell_text(value)) if part.strip()]
        pairs = []
        for entry in entries:
            platform, colon, account = entry.replace("：", ":").partition(":")
            if not colon or not platform.strip() or not account.strip():
                raise ValueError(
                    gettext("“%(entry)s” is not written as platform：account, e.g. 抖音：dy-001.") % {"entry": entry}
                )
            pairs.append((platform.strip(), account.strip()))
        platforms = self._platforms.clean("、".join(name for name, _account in pairs))
        by_name = {platform.name: platform for platform in platforms}
        return {by_name[name]: account for name, account in pairs}

    def render(self, value, obj=None, **kwargs) -> str:
        """Sorted by platform, so equal accounts render equally; ``value`` may be the
        anchor's related manager or a ``{platform: account}`` dict."""
        if value is None:
            return ""
        if isinstance(value, dict):
            pairs = [(platform.name, account) for platform, account in value.items()]
        elif value.instance.pk is None:
            pairs = []  # a new anchor has no accounts yet
        else:
            pairs = [(link.platform.name, link.account) for link in value.all()]
        return self.separator.join(f"{name}：{account}" for name, account in sorted(pairs))


class AnchorResource(RelationColumnsMixin, Resource):
    """One row per anchor; the display name identifies them.

    Real name and mobile number go out masked to users without the permission to see
    them, and a masked cell coming back leaves the stored value unchanged. The accounts
    column is optional.
    """

    real_name = PersonalDataColumn(attribute="real_name", column_name=field_label(Anchor, "real_name"),
                                   widget=TextWidget())
    mobile = PersonalDataColumn(attribute="mobile", column_name=field_label(Anchor, "mobile"), widget=TextWidget())
    region_code = region_code_column("region")
    accounts = Column(attribute="accounts", column_name=AnchorAccount._meta.verbose_name_plural,
                      widget=AnchorAccountsWidget())
    relation_fields = ("accounts",)

    class Meta:
        model = Anchor
        fields = ("display_name", "real_name", "mobile", "region", "region_code", "agency", "cultivated_on",
                  "left_on", "accounts")
        import_id_fields = ("display_name",)
        widgets = {"agency": {"field": "organisation__name"}}
        name = Anchor._meta.verbose_name_plural

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        for field in self._personal_columns():
            field.user = user

    def get_queryset(self):
        return selectors.anchor_list(user=self.user)

    def _personal_columns(self) -> list[PersonalDataColumn]:
        return [field for field in self.fields.values() if isinstance(field, PersonalDataColumn)]

    @staticmethod
    def _masked(field, row) -> bool:
        return MASK_CHARACTER in cell_text(row.get(field.column_name))

    @staticmethod
    def _given(field, row) -> bool:
        return bool(cell_text(row.get(field.column_name)))

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if isinstance(field, PersonalDataColumn) and self._masked(field, row):
            return  # a masked export coming back: keep what is stored
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not selectors.may_see_personal_data(self.user) and any(
            self._given(field, row) and not self._masked(field, row) for field in self._personal_columns()
        ):
            # Reporting "unchanged" would confirm a guessed name or number to someone
            # not allowed to read it; the row is written instead. (Blank cells may be
            # compared: the masked export already shows which values are blank.)
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def batched_models(self):
        # anchor_create writes the anchor's platform accounts with it.
        return (*super().batched_models(), AnchorAccount)

    def create(self, instance: Anchor) -> Anchor:
        return services.anchor_create(
            user=self.user, **self.values(instance, ANCHOR_FIELDS), **self.relations(instance)
        )

    def update(self, instance: Anchor) -> Anchor:
        return services.anchor_update(
            user=self.user, anchor=instance, data=self.values(instance, ANCHOR_FIELDS),
            accounts=self.relations(instance).get("accounts"),
        )


# ---------------------------------------------------------------------------------------
# Sessions: export only
# ---------------------------------------------------------------------------------------


class SessionResource(Resource):
    """One row per livestream session, for export. Sessions are imported in bulk through
    ``livestream.importers``, never through this resource."""

    region_code = region_code_column("region")
    anchors = Column(attribute="anchors", column_name=field_label(Session, "anchors"),
                     widget=RelatedListWidget(Anchor, field="display_name"), readonly=True)

    class Meta:
        model = Session
        fields = ("started_at", "platform", "region", "region_code", "base", "agency", "anchors", "kind", "title",
                  "product_category", "orders", "sales", "quantity", "quantity_unit")
        widgets = {
            "platform": {"field": "name"},
            "base": {"field": "name"},
            "agency": {"field": "organisation__name"},
        }
        name = Session._meta.verbose_name_plural

    def get_queryset(self):
        return selectors.session_list(user=self.user)

    def before_import(self, dataset, **kwargs):
        raise ValueError(gettext("Livestream sessions are imported with the bulk session import."))
