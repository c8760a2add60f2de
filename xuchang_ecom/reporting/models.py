"""Monthly reports: periods the bureau opens and closes, one report per organisation and
period, and the history of every change of a report's state.

A report's figures are columns of ``Report``; which of them an organisation fills in
depends on what it is (see ``reporting.groups``). Only approved reports count.
"""
import calendar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.scoping import ScopedQuerySet
from xuchang_ecom.common.constraints import CheckConstraint
from xuchang_ecom.workflow.models import Notification  # noqa: F401  (the model's app is reporting; see there)
from xuchang_ecom.workflow.review import Reviewable, ReviewEvent

YUAN = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class PeriodQuerySet(models.QuerySet):
    def open(self) -> "PeriodQuerySet":
        return self.filter(is_open=True)


class Period(models.Model):
    """A reporting month. Reports can be written while it is open; ``due_on`` is the day
    they are due (later is late, not refused)."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month reported on."))
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    is_open = models.BooleanField(_("open"), default=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-month"]
        constraints = [
            CheckConstraint(condition=Q(month__day=1), name="reporting_period_month_first_day",
                                   violation_error_message=_("A period is a month: give its first day.")),
            CheckConstraint(condition=Q(due_on__gte=models.F("opens_on")),
                                   name="reporting_period_due_after_open", field="due_on",
                                   violation_error_message=_("A period cannot be due before it opens.")),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def last_day(self):
        return self.month.replace(day=calendar.monthrange(self.month.year, self.month.month)[1])


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


class ReportQuerySet(ScopedQuerySet):
    scope_region_field = "organisation__region"
    scope_organisation_field = "organisation"

    def approved(self) -> "ReportQuerySet":
        return self.filter(status=ReportStatus.APPROVED)


class Report(Reviewable):
    """One organisation's figures for one period."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="reports")
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)

    # Sales and orders (every organisation).
    sales = models.DecimalField(_("online sales (yuan)"), null=True, blank=True, **YUAN)
    orders = models.PositiveIntegerField(_("online orders"), null=True, blank=True)
    # Poverty alleviation.
    poor_employed = models.PositiveIntegerField(_("poor household members employed"), null=True, blank=True)
    wages_paid = models.DecimalField(_("wages paid to them (yuan)"), null=True, blank=True, **YUAN)
    land_leased_mu = models.DecimalField(_("land leased from poor households (mu)"), max_digits=10,
                                         decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)])
    rent_paid = models.DecimalField(_("rent paid for it (yuan)"), null=True, blank=True, **YUAN)
    dividends_paid = models.DecimalField(_("dividends paid to poor households (yuan)"), null=True, blank=True,
                                         **YUAN)
    take_home_pay = models.DecimalField(_("pay for take-home work (yuan)"), null=True, blank=True, **YUAN)
    # Livestream e-commerce.
    sessions_held = models.PositiveIntegerField(_("livestream sessions held"), null=True, blank=True)
    anchors_trained = models.PositiveIntegerField(_("anchors trained"), null=True, blank=True)
    brands_incubated = models.PositiveIntegerField(_("brands incubated"), null=True, blank=True)

    #: Figures far outside the organisation's history, confirmed by the reporter.
    flagged_fields = models.JSONField(_("flagged figures"), default=list, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-period__month", "organisation__name"]
        permissions = [("review_report", _("Can review reports")), ("unlock_report", _("Can unlock approved reports"))]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "period"], name="reporting_one_report_per_period",
                                    violation_error_message=_("This organisation already has a report for this "
                                                              "period.")),
            *[
                CheckConstraint(condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                                       name=f"reporting_{name}_not_negative")
                for name in ("sales", "wages_paid", "land_leased_mu", "rent_paid", "dividends_paid", "take_home_pay")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.period}"


class ReportEvent(ReviewEvent):
    """One change of a report's state: who, when, and the reviewer's comments."""

    class Action(models.TextChoices):
        DRAFTED = "drafted", _("draft started")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        RESUBMITTED = "resubmitted", _("resubmitted")
        APPROVED = "approved", _("approved")
        UNLOCKED = "unlocked", _("unlocked")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                             related_name="+")

    class Meta(ReviewEvent.Meta):
        verbose_name = _("report history entry")
        verbose_name_plural = _("report history")
        ordering = ["at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.report}: {self.get_action_display()}"


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")


class Reminder(models.Model):
    """A reminder e-mailed to an organisation's reporters: at most one per period and stage
    (the unique constraint is the claim, so a task run twice sends it once)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(_("stage"), max_length=10, choices=ReminderStage.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.TextField(_("recipients"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["organisation", "period", "stage"],
                                    name="reporting_one_reminder_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.period} · {self.get_stage_display()}"
