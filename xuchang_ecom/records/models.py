"""An import of a spreadsheet into a registry, run in the background: ``ImportJob``.

The upload is kept in the private storage; a Celery worker checks it (a dry run) and, once
the user confirms, imports it all or nothing (``importexport.jobs``). The job keeps what
the user sees on its page: its state, the counts, the first problems and the error
workbook to download.
"""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    CHECK_QUEUED = "check_queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked")
    REFUSED = "refused", _("Refused")
    CONFIRM_QUEUED = "confirm_queued", _("Waiting to be imported")
    CONFIRMING = "confirming", _("Being imported")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Stopped")


#: States in which a worker has the job or is about to take it.
RUNNING_STATES = (ImportState.CHECK_QUEUED, ImportState.CHECKING, ImportState.CONFIRM_QUEUED,
                  ImportState.CONFIRMING)


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ImportJobQuerySet":
        """A user sees the imports they started, and nobody else's."""
        return self.filter(user=user) if user is not None and user.is_authenticated else self.none()


class ImportJob(models.Model):
    """One uploaded file on its way into a registry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE,
                             related_name="import_jobs")
    registry = models.ForeignKey(ContentType, verbose_name=_("registry"), on_delete=models.CASCADE)
    #: Dotted path of the importer (a registry's resource, or the sessions' importer).
    importer = models.CharField(max_length=200)
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    #: Where the upload is kept in the private storage; empty once it has been removed.
    stored_file = models.CharField(max_length=200, blank=True)
    errors_file = models.CharField(max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ImportState.choices,
                             default=ImportState.CHECK_QUEUED)
    #: Whether the user confirmed: a retry then imports rather than checks.
    confirm_requested = models.BooleanField(default=False)
    #: Raised by every start and retry; a task carrying an older attempt does nothing.
    attempt = models.PositiveIntegerField(default=1)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_new = models.PositiveIntegerField(_("new"), default=0)
    rows_changed = models.PositiveIntegerField(_("changed"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_bad = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_written = models.PositiveIntegerField(_("rows imported"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    #: The first problems, as ``[row, column, message]``.
    errors = models.JSONField(default=list, blank=True)
    #: What the worker last reported (``importexport.jobs.import_job_progress``).
    progress = models.JSONField(default=dict, blank=True)
    #: Why the file was refused whole, or why the job stopped.
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    #: The uploader's language: the worker writes the problems, the error workbook and
    #: the notifications in it.
    language = models.CharField(max_length=15, default="zh-hans")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["user", "registry", "-created_at"], name="records_importjob_recent")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def confirmable(self) -> bool:
        return self.state == ImportState.CHECKED and not self.error_count and self.rows_total > 0
