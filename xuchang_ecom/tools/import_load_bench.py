"""A large import as staff meet it, for the benchmark beside the dashboard under load.

``rows`` registered households in one .xlsx (the security suite's rows, none spoiled) are
uploaded through the admin by a city-staff user, the request timed as the browser waits
for it, and the job's check is run by a worker process of its own (``start_check``: a
fresh Python as a Celery worker would be, production-like with DEBUG off, its peak memory
reported). ``bench.bench_import_under_load`` measures the dashboard meanwhile. Nothing is
written but the job (a check rolls back), and ``clean_up`` removes it and its user.
"""
import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from xuchang_ecom.accounts.models import Role, User
from xuchang_ecom.accounts.services import user_create
from xuchang_ecom.records.importexport import jobs
from xuchang_ecom.records.importexport.formats import XLSX
from xuchang_ecom.records.models import ImportJob

USERNAME = "bench-large-import"

# Run by the worker process: the job's step, then what it cost, as JSON on the last line.
# Its peak is read from VmHWM, the high-water mark of its own memory: ru_maxrss would keep
# the benchmark's (the process it was forked from) across the exec.
WORKER = """
import json, sys, time
import django
django.setup()
from xuchang_ecom.records.importexport.jobs import import_job_run
from xuchang_ecom.records.models import ImportJob
job = ImportJob.objects.get(pk=int(sys.argv[1]))
started = time.perf_counter()
import_job_run(job.pk, job.attempt)
seconds = time.perf_counter() - started
job.refresh_from_db()
print(json.dumps({"seconds": seconds, "state": job.state, "rows": job.rows_total, "errors": job.error_count,
                  "peak_mb": int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024}))
"""


def households_xlsx(rows: int) -> bytes:
    """An .xlsx of ``rows`` valid households, headed as the admin exports them."""
    from tests.security.large_files import csv_content

    table = list(csv.reader(io.StringIO(csv_content("poverty.household", rows, every=rows + 1).decode("utf-8-sig"))))
    return XLSX().write(table[0], table[1:])


def upload(content: bytes) -> tuple[ImportJob, float, float]:
    """Upload ``content`` through the admin's household import as city staff; returns the
    job (queued, not run: no worker is asked) and the seconds of the upload request and
    of the job's page."""
    user = User.objects.filter(username=USERNAME).first() or user_create(
        username=USERNAME, password=None, role=Role.CITY_STAFF)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    upload_file = io.BytesIO(content)
    upload_file.name = "households.xlsx"
    with translation.override(settings.LANGUAGE_CODE), mock.patch.object(jobs, "_enqueue"):
        started = time.perf_counter()
        response = client.post(reverse("admin:poverty_household_import"), {"format": "0", "import_file": upload_file})
        upload_s = time.perf_counter() - started
    if response.status_code != 302:
        raise RuntimeError(f"the upload was refused ({response.status_code})")
    job = ImportJob.objects.filter(user=user).latest("pk")
    return job, upload_s, job_page_seconds(job)


def job_page_seconds(job: ImportJob) -> float:
    """Seconds to answer the job's page to its uploader."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(job.user)
    started = time.perf_counter()
    if client.get(jobs.job_url(job)).status_code != 200:
        raise RuntimeError("the job's page did not answer")
    return time.perf_counter() - started


def start_check(job: ImportJob, *, env: dict) -> subprocess.Popen:
    """The worker process that runs ``job``'s check, started with ``env``."""
    return subprocess.Popen([sys.executable, "-c", WORKER, str(job.pk)], cwd=Path(settings.BASE_DIR), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def finish(process: subprocess.Popen) -> dict:
    """What the worker process reported once done: seconds, state, rows, errors, peak_mb."""
    output, _ = process.communicate(timeout=3600)
    lines = output.strip().splitlines()
    if process.returncode or not lines:
        raise RuntimeError(f"the worker process failed ({process.returncode})")
    return json.loads(lines[-1])


def clean_up() -> None:
    """Remove the benchmark's jobs, their files and its user."""
    for job in ImportJob.objects.filter(user__username=USERNAME):
        jobs.remove_job_files(job)
    User.objects.filter(username=USERNAME).delete()
