"""Cells a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return), imported into every registry with a free-text column: stored as typed
(less the surrounding white space every cell loses), exported as text with a leading
``'`` in both .xlsx and .csv, and an exported file re-imports unchanged. A NUL cannot be
stored by any column and is refused with a message (``test_hostile_files``)."""
import csv
import io

import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from livestream.importers.sessions import session_bulk_import
from tests.helpers import CSV_FORMAT, XLSX_FORMAT
from tests.security.large_files import SPECS, resource_class, rows_content
from xuchang_ecom.records.importexport.formats import CSV, XLSX

pytestmark = pytest.mark.django_db

# Typed -> stored: surrounding white space goes, as from every cell, and a leading ' is
# what Excel shows as text (an exported cell has one), so '=3+3 is the text =3+3.
VALUES = {"=HYPERLINK(\"http://example.org\")": "=HYPERLINK(\"http://example.org\")", "+1+1": "+1+1",
          "-2+3": "-2+3", "@SUM(A1)": "@SUM(A1)", "\t=1+1": "=1+1", "\r=2+2": "=2+2", "'=3+3": "=3+3"}

# The free-text column of each registry (the links have none), by resource field name;
# sessions by header, as their own importer reads them.
TEXT_COLUMNS = {
    "villages.designation": "main_products", "villages.honour": "title", "livestream.cluster": "lead_industry",
    "livestream.base": "name", "livestream.brand": "category", "livestream.training": "organiser",
    "livestream.contest": "organiser", "livestream.agency": "support_batch", "livestream.anchor": "display_name",
    "livestream.session": "标题", "poverty.enterprise": "products", "poverty.base": "products",
    "poverty.household": "head_name", "poverty.employment": "member_name",
}
SESSIONS = "livestream.session"


def _file(key: str) -> bytes:
    """A CSV of rows 0-6 of ``key``'s spec, each with one of ``VALUES`` in its text column."""
    rows = []
    for i, value in enumerate(VALUES):
        row = SPECS[key].row(i)
        row[TEXT_COLUMNS[key]] = value
        rows.append(row)
    return rows_content(key, rows)


def _stored(key: str) -> set[str]:
    model = apps.get_model(key)
    attribute = "title" if key == SESSIONS else resource_class(key)().fields[TEXT_COLUMNS[key]].attribute
    return set(model.objects.values_list(attribute, flat=True))


def _export(client, key: str, file_format: str) -> bytes:
    url = reverse(f"admin:{key.replace('.', '_')}_export")
    form = client.get(url).context["form"]
    data = {"format": file_format, "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content


def test_every_registry_with_a_text_column_is_tried():
    assert set(TEXT_COLUMNS) == {key for key in SPECS if key not in
                                 ("poverty.landlease", "poverty.dividend", "poverty.takehomework")}


@pytest.mark.parametrize("key", sorted(TEXT_COLUMNS))
def test_formula_like_cells_are_stored_as_typed_and_exported_as_text(client, city_user, admin_uploads_in_tmp, key):
    SPECS[key].prepare(city_user, len(VALUES))
    content = _file(key)
    if key == SESSIONS:
        result = session_bulk_import(user=city_user, data=content, file_format=CSV(), dry_run=False)
        assert result.ok, result.messages()
    else:
        result = resource_class(key)(user=city_user).import_data(CSV().create_dataset(content))
        assert not result.has_errors() and not result.has_validation_errors(), result.messages()
    typed = set(VALUES.values())
    assert typed <= _stored(key)
    client.force_login(city_user)

    workbook = _export(client, key, XLSX_FORMAT)
    cells = [cell for row in openpyxl.load_workbook(io.BytesIO(workbook)).active.iter_rows(min_row=2) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "a cell exported as a formula"
    assert {"'" + value for value in typed} <= {cell.value for cell in cells}
    text = _export(client, key, CSV_FORMAT).decode("utf-8-sig")
    assert {"'" + value for value in typed} <= {cell for row in csv.reader(io.StringIO(text)) for cell in row}

    if key != SESSIONS:  # sessions have no natural key: a re-import adds them again
        model = apps.get_model(key)
        before = sorted(model.objects.values_list())
        result = resource_class(key)(user=city_user).import_data(XLSX().create_dataset(workbook))
        assert not result.has_errors() and not result.has_validation_errors(), result.messages()
        assert sorted(model.objects.values_list()) == before
