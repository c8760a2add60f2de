"""Uploads that are too big, not what their name says, or zip bombs are refused unparsed;
files with too many rows are refused as soon as the reader meets the one too many, and
workbooks whose cells reach too far from A1 before they are read."""
import codecs
import io
import itertools
import zipfile

import openpyxl
import pytest
import tablib
from django.urls import reverse
from python_calamine import CalamineWorkbook

from villages.models import Designation
from villages.tests.factories import SourceReportFactory
from xuchang_ecom.records.importexport.formats import CSV, XLSX
from xuchang_ecom.records.importexport.reading import numbered_rows
from xuchang_ecom.records.importexport.uploads import ImportFileRejected, check_xlsx_cells
from xuchang_ecom.records.models import ImportJob

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:villages_designation_import")
XLSX_FORMAT, CSV_FORMAT = "0", "1"
A_CSV = "地点,类型,年份,来源报告\n长葛市/佛耳湖镇/岗李村,淘宝村,2020,2020中国淘宝村研究报告\n".encode()


@pytest.fixture
def city_client(client, city_user):
    SourceReportFactory()
    client.force_login(city_user)
    return client


def upload(client, content: bytes, name: str, file_format: str):
    """Post ``content`` to the import page; returns the response."""
    file = io.BytesIO(content)
    file.name = name
    return client.post(IMPORT, {"format": file_format, "resource": "0", "import_file": file})


def assert_refused(response, code: str) -> None:
    """The upload was refused on the upload page for ``code`` (see ImportFileRejected): no
    job was started and nothing was written."""
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["import_file"]] == [code]
    assert response.context["form"].errors["import_file"][0]
    assert "job" not in response.context
    assert not ImportJob.objects.exists()
    assert Designation.objects.count() == 0


def a_real_xlsx() -> bytes:
    return XLSX().export_data(tablib.Dataset(["长葛市/佛耳湖镇/岗李村", 2020], headers=["地点", "年份"]))


def test_a_small_csv_passes_the_checks(city_client):
    response = upload(city_client, A_CSV, "ok.csv", CSV_FORMAT)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:villages_designation_import_job", args=[job.pk])
    assert (job.file_name, job.state, job.confirmable) == ("ok.csv", "checked", True)


def test_an_upload_over_the_size_limit_is_refused(city_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = len(A_CSV) - 1

    assert_refused(upload(city_client, A_CSV, "big.csv", CSV_FORMAT), "too_large")


def test_a_text_file_named_xlsx_is_refused(city_client):
    assert_refused(upload(city_client, A_CSV, "fake.xlsx", XLSX_FORMAT), "not_xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused(city_client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "not a workbook")

    assert_refused(upload(city_client, archive.getvalue(), "fake.xlsx", XLSX_FORMAT), "not_xlsx")


def test_a_binary_file_named_csv_is_refused(city_client):
    assert_refused(
        upload(city_client, b"\x00\x01\x02binary\xff\xfe" * 50, "fake.csv", CSV_FORMAT), "not_csv"
    )


def test_a_workbook_named_csv_is_refused(city_client):
    assert_refused(upload(city_client, a_real_xlsx(), "book.csv", CSV_FORMAT), "not_csv")


def test_a_file_whose_name_does_not_match_the_chosen_format_is_refused(city_client):
    assert_refused(upload(city_client, A_CSV, "data.csv", XLSX_FORMAT), "wrong_extension")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(city_client, settings):
    content = a_real_xlsx()
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1000

    assert_refused(upload(city_client, content, "bomb.xlsx", XLSX_FORMAT), "unpacks_too_large")


def test_a_zip_bomb_is_refused_without_being_inflated(city_client, settings):
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        zipped.writestr("xl/workbook.xml", "<workbook/>")
        zipped.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert len(archive.getvalue()) < 64 * 1024

    assert_refused(
        upload(city_client, archive.getvalue(), "bomb.xlsx", XLSX_FORMAT), "unpacks_too_large"
    )


@pytest.mark.parametrize("file_format,content,code", [
    (CSV, b"\x00binary", "not_csv"),
    (XLSX, b"PK\x03\x04 truncated", "not_xlsx"),
    (XLSX, A_CSV, "not_xlsx"),
])
def test_the_formats_check_again_when_they_parse(file_format, content, code):
    # The job's worker reads the stored file through the format, not the upload form.
    with pytest.raises(ImportFileRejected) as refused:
        file_format().create_dataset(content)
    assert refused.value.code == code


def test_the_formats_refuse_an_oversized_file_when_they_parse(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10

    with pytest.raises(ImportFileRejected) as refused:
        CSV().create_dataset(A_CSV)
    assert refused.value.code == "too_large"


def test_a_csv_in_neither_utf8_nor_gb18030_is_refused():
    with pytest.raises(ImportFileRejected) as refused:
        CSV().create_dataset(b"\x81\x30\xff\xff,\n")
    assert refused.value.code == "unknown_encoding"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_csv_with_its_bom_reads_like_any_other(encoding):
    content = "名称,县（市、区）\n示例村,长葛市\n".encode(encoding)
    if encoding == "utf-16-be":
        content = codecs.BOM_UTF16_BE + content
    dataset = CSV().create_dataset(content)
    assert dataset.headers == ["名称", "县（市、区）"] and dataset[0] == ("示例村", "长葛市")


def test_excels_unicode_text_tab_separated_utf16_reads_too():
    content = "名称\t县（市、区）\r\n示例村\t长葛市\r\n".encode("utf-16")
    dataset = CSV().create_dataset(content)
    assert dataset.headers == ["名称", "县（市、区）"] and dataset[0] == ("示例村", "长葛市")


def test_nul_bytes_without_a_utf16_bom_are_still_refused():
    with pytest.raises(ImportFileRejected) as refused:
        CSV().create_dataset(b"a,b\n\x00\x01,c\n")
    assert refused.value.code == "not_csv"


def test_a_nul_character_inside_a_utf16_cell_is_refused_before_anything_is_written():
    content = "名称,县（市、区）\n示例\x00村,长葛市\n".encode("utf-16")
    with pytest.raises(ImportFileRejected) as refused:
        CSV().create_dataset(content)
    assert refused.value.code == "nul"


# -- rows ------------------------------------------------------------------------------------

HEADER, ROW = A_CSV.decode().splitlines()


def rows_csv(count: int, *, blank_lines_between: int = 0) -> bytes:
    """``count`` rows of the village, each for another year (a record appears once)."""
    lines = [HEADER]
    for index in range(count):
        lines += [ROW.replace(",2020,", f",{2020 - index},"), *[""] * blank_lines_between]
    return ("\n".join(lines) + "\n").encode()


def job_refused(response) -> ImportJob:
    """The upload started a job that the worker refused whole, saying why on its page;
    nothing was written."""
    page = response.client.get(response.url)
    job = page.context["job"]
    assert job.state == "refused", (job.state, job.errors)
    assert job.reason in page.content.decode()
    assert Designation.objects.count() == 0
    return job


def test_a_file_with_more_rows_than_the_limit_is_refused_naming_the_limit(city_client, settings):
    settings.IMPORT_MAX_ROWS = 1000

    job = job_refused(upload(city_client, rows_csv(1001), "many.csv", CSV_FORMAT))

    assert "文件超过 1,000 行" in job.reason


def test_blank_rows_do_not_count_towards_the_limit(city_client, settings):
    settings.IMPORT_MAX_ROWS = 5

    response = upload(city_client, rows_csv(5, blank_lines_between=1), "five.csv", CSV_FORMAT)

    job = response.client.get(response.url).context["job"]
    assert (job.state, job.rows_total, job.confirmable) == ("checked", 5, True)


def test_a_file_with_more_blank_rows_than_the_limit_is_refused(city_client, settings):
    settings.IMPORT_MAX_ROWS = 5

    job = job_refused(upload(city_client, rows_csv(1, blank_lines_between=6), "blank.csv", CSV_FORMAT))

    assert "空行超过 5 行" in job.reason


def test_the_reader_stops_at_the_first_row_over_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 5
    endless = itertools.repeat(["示例村"])

    with pytest.raises(ImportFileRejected) as refused:
        for _number, _row in numbered_rows(endless):
            pass
    assert refused.value.code == "too_many_rows"


def test_a_million_blank_lines_before_a_row_make_a_dataset_of_that_one_row_numbered_as_in_the_file():
    content = (HEADER + "\r\n").encode() + b"\r\n" * 1_000_000 + (ROW + "\r\n").encode()

    dataset = CSV().create_dataset(content)

    assert len(dataset) == 1
    assert dataset.row_numbers == [1_000_002]


def test_rows_with_cells_only_beyond_the_last_column_are_left_out_and_the_rest_keep_their_numbers():
    dataset = CSV().create_dataset(f"{HEADER}\n,,,,stray\n\n{ROW}\n".encode())

    assert len(dataset) == 1
    assert dataset.row_numbers == [4]


# -- how far a workbook's cells reach ----------------------------------------------------------

WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        '</Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '</Relationships>'),
}


def workbook_of(sheet_data: str) -> bytes:
    """A workbook whose first sheet's ``<sheetData>`` is ``sheet_data``, written by hand."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, text in WORKBOOK_PARTS.items():
            zipped.writestr(name, text)
        zipped.writestr("xl/worksheets/sheet1.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x="'
            'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f"{sheet_data}</sheetData></worksheet>"))
    return archive.getvalue()


def far_value(cell: str) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["地点", "年份"])
    workbook.active[cell] = "x"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_workbook_with_one_value_at_the_last_cell_excel_has_is_refused_before_it_is_read(city_client):
    content = far_value("XFD1048576")
    assert len(content) < 10_000  # python-calamine would ask for 550 GB

    response = upload(city_client, content, "far.xlsx", XLSX_FORMAT)

    assert_refused(response, "too_many_cells")
    assert "XFD" in response.context["form"].errors["import_file"][0]


def test_a_workbook_whose_used_area_is_larger_than_the_limit_is_refused(settings):
    content = a_real_xlsx()  # A1:B2
    settings.IMPORT_MAX_XLSX_CELLS = 3

    with pytest.raises(ImportFileRejected) as refused:
        XLSX().create_dataset(content)
    assert refused.value.code == "too_many_cells"

    settings.IMPORT_MAX_XLSX_CELLS = 4
    assert len(XLSX().create_dataset(content)) == 1


H = '<is><t>h</t></is>'
# Sheets written in ways spreadsheet programs rarely or never do, and how far python-calamine
# takes each: the cells from A1 to (row, column).
SHEETS = {
    "in order": (f'<row r="1"><c r="A1" t="inlineStr">{H}</c><c r="C1" t="inlineStr">{H}</c></row>'
                 '<row r="7"><c r="B7"><v>1</v></c></row>', (7, 3)),
    "the far row first": ('<row r="9"><c r="D9"><v>1</v></c></row>'
                          f'<row r="1"><c r="A1" t="inlineStr">{H}</c></row>', (9, 4)),
    "lower-case positions": (f'<row r="1"><c r="a1" t="inlineStr">{H}</c><c r="e2"><v>1</v></c></row>', (2, 5)),
    "no positions": ('<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (2, 2)),
    "positions after other attributes": ('<row r="2"><c t="n" r="E2"><v>1</v></c></row>', (2, 5)),
    "positions in single quotes": ("<row r='1'><c r = 'F3'><v>1</v></c></row>", (3, 6)),
    "cells after a positioned one": ('<row r="5"><c r="C5"><v>1</v></c><c><v>2</v></c></row>'
                                     '<row><c><v>3</v></c></row>', (6, 4)),
    "a namespace prefix": ('<x:row r="3"><x:c r="F3"><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c></x:row>', (3, 7)),
}


@pytest.mark.parametrize("sheet", SHEETS)
def test_how_far_a_sheet_reaches_is_found_however_its_cells_are_written(sheet, settings):
    sheet_data, (rows, columns) = SHEETS[sheet]
    content = workbook_of(sheet_data)
    end = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).end
    assert (end[0] + 1, end[1] + 1) == (rows, columns), "python-calamine reads it otherwise"

    settings.IMPORT_MAX_XLSX_CELLS = rows * columns
    check_xlsx_cells(content)
    settings.IMPORT_MAX_XLSX_CELLS = rows * columns - 1
    with pytest.raises(ImportFileRejected) as refused:
        check_xlsx_cells(content)
    assert refused.value.code == "too_many_cells"


@pytest.mark.parametrize("sheet_data", [
    '<row r="1"><c r="7"><v>1</v></c></row>',  # a row without its column
    '<row r="1"><c r="A0"><v>1</v></c></row>',
    '<row r="1"><c><row r="1048576"/><v>1</v></c></row>',
])
def test_a_cell_python_calamine_could_not_place_is_refused_as_unreadable(sheet_data):
    with pytest.raises(ImportFileRejected) as refused:
        XLSX().create_dataset(workbook_of(sheet_data))
    assert refused.value.code == "unreadable"
