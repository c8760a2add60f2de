"""Every import in the admin, fed a 300-row file with an error on every 100th row: each
bad row is reported by its spreadsheet row number and the column at fault, no confirm
is offered, and nothing is written, neither at the preview nor when the confirm step
is forced anyway. (``tests/hard/test_large_imports.py`` sends 10,000 rows to the
production stack.)"""
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from import_export.tmp_storages import TempFolderStorage

from livestream.importers.storage import upload_keep
from tests.helpers import CSV_FORMAT, column
from tests.security.large_files import (
    SPECS,
    bad_rows,
    csv_content,
    resource_class,
    spoiled_columns,
)
from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.records.importexport.resources import row_message

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


def url(key: str, view: str) -> str:
    return reverse(f"admin:{key.replace('.', '_')}_{view}")


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


def reported_errors(result) -> dict[int, set[str]]:
    """``{spreadsheet row: columns with an error}`` as the import reports them, from a
    resource's ``SpreadsheetResult`` or the sessions' ``BulkImportResult``."""
    reported: dict[int, set[str]] = {}
    if hasattr(result, "invalid_rows"):
        assert not result.base_errors, result.messages()
        for invalid in result.invalid_rows:
            reported.setdefault(invalid.number, set()).update(invalid.error_dict)
        for number, _errors in result.row_errors():
            reported.setdefault(number, set()).add("(row error)")
    else:
        assert not result.unreported_errors
        for error in result.errors:
            reported.setdefault(error.row, set()).add(error.column)
    return reported


def test_every_import_in_the_admin_has_a_large_file_spec():
    assert sorted(set(imports()) - set(SPECS)) == [], "an import without a spec in tests/security/large_files.py"
    assert sorted(set(SPECS) - set(imports())) == [], "a spec for an import the admin no longer has"


def test_the_spoiled_rows_are_every_100th():
    assert bad_rows(ROWS) == [101, 201, 301]
    assert bad_rows(250, every=50) == [51, 101, 151, 201, 251]


@pytest.mark.parametrize("key", imports())
def test_a_file_with_an_error_on_every_100th_row_reports_each_and_writes_nothing(
    client, city_user, admin_uploads_in_tmp, key,
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
                                                "import_file": upload(content)})

    assert response.status_code == 200
    assert "form" not in response.context or not response.context["form"].errors, response.context["form"].errors
    reported = reported_errors(response.context["result"])
    assert sorted(reported) == bad_rows(ROWS), f"{key}: rows reported {sorted(reported)}"
    wrong = {number: (expected[number], columns) for number, columns in reported.items()
             if expected[number] not in columns}
    assert not wrong, f"{key}: errors not on the spoiled column (expected, reported): {wrong}"
    assert "confirm_form" not in response.context
    assert counts(model) == before

    # Forced: a confirm request for the same file, as a forged request (or data that
    # changed between preview and confirm) would send it.
    if key == SESSIONS:
        token = upload_keep(user=city_user, data=content)
        response = client.post(url(key, "process_import"), {"token": token, "format": CSV_FORMAT,
                                                            "file_name": "large.csv"})

        assert response.status_code == 200
        assert not response.context.get("refusal")
        assert response.context["result"].created == 0
        assert sorted(reported_errors(response.context["result"])) == bad_rows(ROWS)
    else:
        storage = TempFolderStorage(read_mode="rb")
        storage.save(content)
        response = client.post(url(key, "process_import"), {"import_file_name": storage.name,
                                                            "original_file_name": "large.csv",
                                                            "format": CSV_FORMAT, "resource": "0"})

        assert response.status_code == 302
        assert response.url == url(key, "import")
        messages = [str(message) for message in response.wsgi_request._messages]
        with translation.override(settings.LANGUAGE_CODE):
            named = [number for number, header in sorted(expected.items())
                     if any(message.startswith(row_message(number, header, "")) for message in messages)]
        assert named == sorted(expected), f"{key}: the confirm step names rows {named}: {messages}"
    assert counts(model) == before


def test_a_forced_confirm_with_many_errors_lists_the_first_fifty_and_says_how_many_more(
    client, city_user, admin_uploads_in_tmp,
):
    key = "livestream.cluster"
    storage = TempFolderStorage(read_mode="rb")
    storage.save(csv_content(key, 120, every=2))  # 60 bad rows
    client.force_login(city_user)

    response = client.post(url(key, "process_import"), {"import_file_name": storage.name,
                                                        "original_file_name": "large.csv",
                                                        "format": CSV_FORMAT, "resource": "0"})

    messages = [str(message) for message in response.wsgi_request._messages]
    assert len(messages) == 1 + 50 + 1
    assert messages[-1] == "……另有 10 处错误。"
    assert not apps.get_model(key).objects.exists()
