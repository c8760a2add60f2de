"""The Taobao village and town registry (淘宝村 / 淘宝镇).

Alibaba Research Institute publishes a list every year; a place may be designated in many
years. A designation is one place, one kind, one year; honours (百强 lists) are kept per
place and year, so a county's honour (淘宝村百强县) fits the same table.
"""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.scoping import ScopedQuerySet
from xuchang_ecom.common.constraints import CheckConstraint
from xuchang_ecom.common.permissions import REGISTRY_PERMISSIONS
from xuchang_ecom.regions.models import Level, Region

FIRST_LIST_YEAR = 2009  # Alibaba's first Taobao villages were named in 2009.


class SourceReport(models.Model):
    title = models.CharField(_("title"), max_length=200, unique=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_LIST_YEAR), MaxValueValidator(2100)]
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("source report")
        verbose_name_plural = _("source reports")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class DesignationKind(models.TextChoices):
    VILLAGE = "village", _("Taobao village")
    TOWN = "town", _("Taobao town")


# The node level each kind must sit at.
KIND_LEVEL = {DesignationKind.VILLAGE: Level.VILLAGE, DesignationKind.TOWN: Level.TOWNSHIP}


class DesignationQuerySet(ScopedQuerySet):
    scope_region_field = "place"

    def counts_by_year_and_county(self):
        """Designations per (year, county, kind), counted in the database."""
        county_name = models.Case(
            models.When(place__level=Level.VILLAGE, then="place__parent__parent__name"),
            default="place__parent__name",
        )
        return (
            self.annotate(county=county_name)
            .values("year", "county")
            .annotate(
                villages=Count("pk", filter=Q(kind=DesignationKind.VILLAGE)),
                towns=Count("pk", filter=Q(kind=DesignationKind.TOWN)),
                shops=Sum("online_shops"),
            )
            .order_by("-year", "county")
        )


class Designation(models.Model):
    place = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="designations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DesignationKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_LIST_YEAR), MaxValueValidator(2100)]
    )
    source = models.ForeignKey(
        SourceReport, verbose_name=_("source report"), on_delete=models.PROTECT,
        related_name="designations",
    )
    main_products = models.CharField(
        _("main products"), max_length=200, blank=True,
        help_text=_("Separated by “、”, e.g. 蜂蜜、蜂蜡、蜂机具."),
    )
    online_shops = models.PositiveIntegerField(_("online shops"), null=True, blank=True)
    online_sales = models.DecimalField(
        _("online sales (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    local_model = models.CharField(
        _("local model"), max_length=100, blank=True, help_text=_("e.g. 岗李模式")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Taobao village/town designation")
        verbose_name_plural = _("Taobao village/town designations")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["-year", "place__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "kind", "year"], name="villages_one_designation_per_place_kind_year"
            ),
            CheckConstraint(
                condition=Q(online_sales__isnull=True) | Q(online_sales__gte=0),
                name="villages_online_sales_not_negative",
                violation_error_message=_("Online sales cannot be negative."),
            ),
            CheckConstraint(
                condition=Q(year__gte=FIRST_LIST_YEAR), name="villages_designation_year_plausible",
                violation_error_message=_("Alibaba's lists of Taobao villages start in 2009."),
            ),
        ]
        indexes = [models.Index(fields=["year", "kind"], name="villages_year_kind")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.place.display_path}"


class HonourQuerySet(ScopedQuerySet):
    scope_region_field = "place"


class Honour(models.Model):
    """A place on an honours list, e.g. 2020年农产品百强淘宝村 or 2020年淘宝村百强县."""

    place = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="honours"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_LIST_YEAR), MaxValueValidator(2100)]
    )
    title = models.CharField(_("honour"), max_length=100)
    source = models.ForeignKey(
        SourceReport, verbose_name=_("source report"), on_delete=models.PROTECT,
        related_name="honours", null=True, blank=True,
    )

    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["-year", "title", "place__path"]
        constraints = [
            models.UniqueConstraint(fields=["place", "year", "title"], name="villages_unique_honour"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}: {self.place.display_path}"
