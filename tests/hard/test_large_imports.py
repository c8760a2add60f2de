"""10,000-row files with an error on every 100th row, uploaded by city staff to the admin
of the production stack (gunicorn with README's 60 s timeout, PostgreSQL, a Celery worker):
the upload answers at once with the import's job page, the worker checks the file, and
the page then names every bad row, the error workbook holds each of them, a forced
confirm is refused, and nothing is written.

Sent here: the registries that get files this large, households (a county registers
thousands) and livestream sessions (hundreds of thousands a year). Every one of the 17
imports gets a 300-row file of the same kind in ``make test``
(``tests/security/test_large_imports.py``); the organisation registries and the
household links import at 5-15 ms a row, and their real files are hundreds of rows."""
import csv
import io
import re
import time

import pytest
from django.apps import apps

from tests.security.large_files import bad_rows, csv_content

from .stack import figures, wait_for

ROWS = 10_000
LARGE = ["poverty.household", "livestream.session"]
CSV_FORMAT = "1"  # its position on the import form (settings.IMPORT_EXPORT_FORMATS)
# Not a speed goal: how long the test waits for the worker before it calls the check lost.
CHECK_WAIT_SECONDS = 900
RUNNING = ("check_queued", "checking", "confirm_queued", "confirming")


def _state(page: str) -> str:
    return re.search(r'class="import-job" data-state="([a-z_]+)"', page).group(1)


def _reported_rows(page: str) -> list[int]:
    """The row numbers in the job page's table of problems (row, column, problem)."""
    table = page.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    return sorted({int(row) for row in re.findall(r'<tr><td class="numeric">(\d+)</td>', table)})


@pytest.mark.parametrize("key", LARGE)
def test_a_10000_row_file_with_an_error_on_every_100th_row_is_reported_whole_and_writes_nothing(stack, key):
    app_label, model_name = key.split(".")
    table = apps.get_model(app_label, model_name)._meta.db_table
    stack.manage("shell", "--no-imports", "-c", (
        "from xuchang_ecom.accounts.models import User; from tests.security.large_files import SPECS; "
        f"SPECS[{key!r}].prepare(User.objects.get(username='city_hard'), {ROWS})"))
    content = csv_content(key, ROWS)
    before = stack.sql(f"SELECT count(*) FROM {table}")
    client = stack.client(username="city_hard", timeout=90)
    admin = f"/admin/{app_label}/{model_name}"

    started = time.monotonic()
    status, body, response = client.upload(f"{admin}/import/", {"format": CSV_FORMAT, "resource": "0"},
                                           "import_file", f"{model_name}.csv", content)

    assert status == 302, body[:500]
    job_page = response.headers["Location"]
    job_id = int(re.fullmatch(rf"{admin}/import/(\d+)/", job_page).group(1))

    def checked():
        status, body, _response = client.get(job_page)
        page = body.decode()
        return page if status == 200 and _state(page) not in RUNNING else None

    page = wait_for(checked, timeout=CHECK_WAIT_SECONDS, what=f"the check of {model_name}.csv", interval=1)
    seconds = time.monotonic() - started
    assert _state(page) == "checked", page[:2000]
    assert _reported_rows(page) == bad_rows(ROWS)
    assert 'name="confirm"' not in page
    assert "Traceback" not in page

    status, workbook, _response = client.get(f"{admin}/import/{job_id}/errors/")
    assert status == 200
    rows = list(csv.reader(io.StringIO(workbook.decode("utf-8-sig"))))
    assert [int(row[-1]) for row in rows[1:]] == bad_rows(ROWS)

    # Forced: a confirm request for the job, as a forged request would send it.
    status, _body, response = client.post(f"{admin}/process_import/", {"job": job_id})
    assert (status, response.headers["Location"]) == (302, job_page)
    page = wait_for(checked, timeout=CHECK_WAIT_SECONDS, what="the job page after the confirm", interval=1)
    assert _state(page) == "checked"
    assert _reported_rows(page) == bad_rows(ROWS)
    assert stack.sql(f"SELECT count(*) FROM {table}") == before
    figures(**{f"import_{model_name}_10000_rows_check_seconds": round(seconds, 1),
               f"import_{model_name}_rows_checked_per_second": round(ROWS / seconds)})
