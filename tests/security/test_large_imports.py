"""Every import in the admin, fed a 300-row file with an error on every 100th row: its job
lists each bad row by its spreadsheet row number and the column at fault, offers no
confirm, and writes nothing, neither at the check nor when the confirm is forced anyway;
its error workbook holds exactly those rows. (``tests/hard/test_large_imports.py`` sends
10,000 rows to the production stack.)"""
import io
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import ngettext

from tests.helpers import CSV_FORMAT, column
from tests.security.large_files import (
    SPECS,
    bad_rows,
    csv_content,
    resource_class,
    spoiled_columns,
)
from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.records.importexport.errorbook import PROBLEMS_COLUMN, ROW_COLUMN
from xuchang_ecom.records.importexport.formats import CSV
from xuchang_ecom.records.importexport.jobs import LISTED_ERRORS

pytestmark = pytest.mark.django_db

ROWS = 300
SESSIONS = "livestream.session"


def imports() -> list[str]:
    """``app_label.model_name`` of every model whose admin has an import page (as
    ``test_hostile_files.imports`` finds them)."""
    keys = []
    for model, model_admin in admin.site._registry.items():
        if not hasattr(model_admin, "import_action"):
            continue
        try:
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")
        except NoReverseMatch:
            continue
        keys.append(model._meta.label_lower)
    return sorted(keys)


def counts(model) -> dict[str, int]:
    """Rows in every table of ``model``'s app, and organisations (agencies and enterprises
    register theirs)."""
    tables = [*apps.get_app_config(model._meta.app_label).get_models(), Organisation]
    return {table._meta.label: table._default_manager.count() for table in tables}


def url(key: str, view: str, *args) -> str:
    return reverse(f"admin:{key.replace('.', '_')}_{view}", args=args)


def upload(content: bytes, name: str = "large.csv") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def expected_errors(key: str) -> dict[int, str]:
    """``{spreadsheet row: column header}`` of the errors the file has."""
    faults = spoiled_columns(key, ROWS)
    if key == SESSIONS:
        return faults  # the sessions' specs name headers already
    resource = resource_class(key)
    return {number: column(resource, name) for number, name in faults.items()}


def reported_errors(job) -> dict[int, set[str]]:
    """``{spreadsheet row: columns with an error}`` as the job lists them (an error about
    the row as a whole as "(row error)")."""
    assert job.error_count == len(job.errors), "more errors than the job lists"
    reported: dict[int, set[str]] = {}
    for number, header, _message in job.errors:
        reported.setdefault(number, set()).add("(row error)" if header == NON_FIELD_ERRORS else header)
    return reported


def workbook_rows(content: bytes) -> list[dict]:
    """The rows of an error workbook (a CSV here, as the upload was), keyed by header."""
    dataset = CSV().create_dataset(content)
    with translation.override(settings.LANGUAGE_CODE):
        assert dataset.headers[-2:] == [str(PROBLEMS_COLUMN), str(ROW_COLUMN)]
    return dataset.dict


def test_every_import_in_the_admin_has_a_large_file_spec():
    assert sorted(set(imports()) - set(SPECS)) == [], "an import without a spec in tests/security/large_files.py"
    assert sorted(set(SPECS) - set(imports())) == [], "a spec for an import the admin no longer has"


def test_the_spoiled_rows_are_every_100th():
    assert bad_rows(ROWS) == [101, 201, 301]
    assert bad_rows(250, every=50) == [51, 101, 151, 201, 251]


@pytest.mark.parametrize("key", imports())
def test_a_file_with_an_error_on_every_100th_row_reports_each_and_writes_nothing(
    client, city_user, key,
):
    spec = SPECS.get(key)
    if spec is None:
        pytest.fail(f"{key} has no spec in tests/security/large_files.py")
    model = apps.get_model(key)
    spec.prepare(city_user, ROWS)
    content = csv_content(key, ROWS)
    expected = expected_errors(key)
    assert sorted(expected) == bad_rows(ROWS)
    before = counts(model)
    client.force_login(city_user)

    response = client.post(url(key, "import"), {"format": CSV_FORMAT, "resource": "0",
                                                "import_file": upload(content)}, follow=True)

    assert response.status_code == 200
    assert "job" in response.context, response.context["form"].errors
    job = response.context["job"]
    assert (job.state, job.rows_total, job.rows_bad) == ("checked", ROWS, len(bad_rows(ROWS))), job.reason
    reported = reported_errors(job)
    assert sorted(reported) == bad_rows(ROWS), f"{key}: rows reported {sorted(reported)}"
    wrong = {number: (expected[number], columns) for number, columns in reported.items()
             if expected[number] not in columns}
    assert not wrong, f"{key}: errors not on the spoiled column (expected, reported): {wrong}"
    assert not job.confirmable
    assert 'name="confirm"' not in response.content.decode()
    assert counts(model) == before

    # The error workbook: the bad rows, each with its row number and its problems.
    workbook = client.get(url(key, "import_errors", job.pk))
    assert workbook.status_code == 200
    rows = workbook_rows(workbook.content)
    with translation.override(settings.LANGUAGE_CODE):
        assert [int(row[str(ROW_COLUMN)]) for row in rows] == bad_rows(ROWS)
        assert all(expected[int(row[str(ROW_COLUMN)])] in row[str(PROBLEMS_COLUMN)] for row in rows), rows

    # Forced: a confirm request for the job, as a forged request would send it.
    response = client.post(url(key, "process_import"), {"job": job.pk}, follow=True)

    assert response.redirect_chain == [(url(key, "import_job", job.pk), 302)]
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    job.refresh_from_db()
    assert (job.state, job.rows_written, sorted(reported_errors(job))) == ("checked", 0, bad_rows(ROWS))
    assert counts(model) == before


def test_a_job_with_many_errors_lists_the_first_200_says_how_many_and_its_workbook_has_every_bad_row(
    client, city_user,
):
    key = "livestream.cluster"
    content = csv_content(key, 500, every=2)  # 250 bad rows, one error each
    client.force_login(city_user)

    response = client.post(url(key, "import"), {"format": CSV_FORMAT, "resource": "0",
                                                "import_file": upload(content)}, follow=True)

    job = response.context["job"]
    assert (job.state, job.rows_bad, job.error_count) == ("checked", 250, 250)
    assert LISTED_ERRORS == 200
    assert [number for number, _header, _message in job.errors] == bad_rows(500, every=2)[:200]
    page = response.content.decode()
    table = page.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"<tr><td", table)) == 200
    with translation.override(settings.LANGUAGE_CODE):
        assert ngettext("%(counter)s error in all; the workbook has every row.",
                        "%(counter)s errors in all; the workbook has every row.", 250) % {"counter": 250} in page
        rows = workbook_rows(client.get(url(key, "import_errors", job.pk)).content)
        assert [int(row[str(ROW_COLUMN)]) for row in rows] == bad_rows(500, every=2)
    assert not apps.get_model(key).objects.exists()
