"""Uploads that are too big, not what their name says, or zip bombs are refused unparsed."""
import codecs
import io
import zipfile

import pytest
import tablib
from django.urls import reverse

from villages.models import Designation
from villages.tests.factories import SourceReportFactory
from xuchang_ecom.records.importexport.formats import CSV, XLSX
from xuchang_ecom.records.importexport.uploads import ImportFileRejected
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
