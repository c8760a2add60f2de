"""10,000-row files with an error on every 100th row, uploaded by city staff to the admin
of the production stack (gunicorn with README's 60 s timeout, PostgreSQL): the page
names every bad row, nothing is written, and it answers before gunicorn gives up.

Sent here: the registries that get files this large, households (a county registers
thousands) and livestream sessions (hundreds of thousands a year). Every one of the 17
imports gets a 300-row file of the same kind in ``make test``
(``tests/security/test_large_imports.py``); the organisation registries and the
household links import at 5-15 ms a row, so 10,000 of their rows would outlast the
timeout, and their real files are hundreds of rows."""
import re
import time

import pytest
from django.apps import apps

from tests.security.large_files import bad_rows, csv_content

from .stack import figures

ROWS = 10_000
LARGE = ["poverty.household", "livestream.session"]
CSV_FORMAT = "1"  # its position on the import form (settings.IMPORT_EXPORT_FORMATS)


def _reported_rows(page: str, key: str) -> list[int]:
    if key == "livestream.session":  # its own importer's table: row, column, message
        table = page.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
        return sorted({int(row) for row in re.findall(r"<tr><td>(\d+)</td>", table)})
    return [int(row) for row in re.findall(r"<tr>\s*<td>(\d+) </td>\s*<td class=\"errors\">", page)]


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

    started = time.monotonic()
    status, body, _response = client.upload(f"/admin/{app_label}/{model_name}/import/",
                                            {"format": CSV_FORMAT, "resource": "0"},
                                            "import_file", f"{model_name}.csv", content)
    seconds = time.monotonic() - started

    assert status == 200, body[:500]
    page = body.decode()
    assert _reported_rows(page, key) == bad_rows(ROWS)
    assert "Traceback" not in page
    assert stack.sql(f"SELECT count(*) FROM {table}") == before
    figures(**{f"import_{model_name}_10000_rows_seconds": round(seconds, 1),
               f"import_{model_name}_rows_per_second": round(ROWS / seconds)})
