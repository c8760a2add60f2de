"""The completeness workbook: counties ranked, then every organisation expected to report."""
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from xuchang_ecom.records.importexport.cells import escape_formula

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bold_header(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def completeness_workbook(*, period, counties: list[dict], organisations) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("By county-level division")[:31]
    sheet.append([_("Rank"), _("County-level division"), _("Expected"), _("Reports submitted"), _("On time"), _("Late"),
                  _("Missing"), _("On time (%)")])
    _bold_header(sheet)
    for rank, row in enumerate(counties, start=1):
        sheet.append([rank, row["county"] or _("City level"), row["expected"], row["submitted"], row["on_time_count"],
                      row["late_count"], row["missing"], row["share_on_time"]])
    detail = workbook.create_sheet(_("By organisation")[:31])
    detail.append([_("County-level division"), _("Organisation"), _("Status"), _("First submitted")])
    _bold_header(detail)
    for organisation in organisations:
        county = organisation.region.county.name if organisation.region.county_id else ""
        detail.append([county, escape_formula(organisation.name), _status_label(organisation),
                       organisation.first_submitted.replace(tzinfo=None) if organisation.first_submitted else None])
    for column in "ABCDEFGH":
        sheet.column_dimensions[column].width = 14
    detail.column_dimensions["B"].width = 36
    detail.column_dimensions["D"].width = 20
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _status_label(organisation) -> str:
    if organisation.first_submitted is None:
        return str(_("Missing"))
    return str(_("On time")) if organisation.on_time else str(_("Late"))
