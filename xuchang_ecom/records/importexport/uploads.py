"""Checking an upload before anything parses it, and the error that refuses it.

An upload is refused (``ImportFileRejected``) when it is over ``IMPORT_MAX_UPLOAD_BYTES``,
when its content is not what its extension says (a workbook or a PDF saved as .csv, a
.xlsx that is no spreadsheet package), or when an .xlsx would unpack to more than
``IMPORT_MAX_XLSX_UNPACKED_BYTES`` (a zip bomb). The formats (``formats``) run these checks
first and raise the same error for a file they then cannot read.
"""
import codecs
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

# Magic numbers of files people save as .csv by mistake: zip (.xlsx), OLE (.xls), PDF.
BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")
# UTF-16 text is full of NUL bytes; its BOM tells it from a binary file.
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Parts every OOXML spreadsheet package has.
XLSX_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


class ImportFileRejected(ValueError):
    """An upload refused before parsing; the message is for the person who uploaded it.

    ``code`` names the reason (``too_large``, ``wrong_extension``, ``not_csv``,
    ``unknown_encoding``, ``not_xlsx``, ``unpacks_too_large``, ``unreadable``, ``empty``,
    ``duplicate_column``) for code that must not depend on the wording.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code)


def check_upload_size(size: int) -> None:
    """Raise ImportFileRejected if an upload of ``size`` bytes is over the limit."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportFileRejected(
            gettext("The file is %(size)s; files over %(limit)s are not accepted.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def check_csv_text(data: bytes) -> None:
    """Raise ImportFileRejected if ``data`` is a binary file rather than text."""
    text_with_nul = b"\x00" in data and not data.startswith(UTF16_BOMS)
    if data.startswith(BINARY_SIGNATURES) or text_with_nul:
        raise ImportFileRejected(
            gettext("This is not a CSV text file. Save it from Excel as “CSV (逗号分隔)”."),
            code="not_csv",
        )


def check_xlsx_package(data: bytes) -> None:
    """Raise ImportFileRejected unless ``data`` is a spreadsheet package that unpacks
    within the limit."""
    not_xlsx = ImportFileRejected(
        gettext(
            "This is not an Excel .xlsx workbook. Save it from Excel as “Excel 工作簿 (*.xlsx)”."
        ),
        code="not_xlsx",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise not_xlsx from error
    names = {member.filename for member in members}
    if not all(name in names for name in XLSX_REQUIRED_MEMBERS):
        raise not_xlsx
    # The declared sizes bound what zipfile will inflate (it stops there and checks
    # the CRC), so summing them is enough to refuse a zip bomb before opening it.
    unpacked = sum(member.file_size for member in members)
    limit = settings.IMPORT_MAX_XLSX_UNPACKED_BYTES
    if unpacked > limit:
        raise ImportFileRejected(
            gettext(
                "The workbook unpacks to %(size)s, more than the %(limit)s allowed. "
                "Split it into smaller files."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)},
            code="unpacks_too_large",
        )
