"""Imports run by a Celery worker: an ``ImportJob`` from the upload to committed rows.

The web request only checks the upload (size, type, zip bomb: ``uploads``), keeps it in the
private storage and enqueues the check (``import_job_start``); it answers at once with the
job's page, which shows the progress the worker reports (``import_job_progress``). The
worker runs the registry's importer as the user who uploaded: a dry run first, which ends
with the counts, the first problems and the error workbook (``errorbook``); then, once the
user confirms (``import_job_confirm``), the import itself, all or nothing. The user is told
the outcome in their notifications.

A job whose worker stopped (killed, out of memory) leaves nothing written, since each run
is one transaction; its heartbeat stops, and after ``IMPORT_STALL_SECONDS`` it is marked
stopped and may be retried (``import_job_retry``). A task carries the job's attempt, so a
task delivered again after a retry does nothing. When the broker cannot be reached the
upload is refused with a message (``ImportFileRejected``, code ``unavailable``).
"""
import logging
import secrets
import threading
import time
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language, gettext, ngettext, override

from xuchang_ecom.audit.context import audit_context
from xuchang_ecom.celery import app as celery_app
from xuchang_ecom.common.errors import Conflict
from xuchang_ecom.records.importexport.errorbook import error_workbook
from xuchang_ecom.records.importexport.formats import SpreadsheetFormat, configured_formats
from xuchang_ecom.records.importexport.outcome import ImportResult
from xuchang_ecom.records.importexport.uploads import ImportFileRejected
from xuchang_ecom.records.models import RUNNING_STATES, ImportJob, ImportState
from xuchang_ecom.workflow.notifications import notify

logger = logging.getLogger(__name__)

#: Problems kept on the job for its page; the error workbook has every bad row.
LISTED_ERRORS = 200
#: How often a running job tells it is alive (seconds).
HEARTBEAT_SECONDS = 5
UPLOAD_FOLDER = "imports"


class Importer(Protocol):
    """What a job runs: a registry's resource (``resources.Resource``) or the sessions'
    importer, built with the acting user."""

    def __init__(self, user=None, **kwargs): ...

    def run_import(self, data: bytes, file_format: SpreadsheetFormat, *, dry_run: bool, file_name: str,
                   progress) -> ImportResult: ...


def _storage():
    return storages["private"]


def format_for(extension: str) -> SpreadsheetFormat:
    """The configured format whose files end in ``extension``."""
    for format_class in configured_formats():
        if format_class().get_extension() == extension:
            return format_class()
    raise ImportFileRejected(gettext("Files of this type cannot be imported."), code="wrong_extension")


# ---------------------------------------------------------------------------------------
# What the web requests call
# ---------------------------------------------------------------------------------------


def import_job_start(*, user, model: type[models.Model], importer: type, data: bytes, file_name: str,
                     file_format: SpreadsheetFormat) -> ImportJob:
    """Keep ``data`` (already checked by the upload form) and enqueue its check.

    Raises ImportFileRejected (code ``unavailable``) if no worker can be reached; nothing is
    kept then.
    """
    extension = file_format.get_extension()
    stored = _storage().save(f"{UPLOAD_FOLDER}/{secrets.token_hex(16)}.{extension}", ContentFile(data))
    job = ImportJob.objects.create(
        user=user, registry=ContentType.objects.get_for_model(model),
        importer=f"{importer.__module__}.{importer.__qualname__}", file_name=file_name[:255],
        file_format=extension, file_size=len(data), stored_file=stored, language=_language(),
    )
    try:
        _enqueue(job)
    except ImportFileRejected:
        remove_job_files(job)
        job.delete()
        raise
    return job


def _language() -> str:
    """The active language if the site offers it (the request's), else the site's."""
    language = get_language()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def import_job_confirm(*, user, job: ImportJob) -> ImportJob:
    """Enqueue the import of a checked job without errors. Raises Conflict if the job is
    not (or no longer) one that may be imported."""
    claimed = ImportJob.objects.filter(
        pk=job.pk, user=user, state=ImportState.CHECKED, error_count=0, rows_total__gt=0,
    ).update(state=ImportState.CONFIRM_QUEUED, confirm_requested=True, updated_at=timezone.now())
    if not claimed:
        raise Conflict(gettext("This file cannot be imported now; look at its state on this page."))
    return _enqueue_or_restore(job, state=ImportState.CHECKED)


def import_job_retry(*, user, job: ImportJob) -> ImportJob:
    """Run a stopped job's step again (the check, or the import if it was confirmed).
    Raises Conflict if it has not stopped or its file is gone."""
    job = import_job_refresh(job)
    if job.user_id != user.pk or job.state != ImportState.FAILED or not job.stored_file:
        raise Conflict(gettext("This import cannot be retried; upload the file again."))
    queued = ImportState.CONFIRM_QUEUED if job.confirm_requested else ImportState.CHECK_QUEUED
    claimed = ImportJob.objects.filter(pk=job.pk, state=ImportState.FAILED, attempt=job.attempt).update(
        state=queued, attempt=models.F("attempt") + 1, reason="", updated_at=timezone.now())
    if not claimed:
        raise Conflict(gettext("This import cannot be retried; upload the file again."))
    return _enqueue_or_restore(job, state=ImportState.FAILED, reason=True)


def import_job_refresh(job: ImportJob) -> ImportJob:
    """``job`` as it is now; a running job whose worker stopped telling it is alive is
    marked stopped first (nothing of it was written: each run is one transaction)."""
    job.refresh_from_db()
    if job.state not in (ImportState.CHECKING, ImportState.CONFIRMING):
        return job
    if (timezone.now() - job.updated_at).total_seconds() <= settings.IMPORT_STALL_SECONDS:
        return job
    stopped = ImportJob.objects.filter(pk=job.pk, state=job.state, attempt=job.attempt).update(
        state=ImportState.FAILED, finished_at=timezone.now(),
        reason=gettext("The worker running this import stopped; nothing was written. Retry it."),
    )
    job.refresh_from_db()
    if stopped:
        _tell(job)
    return job


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """What the worker last reported: the ``total`` rows, how many are ``checked``, the
    ``errors`` so far, and ``left``, an estimate of the seconds still needed (or None)."""
    progress = dict(job.progress or {})
    total, checked, started = progress.get("total") or 0, progress.get("checked") or 0, progress.get("started")
    left = None
    if job.running and started and 0 < checked < total:
        elapsed = max(time.time() - started, 0.001)
        left = round((total - checked) * elapsed / checked)
    progress["left"] = left
    return progress


def import_job_errors(job: ImportJob) -> bytes | None:
    """The error workbook of ``job``, or None if it has none (or it was removed)."""
    if not job.errors_file:
        return None
    try:
        with _storage().open(job.errors_file, "rb") as file:
            return file.read()
    except FileNotFoundError:
        return None


def import_jobs_sweep(*, now=None) -> int:
    """Remove the files and the listed problems of jobs older than ``IMPORT_KEEP_FILES_DAYS``
    (they hold the uploaded rows, personal data among them); the counts stay. Returns how
    many jobs were cleared."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_KEEP_FILES_DAYS)
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(stored_file="", errors_file="", errors=[])
    count = 0
    for job in old.exclude(state__in=RUNNING_STATES).iterator():
        remove_job_files(job)
        ImportJob.objects.filter(pk=job.pk).update(stored_file="", errors_file="", errors=[])
        count += 1
    return count


def _enqueue(job: ImportJob) -> None:
    try:
        # No publish retries: a request must not wait for a broker that is down.
        import_run.apply_async(args=(job.pk, job.attempt), retry=False)
    except Exception as error:
        if celery_app.conf.task_always_eager:
            raise  # in-process, a failure here is a bug, not a broker that is down
        logger.exception("Could not enqueue import %s", job.pk)
        raise ImportFileRejected(
            gettext("Imports cannot be run right now: the task queue is not reachable. Try again in a few "
                    "minutes; single records can still be added and changed."),
            code="unavailable",
        ) from error


def _enqueue_or_restore(job: ImportJob, *, state: str, reason: bool = False) -> ImportJob:
    """Enqueue the step ``job`` was just claimed for; if no worker can be reached, put it
    back in ``state`` (with the refusal as its ``reason`` if asked) and raise Conflict."""
    job.refresh_from_db()
    try:
        _enqueue(job)
    except ImportFileRejected as error:
        ImportJob.objects.filter(pk=job.pk).update(state=state, **({"reason": error.message} if reason else {}))
        raise Conflict(error.message) from error
    return job


def remove_job_files(job: ImportJob) -> None:
    """Remove the upload and the error workbook ``job`` keeps (personal data)."""
    for name in (job.stored_file, job.errors_file):
        if name:
            try:
                _storage().delete(name)
            except OSError:
                logger.warning("Could not remove %s", name, exc_info=True)


# ---------------------------------------------------------------------------------------
# What the worker runs
# ---------------------------------------------------------------------------------------


class _Heartbeat:
    """Writes the job's progress to its row every ``HEARTBEAT_SECONDS``, from a thread and
    database connection of its own (the import's transaction hides its own writes until it
    commits), so a long step (reading a large workbook, committing) still shows the job
    alive. Run in-process (no broker), the request itself waits for the job: no thread."""

    def __init__(self, job: ImportJob, stage: str):
        self.job = job
        self.state: dict[str, Any] = {"stage": stage, "total": 0, "checked": 0, "errors": 0,
                                      "started": time.time()}
        self._stop = threading.Event()
        self._thread = None
        if not celery_app.conf.task_always_eager:
            self._thread = threading.Thread(target=self._run, daemon=True, name=f"import-{job.pk}-heartbeat")

    def __call__(self, **values) -> None:
        self.state.update(values)

    def __enter__(self):
        if self._thread is not None:
            self._write()
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.job.progress = dict(self.state)

    def _run(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                self._write()
        finally:
            connection.close()  # this thread's own

    def _write(self) -> None:
        try:
            ImportJob.objects.filter(pk=self.job.pk, attempt=self.job.attempt).update(
                progress=dict(self.state), updated_at=timezone.now())
        except Exception:
            logger.warning("Could not report the progress of import %s", self.job.pk, exc_info=True)


@celery_app.task(name="records.import_run", time_limit=settings.IMPORT_TASK_TIME_LIMIT,
                 soft_time_limit=settings.IMPORT_TASK_TIME_LIMIT - 60)
def import_run(job_id: int, attempt: int) -> None:
    """Check or import the job ``job_id``, if it still waits for this attempt."""
    import_job_run(job_id, attempt)


def import_job_run(job_id: int, attempt: int) -> None:
    """The worker's part: claim the job, run its step, record the outcome, tell the user."""
    steps = {ImportState.CHECK_QUEUED: ImportState.CHECKING, ImportState.CONFIRM_QUEUED: ImportState.CONFIRMING}
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.attempt != attempt or job.state not in steps:
        return  # done, retried, or delivered twice
    running = steps[job.state]
    if not ImportJob.objects.filter(pk=job.pk, state=job.state, attempt=attempt).update(
            state=running, updated_at=timezone.now()):
        return
    job.state = running
    dry_run = running == ImportState.CHECKING
    try:
        # The trail says "import, file, row" as for an import in the request: which task ran
        # it is no part of the record's history.
        with override(job.language), audit_context(task=None):
            with _Heartbeat(job, "check" if dry_run else "import") as progress:
                data = _read_upload(job)
                file_format = format_for(job.file_format)
                importer = import_string(job.importer)(user=job.user)
                result = importer.run_import(data, file_format, dry_run=dry_run, file_name=job.file_name,
                                             progress=progress)
            _record(job, result, data=data, file_format=file_format)
    except ImportFileRejected as error:
        _finish(job, state=ImportState.REFUSED, reason=error.message)
    except Exception:
        logger.exception("Import %s stopped", job.pk)
        _finish(job, state=ImportState.FAILED,
                reason=gettext("An unexpected error stopped this import; nothing was written. Retry it, and tell "
                               "the administrator if it stops again."))
    _tell(job)


def _read_upload(job: ImportJob) -> bytes:
    try:
        with _storage().open(job.stored_file, "rb") as file:
            return file.read()
    except (FileNotFoundError, ValueError) as error:
        raise ImportFileRejected(gettext("The uploaded file is no longer available; upload it again."),
                                 code="gone") from error


def _record(job: ImportJob, result: ImportResult, *, data: bytes, file_format: SpreadsheetFormat) -> None:
    job.rows_total, job.rows_new, job.rows_changed, job.rows_unchanged = (
        result.total, result.new, result.changed, result.unchanged)
    job.rows_bad, job.error_count = len(result.bad_rows), result.error_count
    job.errors = [list(error) for error in result.errors[:LISTED_ERRORS]]
    if result.bad_rows:
        workbook = error_workbook(file_format, data, result)
        name = f"{UPLOAD_FOLDER}/{secrets.token_hex(16)}-errors.{file_format.get_extension()}"
        job.errors_file = _storage().save(name, ContentFile(workbook))
    if result.dry_run or not result.ok:
        _finish(job, state=ImportState.CHECKED if result.total else ImportState.REFUSED,
                reason="" if result.total else gettext("The file is empty."))
        return
    job.rows_written = result.created
    remove_job_files(job)  # the rows are in the registry now
    job.stored_file = ""
    _finish(job, state=ImportState.DONE)


def _finish(job: ImportJob, *, state: str, reason: str = "") -> None:
    job.state, job.reason, job.finished_at = state, reason[:500], timezone.now()
    # Only if no retry took the job meanwhile.
    ImportJob.objects.filter(pk=job.pk, attempt=job.attempt).update(**{
        name: getattr(job, name) for name in (
            "state", "reason", "finished_at", "rows_total", "rows_new", "rows_changed", "rows_unchanged",
            "rows_bad", "rows_written", "error_count", "errors", "errors_file", "stored_file", "progress")
    }, updated_at=timezone.now())


def job_url(job: ImportJob) -> str:
    """The job's page in the admin of its registry."""
    return reverse(f"admin:{job.registry.app_label}_{job.registry.model}_import_job", args=[job.pk])


def _tell(job: ImportJob) -> None:
    """Tell the uploader how the step ended, in their notifications."""
    name = job.file_name if len(job.file_name) <= 80 else job.file_name[:79] + "…"
    with override(job.language):
        if job.state == ImportState.DONE:
            message = ngettext("%(file)s: %(count)d row imported.", "%(file)s: %(count)d rows imported.",
                               job.rows_written) % {"file": name, "count": job.rows_written}
        elif job.state == ImportState.CHECKED and job.error_count:
            message = ngettext(
                "%(file)s has %(count)d error; nothing was imported. Download the rows with errors, correct "
                "them and upload them again.",
                "%(file)s has %(count)d errors; nothing was imported. Download the rows with errors, correct "
                "them and upload them again.", job.error_count) % {"file": name, "count": job.error_count}
        elif job.state == ImportState.CHECKED:
            message = ngettext("%(file)s is checked: %(count)d row can be imported. Confirm to import it.",
                               "%(file)s is checked: %(count)d rows can be imported. Confirm to import them.",
                               job.rows_total) % {"file": name, "count": job.rows_total}
        elif job.state == ImportState.REFUSED:
            message = gettext("%(file)s was refused: %(reason)s") % {"file": name, "reason": job.reason}
        else:
            message = gettext("The import of %(file)s stopped; nothing was written. You can retry it.") % {
                "file": name}
    try:
        notify(users=[job.user], message=message[:300], url=job_url(job))
    except Exception:
        logger.exception("Could not tell the user how import %s ended", job.pk)
