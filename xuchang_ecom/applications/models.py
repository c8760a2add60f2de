"""Applications for recognition and support (申报): calls the bureau publishes, the
applications organisations make, the county's first opinion, the evaluators' scores, and
the public notice (公示) of what was granted.

An application moves like a monthly report (``reporting.review``): draft → submitted →
(returned → submitted)* → approved or rejected, each step kept as an ApplicationEvent.
"""
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.scoping import ScopedQuerySet
from xuchang_ecom.common.constraints import CheckConstraint
from xuchang_ecom.regions.models import Region
from xuchang_ecom.workflow.review import Reviewable, ReviewEvent

from .grants import kind_choices
from .storage import private_storage


class CallQuerySet(models.QuerySet):
    def published(self) -> "CallQuerySet":
        return self.filter(published_at__isnull=False)


class Call(models.Model):
    """A call for applications (申报通知)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("for"), max_length=30, choices=kind_choices)
    batch = models.CharField(_("batch"), max_length=50, blank=True, help_text=_("e.g. 2021年第一批"))
    description = models.TextField(_("description"), blank=True)
    #: Keys of ``reporting.groups``; empty: any organisation that reports.
    organisation_groups = models.JSONField(_("organisation types"), default=list, blank=True)
    counties = models.ManyToManyField(Region, verbose_name=_("counties"), blank=True, related_name="+",
                                      help_text=_("Leave empty for every county-level division."))
    #: Monthly report figures the application asks for, pre-filled from approved reports.
    figures = models.JSONField(_("figures asked for"), default=list, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("Applications can be submitted until the end of this "
                                                             "day."))
    notice_days = models.PositiveSmallIntegerField(
        _("public notice period (days)"), default=7, validators=[MaxValueValidator(60)],
        help_text=_("What is granted takes effect the day after the notice period ends; 0: on approval."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["-opens_on", "-pk"]
        permissions = [("evaluate_application", _("Can score and decide applications")),
                       ("give_county_opinion", _("Can give the county's opinion on applications"))]
        constraints = [
            CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                   name="applications_call_closes_after_opening", field="closes_on",
                                   violation_error_message=_("A call cannot close before it opens.")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def is_open_on(self, day: date) -> bool:
        return self.is_published and self.opens_on <= day <= self.closes_on

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())


class Criterion(models.Model):
    """One scoring criterion of a call, with its weight: the most points it gives."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class RequiredDocument(models.Model):
    """A document a call asks for (business licence, sales evidence …)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("document"), max_length=100)
    is_required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("document asked for")
        verbose_name_plural = _("documents asked for")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for more material")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ApplicationQuerySet(ScopedQuerySet):
    scope_region_field = "organisation__region"
    scope_organisation_field = "organisation"


class Application(Reviewable):
    """One organisation's application to one call."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="applications")
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    #: The registry record applied for (its model is the call kind's), if the kind has one.
    subject_id = models.PositiveBigIntegerField(_("applied for"), null=True, blank=True)
    statement = models.TextField(_("statement"), blank=True,
                                 help_text=_("What the organisation has done and plans, in its own words."))
    #: The figures the call asks for: field -> number as text.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    #: The day what was granted takes effect (after the public notice period).
    effective_on = models.DateField(_("takes effect on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-call__opens_on", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="applications_one_per_call",
                                    violation_error_message=_("This organisation has already applied to this "
                                                              "call.")),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.call}"


def _document_path(document: "Document", filename: str) -> str:
    # Never the uploader's file name: it is kept apart, for display only.
    return f"applications/{document.application_id}/{timezone.now():%Y%m%d%H%M%S}-{document.requirement_id}"


class Document(models.Model):
    """An uploaded document: PDF or image, checked by content, stored outside the web
    root and served only to those who may see the application."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="uploads")
    requirement = models.ForeignKey(RequiredDocument, verbose_name=_("document"), on_delete=models.PROTECT,
                                    related_name="+")
    file = models.FileField(_("file"), storage=private_storage, upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded document")
        verbose_name_plural = _("uploaded documents")
        ordering = ["requirement__position", "requirement_id"]
        constraints = [models.UniqueConstraint(fields=["application", "requirement"],
                                               name="applications_one_file_per_document")]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(ReviewEvent):
    """One step of an application: who, when, why."""

    class Action(models.TextChoices):
        DRAFTED = "drafted", _("draft started")
        SUBMITTED = "submitted", _("submitted")
        COUNTY_OPINION = "county_opinion", _("county opinion given")
        SCORED = "scored", _("scored")
        RETURNED = "returned", _("returned for more material")
        RESUBMITTED = "resubmitted", _("resubmitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        NOTICE = "notice", _("publicly noticed")
        TOOK_EFFECT = "took_effect", _("entered in the registry")

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="events")
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                             related_name="+")

    class Meta(ReviewEvent.Meta):
        verbose_name = _("application history entry")
        verbose_name_plural = _("application history")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.application}: {self.get_action_display()}"


class CountyOpinion(models.Model):
    """The county bureau's first opinion on an application from its county."""

    application = models.OneToOneField(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                       related_name="county_opinion")
    recommended = models.BooleanField(_("recommended"))
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                             related_name="+")
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        verbose_name = _("county opinion")
        verbose_name_plural = _("county opinions")

    def __str__(self) -> str:
        return f"{self.application}: {self.recommended}"


class Evaluation(models.Model):
    """One evaluator's scores of one application, with their comment."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT,
                                  related_name="+")
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "evaluator"],
                                               name="applications_one_evaluation_per_evaluator")]

    def __str__(self) -> str:
        return f"{self.application} · {self.evaluator}: {self.total}"


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE,
                                   related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT,
                                  related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"],
                                               name="applications_one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


class Conflict(models.Model):
    """A declared link between a member of staff and an organisation: they may not score
    its applications (nor may a user bound to the organisation)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="conflicts")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    reason = models.CharField(_("link"), max_length=200, help_text=_("e.g. a relative is its legal representative"))
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="applications_one_conflict")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class Notice(models.Model):
    """The public notice (公示) of a call's approved applications. What was published is
    kept as published (``entries``), whatever changes later."""

    call = models.OneToOneField(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="notice")
    starts_on = models.DateField(_("notice from"))
    ends_on = models.DateField(_("notice until"))
    #: [{"name", "county", "granted"}] in the order published.
    entries = models.JSONField(_("entries"), default=list)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.call} ({self.starts_on} – {self.ends_on})"

    @property
    def takes_effect_on(self) -> date:
        return self.ends_on + timedelta(days=1)
