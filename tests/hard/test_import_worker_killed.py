"""A Celery worker killed with SIGKILL in the middle of confirming an import: nothing is
written, the job's page says it stopped and offers a retry, and the retry imports every
row once a worker is back (the killed attempt's task, delivered again, does nothing)."""
import re
import signal
import time

import pytest

from tests.security.large_files import csv_content

from .stack import figures

KEY = "livestream.cluster"
# Enough rows that the import runs for several of the job's 5-second heartbeats: the
# worker is killed once the first has told the import is under way.
ROWS = 60_000
URL = "/admin/livestream/cluster"


def _wait(stack, job: int, what: str, check, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        state = stack.sql(f"SELECT state || ' ' || coalesce(progress->>'checked', '0') FROM records_importjob "
                          f"WHERE id = {job}")
        if check(*state.split()):
            return state
        if time.monotonic() > deadline:
            pytest.fail(f"import {job}: {what} did not happen in {timeout} s (now {state})")
        time.sleep(0.2)


def test_a_worker_killed_mid_import_writes_nothing_and_the_retry_imports_every_row(stack):
    content = csv_content(KEY, ROWS, every=ROWS + 1)  # no bad row
    before = stack.sql("SELECT count(*) FROM livestream_cluster")
    client = stack.client(username="city_hard", timeout=30)

    started = time.monotonic()
    status, body, response = client.upload(f"{URL}/import/", {"format": "1", "resource": "0"},
                                           "import_file", "clusters.csv", content)
    upload_seconds = time.monotonic() - started
    assert status == 302, body[:500]
    job = int(re.search(r"/import/(\d+)/$", response.headers["Location"]).group(1))
    _wait(stack, job, "the check", lambda state, checked: state == "checked", timeout=600)

    status, _body, _response = client.post(f"{URL}/process_import/", {"job": job})
    assert status == 302
    _wait(stack, job, "progress of the import", lambda state, checked: state == "confirming" and int(checked) > 0,
          timeout=300)
    stack.processes.stop(stack.processes.worker, signal.SIGKILL)
    killed_at = time.monotonic()

    assert stack.sql("SELECT count(*) FROM livestream_cluster") == before
    assert stack.sql(f"SELECT state FROM records_importjob WHERE id = {job}") == "confirming"
    time.sleep(11)  # IMPORT_STALL_SECONDS in the stack
    status, page, _response = client.get(f"{URL}/import/{job}/")
    assert status == 200
    text = page.decode()
    assert "已停止" in text and 'name="retry"' in text
    assert stack.sql(f"SELECT state FROM records_importjob WHERE id = {job}") == "failed"

    stack.processes.start_worker()
    status, _body, _response = client.post(f"{URL}/process_import/", {"job": job, "retry": "1"})
    assert status == 302
    _wait(stack, job, "the retried import", lambda state, checked: state == "done", timeout=900)

    assert int(stack.sql("SELECT count(*) FROM livestream_cluster")) == int(before) + ROWS
    assert stack.sql(f"SELECT attempt, rows_written FROM records_importjob WHERE id = {job}") == f"2|{ROWS}"
    figures(import_killed_worker_upload_seconds=round(upload_seconds, 2),
            import_killed_worker_done_after_restart_s=round(time.monotonic() - killed_at))
