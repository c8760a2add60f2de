"""Each role's month on the demo city, in a real browser: what the role does, page by page,
every page inspected (``checks.inspect``) at 1366 px as it is used and at 375 px right
after, every link seen followed. A journey fails with the list of every problem it met, so
one run shows them all."""
import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from xuchang_ecom.accounts.models import User
from xuchang_ecom.applications.models import Application, ApplicationStatus
from xuchang_ecom.reporting import services as reporting
from xuchang_ecom.reporting.models import Period, Report, ReportStatus
from xuchang_ecom.tools.demo import reporting as reporting_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def download(page, action) -> bytes:
    """What ``action`` (a click, a navigation) makes the browser download."""
    with page.expect_download() as info:
        action()
    return Path(info.value.path()).read_bytes()


def fill_empty_figures(page, value: str = "12") -> None:
    """Fill every empty figure a report or application form still lets one change."""
    for field in page.locator("form.report-form input:not([type=hidden]):not([type=file]):not([disabled])").all():
        if field.get_attribute("type") in ("checkbox", "radio"):
            continue
        if not field.input_value():
            field.fill(value)


def submit_report_form(page) -> None:
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state("networkidle")
    confirm = page.locator("input[name=confirm]")
    if confirm.count():  # figures far from the usual months: the form asks to confirm them
        confirm.check()
        page.click("button[name=action][value=submit]")
        page.wait_for_load_state("networkidle")


def test_a_visitor_reads_the_dashboard_opens_a_county_and_downloads_a_table(journey):
    visitor = journey("visitor")
    page = visitor.open("/")
    visitor.look("dashboard")

    # The map follows the figure chosen; the table by county-level division is downloaded.
    page.select_option("#map-figure", index=1)
    visitor.look("dashboard-map")
    downloads = page.locator("section:has(#counties-title) .downloads a")
    workbook = download(page, downloads.nth(0).click)
    assert workbook.startswith(XLSX_MAGIC), "the Excel download is not a workbook"
    data = download(page, downloads.nth(1).click)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) > 1, "the table downloaded is empty"

    page.goto(visitor.base + "/calls/")
    visitor.look("calls")
    page.locator("main a[href^='/calls/']").first.click()
    visitor.look("call")
    visitor.finish()


def test_city_staff_drill_into_a_figure_build_the_briefing_move_a_registry_and_a_period(journey):
    city = journey("city")
    page = city.log_in("city_admin")
    assert "/programs/" in page.url
    city.look("programs")
    progress = page.url

    page.locator("section.target .figure a").first.click()
    city.look("records")

    page.goto(progress)
    page.fill("#briefings input[name=month]", "2020-10")
    page.click("#briefings button[type=submit]")
    city.look("briefing")
    briefing = download(page, page.locator("#briefings .briefings a").first.click)
    assert briefing.startswith(XLSX_MAGIC)

    page.goto(city.base + "/admin/")
    city.look("admin")
    page.goto(city.base + "/admin/villages/designation/")
    city.look("admin-designations")
    page.goto(city.base + "/admin/villages/designation/export/")
    city.look("admin-export")
    page.select_option("select[name=format]", label="xlsx")
    exported = download(page, page.locator("#content form [type=submit]").first.click)
    assert exported.startswith(XLSX_MAGIC)
    with zipfile.ZipFile(io.BytesIO(exported)):
        pass

    page.goto(city.base + "/admin/villages/designation/import/")
    city.look("admin-import")
    page.set_input_files("input[name=import_file]", files=[{
        "name": "淘宝村.xlsx", "buffer": exported,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.select_option("select[name=format]", label="xlsx")
    page.click("#content form input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".import-job[data-state=checked]").count(), "the file was not checked"
    city.look("admin-import-checked")
    page.click("form input[type=submit][name=confirm]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".import-job[data-state=done]").count(), "the import was not confirmed"
    city.look("admin-imported")

    october = Period.objects.get(month=date(2020, 10, 1))
    page.goto(city.base + "/admin/reporting/period/")
    city.look("admin-periods")
    for action, is_open in (("open_periods", True), ("close_periods", False)):
        page.check(f"input[name=_selected_action][value='{october.pk}']")
        page.select_option("select[name=action]", action)
        page.click("button[name=index]")
        page.wait_for_load_state("networkidle")
        october.refresh_from_db()
        assert october.is_open is is_open, f"{action} left 2020-10 open={october.is_open}"
    city.look("admin-periods-changed")
    city.finish()


def test_county_staff_return_a_figure_approve_a_report_and_see_who_is_late(journey):
    # Both demo enterprises have sent their November figures: two reports wait in the queue.
    november = Report.objects.get(organisation__name="长葛市石象镇学杰农业合作社", period__month=date(2020, 11, 1))
    reporting.report_submit(user=User.objects.get(username="enterprise_b"), report=november,
                            version=november.version, data=reporting_demo._figures(31, 11), confirm_outliers=True)
    county = journey("county")
    page = county.log_in("county_changge")
    county.look("start")

    page.goto(county.base + "/reports/review/")
    county.look("queue")
    queue = page.url
    waiting = list(Report.objects.filter(status=ReportStatus.SUBMITTED).order_by("pk"))
    assert len(waiting) >= 2, "the county has fewer than two reports to review"
    to_return, to_approve = waiting[0], waiting[1]

    page.click(f"a[href$='/reports/review/{to_return.pk}/']")
    county.look("review")
    figure = page.locator(".return-form input[name^=field_]").first
    figure.fill("请核对订单数。")
    page.click(".return-form button[type=submit]")
    county.look("returned")
    to_return.refresh_from_db()
    assert to_return.status == ReportStatus.RETURNED

    page.goto(queue)
    page.click(f"a[href$='/reports/review/{to_approve.pk}/']")
    page.click("form:has(input[name=action][value=approve]) button[type=submit]")
    county.look("approved")
    to_approve.refresh_from_db()
    assert to_approve.status == ReportStatus.APPROVED

    page.goto(queue)
    page.locator("main .toolbar a[href*='/completeness/']").last.click()
    county.look("completeness")
    # November is open and overdue: one press reminds the late organisations, a second none.
    november_period = Period.objects.get(month=date(2020, 11, 1))
    page.select_option("main select[data-go-on-change]", label=str(november_period))
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="一键催报").click()
    page.wait_for_load_state("networkidle")
    county.look("reminded")
    assert "已向" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="一键催报").click()
    page.wait_for_load_state("networkidle")
    assert "已向" not in page.locator(".messages").inner_text()
    county.finish()


def test_an_enterprise_reporter_drafts_submits_and_answers_a_return(journey):
    reporter = journey("enterprise")
    page = reporter.log_in("enterprise_b")
    assert page.url.endswith("/reports/")
    reporter.look("reports")
    home = page.url

    november = Report.objects.get(organisation__name="长葛市石象镇学杰农业合作社", period__month=date(2020, 11, 1))
    page.click(f"a[href$='/reports/{november.pk}/edit/']")
    reporter.look("report-edit")
    fill_empty_figures(page)
    page.click("button[name=action][value=save]")
    reporter.look("report-draft-saved")
    submit_report_form(page)
    reporter.look("report-submitted")
    november.refresh_from_db()
    assert november.status == ReportStatus.SUBMITTED

    page.goto(home)
    october = Report.objects.get(organisation=november.organisation, period__month=date(2020, 10, 1))
    page.click(f"a[href$='/reports/{october.pk}/edit/']")
    reporter.look("report-returned")
    page.fill("input[name=wages_paid]", "8300")
    submit_report_form(page)
    reporter.look("report-resubmitted")
    october.refresh_from_db()
    assert october.status == ReportStatus.SUBMITTED

    page.goto(reporter.base + "/reports/notifications/")
    reporter.look("notifications")
    reporter.finish()


def test_an_agency_reporter_applies_to_a_call(journey):
    agency = journey("agency")
    page = agency.log_in("agency_b")
    agency.look("start")
    page.goto(agency.base + "/calls/")
    agency.look("calls")
    page.locator("main a[href^='/calls/']").first.click()
    agency.look("call")

    page.goto(agency.base + "/applications/")
    agency.look("applications")
    application = Application.objects.get(organisation__name="示例申报直播机构B")
    page.click(f"a[href$='/applications/{application.pk}/']")
    agency.look("application")
    if "/edit/" not in page.url:
        page.click(f"a[href$='/applications/{application.pk}/edit/']")
    agency.look("application-edit")
    page.fill("textarea[name=statement]", "本机构2020年签约主播30名，开展直播带货200场。")
    fill_empty_figures(page, "300")
    for upload in page.locator("input[type=file]").all():
        upload.set_input_files(files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": DEMO_PDF}])
    page.click("button[name=action][value=submit]")
    agency.look("application-submitted")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    agency.finish()
