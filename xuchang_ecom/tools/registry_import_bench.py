"""Every registry's import end to end through an import job, beside a bare ``bulk_create``
of the same rows, in the same run.

For each import the admin offers, a CSV of ``rows`` valid rows (the files of the security
suite, ``tests/security/large_files.py``, with no row spoiled) is started as a job by a
city-staff user, checked and imported by the job's task as a worker runs it (here
in-process), and timed from the upload to the committed rows. The rows it wrote are then
deleted and written again by a bare ``bulk_create`` of the same objects, timed too. All of
it happens in one transaction rolled back at the end: the database is left as it was.
"""
import time

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.services import user_create
from xuchang_ecom.celery import app as celery_app
from xuchang_ecom.records.importexport.formats import CSV
from xuchang_ecom.records.importexport.jobs import import_job_confirm, import_job_start
from xuchang_ecom.records.models import ImportState


def registry_imports() -> list[str]:
    """``app_label.model_name`` of every import the admin offers."""
    return sorted(f"{model._meta.app_label}.{model._meta.model_name}"
                  for model, model_admin in admin.site._registry.items() if hasattr(model_admin, "get_importer"))


def measure_registry_import(key: str, rows: int) -> dict[str, float]:
    """Import ``rows`` rows of ``key`` through a job and bulk_create them bare; returns the
    seconds and rates of both (see the module)."""
    from tests.security.large_files import SPECS, csv_content

    model = apps.get_model(key)
    importer = admin.site._registry[model].get_importer(None)
    eager = celery_app.conf.task_always_eager
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        user = user_create(username=f"bench-import-{model._meta.model_name}", password=None, role=Role.CITY_STAFF)
        SPECS[key].prepare(user, rows)
        content = csv_content(key, rows, every=rows + 1)  # no row spoiled
        before = set(model._default_manager.values_list("pk", flat=True))
        celery_app.conf.task_always_eager = True  # the worker's task, run here
        try:
            started = time.perf_counter()
            job = import_job_start(user=user, model=model, importer=importer, data=content,
                                   file_name=f"{model._meta.model_name}.csv", file_format=CSV())
            checked = time.perf_counter()
            job.refresh_from_db()
            if job.state != ImportState.CHECKED or job.error_count:
                raise CommandError(f"{key}: the generated file did not pass the check: {job.reason} {job.errors[:3]}")
            job = import_job_confirm(user=user, job=job)
            done = time.perf_counter()
        finally:
            celery_app.conf.task_always_eager = eager
        job.refresh_from_db()
        if job.state != ImportState.DONE or job.rows_written != rows:
            raise CommandError(f"{key}: the import did not complete: {job.state} {job.reason} {job.errors[:3]}")
        written = list(model._default_manager.exclude(pk__in=before))
        model._default_manager.filter(pk__in=[row.pk for row in written]).delete()
        for row in written:
            row.pk = None
            row._state.adding = True
        bare_started = time.perf_counter()
        model._default_manager.bulk_create(written, batch_size=2000)
        bare_s = time.perf_counter() - bare_started
        transaction.set_rollback(True)
    import_s = done - started
    return {
        "rows": rows, "import_s": import_s, "check_s": checked - started, "confirm_s": done - checked,
        "import_rows_s": rows / import_s, "bare_s": bare_s, "bare_rows_s": rows / bare_s,
        "ratio_to_bare": import_s / bare_s,
    }
