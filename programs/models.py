"""The action plan: programs, their targets and indicators, and dated progress snapshots.

A target names a metric of the registries' metric registry (``xuchang_ecom.common.metrics``)
by its key. A target without a value is an *indicator*: tracked and shown the same way,
with no pace. Snapshots hold the metric's value per target, place (the city or one
county-level division) and as-of date; the roll-up (``programs.services.rollup_run``)
writes them, the pages and the public read them.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.scoping import ScopedQuerySet
from xuchang_ecom.common.constraints import CheckConstraint
from xuchang_ecom.common.metrics import metric_choices
from xuchang_ecom.regions.models import Level, Region

from .pace import Pace, pace

VALUE = {"max_digits": 16, "decimal_places": 2}


class Program(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    issuer = models.CharField(_("issuer"), max_length=100)
    document_reference = models.CharField(_("document reference"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("A published program's progress is shown on the public dashboard."),
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-starts_on", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="programs_program_dates_in_order",
                field="ends_on",
                violation_error_message=_("A program cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TargetQuerySet(models.QuerySet):
    def with_goal(self) -> "TargetQuerySet":
        return self.filter(value__isnull=False)


class Target(models.Model):
    """A target (with ``value`` and ``deadline``) or an indicator (without) of a program."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="targets")
    metric_key = models.CharField(_("metric"), max_length=100, choices=metric_choices)
    value = models.DecimalField(
        _("target value"), **VALUE, null=True, blank=True,
        help_text=_("Leave empty to track the metric as an indicator without a target."),
    )
    unit = models.CharField(_("unit"), max_length=20)
    baseline_value = models.DecimalField(_("baseline value"), **VALUE, default=0)
    baseline_on = models.DateField(_("baseline date"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets and indicators")
        ordering = ["program", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "metric_key"], name="programs_one_target_per_metric",
                                    violation_error_message=_("This program already tracks this metric.")),
            CheckConstraint(
                condition=Q(value__isnull=True, deadline__isnull=True)
                | Q(value__isnull=False, deadline__isnull=False),
                name="programs_target_value_and_deadline_together",
                violation_error_message=_("A target needs both a value and a deadline; an indicator has neither."),
            ),
            CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="programs_target_value_not_negative",
                violation_error_message=_("A target cannot be negative."),
            ),
            CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gt=models.F("baseline_on")),
                name="programs_deadline_after_baseline", field="deadline",
                violation_error_message=_("The deadline must come after the baseline date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.label}"

    @property
    def is_indicator(self) -> bool:
        return self.value is None

    def goal(self, part: "CountyTarget | None" = None, *, county: bool = False) -> tuple:
        """``(target value, baseline value)`` for the city, or for a county-level division
        with its ``part`` of the target; ``(None, None)`` for a county without a part."""
        if not county:
            return self.value, self.baseline_value
        return (part.value, part.baseline_value) if part is not None else (None, None)

    def pace_at(self, *, value, as_of, history, goal, baseline) -> Pace | None:
        """How ``value`` on ``as_of`` stands against ``goal`` (``programs.pace``), given the
        earlier ``(date, value)`` snapshots; None for an indicator or a place without a goal."""
        if goal is None or self.deadline is None:
            return None
        return pace(value=value, target=goal, deadline=self.deadline, baseline_value=baseline,
                    baseline_on=self.baseline_on, as_of=as_of, history=history)

    @property
    def label(self) -> str:
        from xuchang_ecom.common.metrics import get_metric

        try:
            return str(get_metric(self.metric_key).label)
        except KeyError:
            return self.metric_key


class CountyTarget(models.Model):
    """A county-level division's part of a target. A target's parts, when it has any, add
    up to the target (``programs.services.target_split_set`` enforces it)."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="splits")
    county = models.ForeignKey(
        Region, verbose_name=_("county-level division"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": Level.COUNTY},
    )
    value = models.DecimalField(_("target value"), **VALUE)
    baseline_value = models.DecimalField(_("baseline value"), **VALUE, default=0)

    class Meta:
        verbose_name = _("county part of a target")
        verbose_name_plural = _("county parts of a target")
        ordering = ["target", "county__path"]
        constraints = [
            models.UniqueConstraint(fields=["target", "county"], name="programs_one_part_per_county",
                                    violation_error_message=_("This county-level division already has a part.")),
            CheckConstraint(condition=Q(value__gte=0), name="programs_part_not_negative",
                                   violation_error_message=_("A target cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.county.name}"

    def clean(self):
        if self.county_id and self.county.level != Level.COUNTY:
            raise ValidationError({"county": _("Choose a county-level division.")})


class TargetChange(models.Model):
    """Why a target's value or deadline changed, who changed it and when. Never edited."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    field = models.CharField(_("field"), max_length=20)
    old_value = models.CharField(_("old value"), max_length=50, blank=True)
    new_value = models.CharField(_("new value"), max_length=50, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("target change")
        verbose_name_plural = _("target changes")
        ordering = ["-changed_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.target}: {self.field} {self.old_value} → {self.new_value}"


class SnapshotQuerySet(ScopedQuerySet):
    scope_region_field = "region"

    def city(self) -> "SnapshotQuerySet":
        return self.filter(region__level=Level.CITY)

    def counties(self) -> "SnapshotQuerySet":
        return self.filter(region__level=Level.COUNTY)


class Snapshot(models.Model):
    """A metric's value for a target at one place (the city, or a county-level division)
    as of a date, and when it was computed."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="snapshots")
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), **VALUE)
    computed_at = models.DateTimeField(_("computed at"))

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        ordering = ["target", "region__path", "-as_of"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["target", "region", "as_of"], name="programs_one_snapshot_per_place_date"),
        ]
        indexes = [models.Index(fields=["as_of"], name="programs_snapshot_as_of")]

    def __str__(self) -> str:
        return f"{self.target} · {self.region.name} · {self.as_of}: {self.value}"


class RollupDue(models.Model):
    """A roll-up that could not be enqueued (the broker was down): kept in the database so
    ``programs.rollup_catch_up`` runs it once the broker is back, not only at night."""

    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roll-up due")
        verbose_name_plural = _("roll-ups due")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M:%S}"


class BriefingStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("being built")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class Briefing(models.Model):
    """The monthly briefing for the bureau's leadership: one .xlsx per program and month,
    built in the background (``programs.tasks.briefing_build``)."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE,
                                related_name="briefings")
    month = models.DateField(_("month"), help_text=_("The month's last day: the figures are as of it."))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=BriefingStatus.choices,
                              default=BriefingStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to="briefings/", blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly briefing")
        verbose_name_plural = _("monthly briefings")
        ordering = ["-requested_at", "-pk"]
        default_permissions = ("view", "add")
        constraints = [
            CheckConstraint(condition=Q(progress__lte=100), name="programs_briefing_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.month:%Y-%m}"
