"""The monthly reports in a real browser: a reporter's double click on submit, the
reporter's home on a phone, and a county officer's queue, review form and completeness page
at desktop and phone widths. Screenshots go to tests/artifacts/."""
import os
import time
from datetime import date
from pathlib import Path
from unittest import mock

import pytest

from xuchang_ecom.reporting import services
from xuchang_ecom.reporting.models import Report, ReportEvent, ReportStatus
from xuchang_ecom.reporting.tests.factories import POVERTY_FIGURES, enterprise_reporter, period

from .test_browser import log_in as log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 375, "height": 812, "locale": "zh-CN"}
DESKTOP = {"width": 1366, "height": 900, "locale": "zh-CN"}
MAY = date(2021, 5, 1)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(browser, base: str, username: str, screen=PHONE):
    return log_in_as(browser, base, username, **screen)


def go(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reporting-{name}.png"), full_page=True)


def submitted(reporter, month=MAY) -> Report:
    report = services.report_start(user=reporter, period=period(month))
    return services.report_submit(user=reporter, report=report, data=POVERTY_FIGURES, version=report.version)


def test_a_double_click_on_submit_sends_the_report_once_and_shows_it_submitted(browser, live_server, city_user):
    reporter = enterprise_reporter(city_user, "reporter_browser")
    draft = services.report_start(user=reporter, period=period(MAY))
    services.report_save_draft(user=reporter, report=draft, data=POVERTY_FIGURES, version=draft.version)
    page = log_in(browser, live_server.url, reporter.username)
    go(page, f"{live_server.url}/reports/{draft.pk}/edit/")
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    # A person's double click: the second click lands while the first is still posting (the
    # server made slow enough for that here).
    real_submit = services.report_submit

    def slow_submit(**kwargs):
        time.sleep(0.5)
        return real_submit(**kwargs)

    page.locator("button[value=submit]").scroll_into_view_if_needed()
    button = page.locator("button[value=submit]").bounding_box()
    x, y = button["x"] + button["width"] / 2, button["y"] + button["height"] / 2
    with mock.patch.object(services, "report_submit", slow_submit):
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
        page.mouse.click(x, y)
        page.wait_for_load_state("networkidle")
    page.wait_for_selector(".messages")
    assert len(posts) == 1
    assert "报表已提交" in page.inner_text(".messages")
    assert "已有变化" not in page.content()
    assert ReportEvent.objects.filter(report=draft, action=ReportEvent.Action.SUBMITTED).count() == 1
    assert not page.errors and not page.foreign
    shot(page, "1-submitted-phone")

    go(page, f"{live_server.url}/reports/")
    listing = page.locator("[data-period='2021-05']")
    assert listing.count() == 1 and "已提交，审核中" in listing.inner_text()
    assert no_sideways_scroll(page)
    shot(page, "2-reporter-home-phone")


def test_a_county_officer_reviews_approves_in_bulk_and_reminds_the_late(browser, live_server, city_user,
                                                                        changge_user):
    base = live_server.url
    first = submitted(enterprise_reporter(city_user, "reporter_one"))
    second = submitted(enterprise_reporter(city_user, "reporter_two"))
    enterprise_reporter(city_user, "reporter_late")
    page = log_in(browser, base, changge_user.username, DESKTOP)
    for screen, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size({"width": screen["width"], "height": screen["height"]})
        go(page, f"{base}/reports/review/{first.pk}/")
        box = page.locator("#id_field_sales")
        row = page.locator("p.return-item:has(#id_field_sales)")
        assert box.bounding_box()["width"] >= (0.5 if name == "desktop" else 0.9) * row.bounding_box()["width"]
        assert "需要修改的内容（无误请留空）" in box.get_attribute("placeholder")
        assert no_sideways_scroll(page)
        shot(page, f"3-review-{name}")

    page.set_viewport_size({"width": DESKTOP["width"], "height": DESKTOP["height"]})
    go(page, f"{base}/reports/review/")
    shot(page, "4-queue-desktop")
    page.check(f"#select-{first.pk}")
    page.check(f"#select-{second.pk}")
    page.click("text=批量通过")
    page.wait_for_load_state("networkidle")
    assert "已通过 2 份报表" in page.inner_text(".messages")
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}

    with mock.patch("django.utils.timezone.localdate", return_value=date(2021, 5, 12)):
        go(page, f"{base}/reports/periods/{first.period_id}/completeness/")
        page.click("text=一键催报")
        page.wait_for_load_state("networkidle")
    assert "已向 1 家单位发送催报" in page.inner_text(".messages")
    assert "已提交报表数" in page.inner_text("table.completeness thead")
    assert not page.errors and not page.foreign
    shot(page, "5-completeness-desktop")
