"""The livestream e-commerce registry behind the action plan's four headline targets.

Every record that counts towards a target carries the dates it started and (where it can
end) stopped counting, so each target's value can be computed as of any date.
"""
from datetime import date

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.scoping import ScopedQuerySet
from xuchang_ecom.common.constraints import CheckConstraint
from xuchang_ecom.common.masking import PersonalData, mask_mobile, mask_name
from xuchang_ecom.common.models import dates_in_order, valid_on
from xuchang_ecom.common.permissions import REGISTRY_PERMISSIONS
from xuchang_ecom.regions.models import Region


class Platform(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    is_cross_border = models.BooleanField(_("cross-border"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClusterStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RECOGNISED = "recognised", _("Recognised")
    REVOKED = "revoked", _("Revoked")


class ClusterQuerySet(ScopedQuerySet):
    scope_region_field = "region"

    def recognised_on(self, as_of: date) -> "ClusterQuerySet":
        return self.filter(valid_on(as_of, "recognised_on", "revoked_on"))


class Cluster(models.Model):
    """A livestream e-commerce industry cluster (直播电商产业集聚区)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    lead_industry = models.CharField(_("lead industry"), max_length=50, help_text=_("e.g. 发制品, 蜂产品"))
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("industry cluster")
        verbose_name_plural = _("industry clusters")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["name"]
        constraints = [
            dates_in_order("recognised_on", "revoked_on", "livestream_cluster_revoked_after_recognised"),
            CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(recognised_on__isnull=False),
                name="livestream_cluster_revoked_only_if_recognised", field="revoked_on",
                violation_error_message=_("Only a recognised cluster can be revoked."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def status(self) -> str:
        if self.revoked_on:
            return ClusterStatus.REVOKED
        return ClusterStatus.RECOGNISED if self.recognised_on else ClusterStatus.PLANNED


class BaseKind(models.TextChoices):
    CROSS_BORDER = "cross_border", _("Cross-border")
    CHECK_IN = "check_in", _("Influencer check-in")
    COMPREHENSIVE = "comprehensive", _("Comprehensive")
    OTHER = "other", _("Other")


class BaseQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_organisation_field = "operator"

    def open_on(self, as_of: date) -> "BaseQuerySet":
        return self.filter(valid_on(as_of, "opened_on", "closed_on"))


class Base(models.Model):
    """A livestream base (直播基地)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey(
        Organisation, verbose_name=_("operating organisation"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="livestream_bases",
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("industry cluster"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="bases",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BaseKind.choices, default=BaseKind.COMPREHENSIVE)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    committed_sessions_per_month = models.PositiveIntegerField(
        _("committed livestreams per month"), null=True, blank=True
    )
    platforms = models.ManyToManyField(Platform, verbose_name=_("platforms"), blank=True, related_name="bases")

    objects = BaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("livestream base")
        verbose_name_plural = _("livestream bases")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["name"]
        constraints = [dates_in_order("opened_on", "closed_on", "livestream_base_closed_after_opened")]

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(ScopedQuerySet):
    scope_region_field = "organisation__region"
    scope_organisation_field = "organisation"

    def supported_on(self, as_of: date) -> "AgencyQuerySet":
        return self.filter(valid_on(as_of, "supported_on", "support_ended_on"))


class Agency(models.Model):
    """A livestream agency or MCN (直播机构); its legal identity is its organisation."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="livestream_agency"
    )
    supported_on = models.DateField(
        _("supported as demonstration agency on"), null=True, blank=True,
        help_text=_("The date it was named a demonstration agency (示范带动直播机构)."),
    )
    support_batch = models.CharField(_("support batch"), max_length=50, blank=True, help_text=_("e.g. 第一批"))
    support_ended_on = models.DateField(_("support withdrawn on"), null=True, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("livestream agency")
        verbose_name_plural = _("livestream agencies")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["organisation__name"]
        constraints = [
            dates_in_order("supported_on", "support_ended_on", "livestream_agency_support_ends_after_start"),
            CheckConstraint(
                condition=Q(support_ended_on__isnull=True) | Q(supported_on__isnull=False),
                name="livestream_agency_withdrawn_only_if_supported", field="support_ended_on",
                violation_error_message=_("Support can only be withdrawn from a supported agency."),
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name


class BrandQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_organisation_field = "owner"

    def incubated_by(self, as_of: date) -> "BrandQuerySet":
        return self.filter(incubated_on__lte=as_of)


class Brand(models.Model):
    """An influencer brand (网红品牌) incubated by a base or an agency."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        Organisation, verbose_name=_("owning organisation"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="livestream_brands",
    )
    category = models.CharField(_("category"), max_length=50, blank=True)
    incubated_by_base = models.ForeignKey(
        Base, verbose_name=_("incubated by base"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="brands",
    )
    incubated_by_agency = models.ForeignKey(
        Agency, verbose_name=_("incubated by agency"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="brands",
    )
    incubated_on = models.DateField(_("incubated on"), null=True, blank=True)

    objects = BrandQuerySet.as_manager()

    class Meta:
        verbose_name = _("influencer brand")
        verbose_name_plural = _("influencer brands")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AnchorStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class AnchorQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_organisation_field = "agency__organisation"

    def cultivated_by(self, as_of: date) -> "AnchorQuerySet":
        return self.filter(valid_on(as_of, "cultivated_on", "left_on"))


class Anchor(models.Model):
    """An anchor (带货达人 / 主播). Real name and mobile number are personal data."""

    display_name = models.CharField(_("display name"), max_length=50, unique=True)
    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        Agency, verbose_name=_("livestream agency"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="anchors",
    )
    cultivated_on = models.DateField(
        _("cultivated on"), null=True, blank=True, help_text=_("The date the anchor was cultivated or certified.")
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = AnchorQuerySet.as_manager()
    personal_data = PersonalData(permission="livestream.view_anchor_personal_data",
                                 masks={"real_name": mask_name, "mobile": mask_mobile})

    class Meta:
        verbose_name = _("anchor")
        verbose_name_plural = _("anchors")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["display_name"]
        permissions = [("view_anchor_personal_data", _("Can see anchors' real names and mobile numbers"))]
        constraints = [dates_in_order("cultivated_on", "left_on", "livestream_anchor_left_after_cultivated")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def status(self) -> str:
        return AnchorStatus.LEFT if self.left_on else AnchorStatus.ACTIVE


class AnchorAccount(models.Model):
    anchor = models.ForeignKey(
        Anchor, verbose_name=_("anchor"), on_delete=models.CASCADE, related_name="accounts"
    )
    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.CharField(_("account"), max_length=100)

    class Meta:
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
        default_permissions = REGISTRY_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["platform", "account"], name="livestream_unique_platform_account"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}: {self.account}"


class SessionKind(models.TextChoices):
    COMMERCIAL = "commercial", _("Commercial")
    PUBLIC_WELFARE = "public_welfare", _("Public welfare")
    CROSS_BORDER = "cross_border", _("Cross-border")


class QuantityUnit(models.TextChoices):
    PIECE = "piece", _("piece")
    KG = "kg", _("kg")
    TONNE = "tonne", _("tonne")


class SessionQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_organisation_field = "agency__organisation"

    def monthly_totals(self, *, by: tuple[str, ...] = ()) -> models.QuerySet:
        """Sessions, orders and sales per month (and per each field in ``by``), in one query."""
        return (
            self.order_by()
            .annotate(month=TruncMonth("started_at"))
            .values("month", *by)
            .annotate(sessions=Count("pk"), orders=Sum("orders"), sales=Sum("sales"))
            .order_by("month", *by)
        )


class Session(models.Model):
    """One livestream (直播场次)."""

    started_at = models.DateTimeField(_("start time"))
    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="sessions"
    )
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    base = models.ForeignKey(
        Base, verbose_name=_("livestream base"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="sessions",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("livestream agency"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="sessions",
    )
    anchors = models.ManyToManyField(Anchor, verbose_name=_("anchors"), blank=True, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices, default=SessionKind.COMMERCIAL)
    title = models.CharField(_("title"), max_length=200, blank=True)
    product_category = models.CharField(_("product category"), max_length=50, blank=True)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    sales = models.DecimalField(
        _("sales (yuan)"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    quantity = models.DecimalField(
        _("quantity sold"), max_digits=14, decimal_places=3, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    quantity_unit = models.CharField(_("unit"), max_length=10, choices=QuantityUnit.choices, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("livestream session")
        verbose_name_plural = _("livestream sessions")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["-started_at"]
        constraints = [
            CheckConstraint(
                condition=Q(sales__gte=0), name="livestream_session_sales_not_negative",
                violation_error_message=_("Sales cannot be negative."),
            ),
            CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="livestream_session_quantity_not_negative",
                violation_error_message=_("The quantity sold cannot be negative."),
            ),
            CheckConstraint(
                condition=Q(quantity__isnull=True) | ~Q(quantity_unit=""), name="livestream_session_quantity_has_unit",
                field="quantity_unit",
                violation_error_message=_("Give the unit of the quantity sold."),
            ),
        ]
        indexes = [models.Index(fields=["started_at"], name="livestream_session_started")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.platform}"


class SessionMonth(models.Model):
    """Sessions, orders and sales per month, platform and kind: totals the roll-up keeps
    (``livestream.services.session_months_refresh``) so the public dashboard does not add up
    the sessions table on every cold render. Never edited by hand."""

    month = models.DateField(_("month"))
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    sessions = models.PositiveIntegerField(_("sessions"))
    orders = models.BigIntegerField(_("orders"))
    sales = models.DecimalField(_("sales (yuan)"), max_digits=20, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("monthly session totals")
        verbose_name_plural = _("monthly session totals")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["month", "platform", "kind"], name="livestream_sessionmonth_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.platform_id} {self.kind}"


class EventQuerySet(ScopedQuerySet):
    scope_region_field = "region"


class Training(models.Model):
    """A public-welfare livestream e-commerce training (公益性直播电商培训)."""

    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=100)
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    trainees = models.PositiveIntegerField(_("trainees"), default=0)
    anchors_trained = models.PositiveIntegerField(_("anchors trained"), default=0)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Contest(models.Model):
    """A livestream sales contest (带货大赛)."""

    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=100)
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    entrants = models.PositiveIntegerField(_("entrants"), default=0)
    winners = models.PositiveIntegerField(_("winners"), default=0)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["-held_on"]
        constraints = [
            CheckConstraint(
                condition=Q(winners__lte=models.F("entrants")), name="livestream_contest_winners_le_entrants",
                field="winners",
                violation_error_message=_("A contest cannot have more winners than entrants."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


