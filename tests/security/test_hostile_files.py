"""Every import in the admin, fed every kind of hostile file: each is refused with a
message on the upload form, or its job is refused with the reason (or checked, with its
row errors), never a server error nor a job stopped by one, and nothing is written. A file
that would take each import a long time or a lot of memory is refused."""
import codecs
import io
import zipfile

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from xuchang_ecom.records.importexport.formats import XLSX

pytestmark = pytest.mark.django_db


def _zip_bomb() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        zipped.writestr("xl/workbook.xml", "<workbook/>")
        zipped.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    return archive.getvalue()


def _workbook() -> bytes:
    return XLSX().export_data(tablib.Dataset(["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)"],
                                             headers=["名称", "地点", "年份"]))


# Columns of the registries and the sessions' required ones, so every import reads on.
HEADERS = ["名称", "地点", "年份", "开播时间", "平台"]


def _blank_lines() -> bytes:
    """A header and a million blank lines: 2 MB."""
    return (",".join(HEADERS) + "\r\n").encode() + b"\r\n" * 1_000_000


def _far_cell(cell: str) -> bytes:
    """A workbook of a few kilobytes: a header and one value at ``cell``, far below it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet[cell] = "x"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CSV_TEXT = "名称,地点\n=1+1,长葛市\n-2,\t长葛市\n@cmd,\r长葛市\n"
HOSTILE = {
    "truncated workbook": ("f.xlsx", lambda: _workbook()[:200]),
    "corrupt workbook": ("f.xlsx", lambda: b"PK\x03\x04" + b"\xff" * 500),
    "zip bomb": ("f.xlsx", _zip_bomb),
    "executable named csv": ("f.csv", lambda: b"MZ\x90\x00\x03" + b"\x00" * 200),
    "workbook named csv": ("f.csv", _workbook),
    "formula cells, xlsx": ("f.xlsx", _workbook),
    "GBK csv": ("f.csv", lambda: CSV_TEXT.encode("gbk")),
    "GB18030 csv": ("f.csv", lambda: CSV_TEXT.encode("gb18030")),
    "UTF-8 csv with BOM": ("f.csv", lambda: codecs.BOM_UTF8 + CSV_TEXT.encode()),
    "UTF-16 csv": ("f.csv", lambda: CSV_TEXT.encode("utf-16")),
    "NUL in UTF-16 csv": ("f.csv", lambda: (CSV_TEXT + "a\x00b,长葛市\n").encode("utf-16")),
    "a million blank lines, csv": ("f.csv", _blank_lines),
    "one value at row 1,048,576, xlsx": ("f.xlsx", lambda: _far_cell("A1048576")),
    "one value at XFD1048576, xlsx": ("f.xlsx", lambda: _far_cell("XFD1048576")),
}
# Read whole, these would cost each import seconds and hundreds of megabytes (a million
# rows or more), or abort the process (python-calamine asking for 550 GB).
REFUSED = {"a million blank lines, csv", "one value at row 1,048,576, xlsx", "one value at XFD1048576, xlsx"}


def imports() -> list[str]:
    names = []
    for model, model_admin in admin.site._registry.items():
        if not hasattr(model_admin, "import_action"):
            continue
        try:
            names.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import"))
        except NoReverseMatch:
            continue
    return sorted(names)


@pytest.mark.parametrize("url", imports())
def test_every_import_refuses_every_hostile_file_with_a_message(client, city_user, url):
    from django.apps import apps

    client.force_login(city_user)
    form = client.get(url).context["form"]
    formats = {label.lower(): value for value, label in form.fields["format"].choices}
    app_label, model_name = url.strip("/").split("/")[1:3]
    model = apps.get_model(app_label, model_name)
    before = model.objects.count()
    for kind, (name, content) in HOSTILE.items():
        data = io.BytesIO(content())
        data.name = name
        response = client.post(url, {"format": formats[name.rsplit(".", 1)[1]], "resource": "0",
                                     "import_file": data}, follow=True)
        assert response.status_code == 200, f"{kind} on {url}: {response.status_code}"
        page = response.content.decode()
        context = response.context or {}
        job = context.get("job")
        if job is None:
            assert "form" in context and context["form"].errors, f"{kind} on {url}: neither refused nor checked"
        else:
            assert job.state in ("refused", "checked"), f"{kind} on {url}: {job.state} {job.reason}"
            assert job.state == "checked" or job.reason in page, f"{kind} on {url}: refused without a reason"
            assert job.state == "refused" or kind not in REFUSED, f"{kind} on {url}: checked, not refused"
        assert "Traceback" not in page
        assert model.objects.count() == before, f"{kind} on {url} wrote rows"
