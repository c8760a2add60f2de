"""The records' Celery tasks, found by the worker's autodiscovery: an import job's run
(``importexport.jobs.import_run``) and the nightly removal of old imports' files."""
from xuchang_ecom.celery import app

from .importexport.jobs import import_jobs_sweep, import_run  # noqa: F401  (registers the task)


@app.task(name="records.import_jobs_sweep")
def imports_sweep() -> int:
    return import_jobs_sweep()
