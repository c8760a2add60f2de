"""Xuchang's administrative divisions: city → county-level division → township → village.

Each node stores its full name path (``许昌市/长葛市/佛耳湖镇/``) with a trailing slash, so
"everything at or under 长葛市" is a single indexed prefix match and the path doubles as the
human-readable key that spreadsheets use.
"""
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.constraints import CheckConstraint

PATH_SEPARATOR = "/"


class Level(models.IntegerChoices):
    CITY = 1, _("City")
    COUNTY = 2, _("County-level division")
    TOWNSHIP = 3, _("Township")
    VILLAGE = 4, _("Village")


class RegionQuerySet(models.QuerySet):
    def at_or_under(self, region: "Region") -> "RegionQuerySet":
        return self.filter(path__startswith=region.path)

    def counties(self) -> "RegionQuerySet":
        return self.filter(level=Level.COUNTY)


class Region(models.Model):
    name = models.CharField(_("name"), max_length=50)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(
        _("statistical code"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("A statistical code has 12 digits."))],
        help_text=_("The 12-digit code of the National Bureau of Statistics, where known."),
    )
    is_functional_area = models.BooleanField(
        _("functional area"),
        default=False,
        help_text=_("A development or demonstration zone administered like a county."),
    )
    path = models.CharField(_("full path"), max_length=255, unique=True, editable=False)
    # Denormalised so metrics group any record by its county-level division with one join.
    county = models.ForeignKey(
        "self",
        verbose_name=_("county-level division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="regions_unique_name_in_parent"),
            CheckConstraint(
                condition=models.Q(level=Level.CITY, parent__isnull=True)
                | models.Q(level__gt=Level.CITY, parent__isnull=False),
                name="regions_only_city_is_root",
                violation_error_message=_("Only the city has no parent division."),
            ),
        ]
        indexes = [
            # LIKE 'prefix%' uses a B-tree index on PostgreSQL only with pattern ops
            # (the database's collation is not C).
            models.Index(fields=["path"], name="regions_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.display_path

    @property
    def display_path(self) -> str:
        """The path without the city, as people write it: ``长葛市/佛耳湖镇/岗李村``."""
        parts = self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        return PATH_SEPARATOR.join(parts[1:]) or parts[0]

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.name}{PATH_SEPARATOR}"

    def is_at_or_under(self, other: "Region") -> bool:
        return self.path.startswith(other.path)

