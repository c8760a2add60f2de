"""An application (申报) in a real browser, on a phone: the public call, the applicant's form
with an upload, the county's opinion and the city's ranking. Screenshots of each screen go
to tests/artifacts/ (the closing notes show them)."""
import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.tests.factories import make_user, region
from xuchang_ecom.applications import services
from xuchang_ecom.applications.models import Application, ApplicationStatus, Notice
from xuchang_ecom.applications.tests.factories import PDF, agency_reporter, approved_report, call, months_before
from xuchang_ecom.applications.tests.test_applications import submitted

from .test_browser import log_in as log_in_as
from .test_browser import open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ARTIFACTS = Path(__file__).parent / "artifacts"
# A phone in China: the pages answer in its language.
PHONE = {"width": 375, "height": 812, "locale": "zh-CN"}

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(browser, base: str, username: str):
    return log_in_as(browser, base, username, **PHONE)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"applications-{name}.png"), full_page=True)


def test_an_agency_applies_on_a_phone_and_the_bureau_ranks_it(browser, live_server, city_user, tmp_path):
    base = live_server.url
    a_call = call()
    applicant = agency_reporter(city_user, "agency_browser")
    make_user("county_browser", Role.COUNTY_STAFF, region=region("长葛市"))

    public = open_page(browser, f"{base}/calls/{a_call.pk}/", **PHONE)
    assert "评分标准" in public.content() and no_sideways_scroll(public)
    shot(public, "1-public-call")

    page = log_in(browser, base, applicant.username)
    page.goto(f"{base}/applications/")
    shot(page, "2-applicant-home")
    page.click("form[action*='/start/'] button")  # the call's apply button
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=statement]", "本机构2020年签约主播56名，带动贫困户就业12人。")
    page.fill("input[name='figure:sales']", "1200000")
    page.fill("input[name='figure:sessions_held']", "340")
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)
    page.set_input_files(f"input[name='document:{a_call.documents.get(name='营业执照').pk}']", str(licence))
    shot(page, "3-applicant-form")
    assert no_sideways_scroll(page)
    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    assert "申报已提交" in page.content()
    shot(page, "4-applicant-submitted")
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    assert not page.errors and not page.foreign

    county = log_in(browser, base, "county_browser")
    county.goto(f"{base}/applications/{Application.objects.get().pk}/")
    county.check("input[name=recommended][value=yes]")
    county.fill("form:has(input[value=opinion]) textarea[name=comment]", "材料齐全，同意推荐。")
    county.click("text=提交初审意见")
    county.wait_for_load_state("networkidle")
    assert "初审意见已记录" in county.content()
    shot(county, "5-county-opinion")

    city = log_in(browser, base, city_user.username)
    city.goto(f"{base}/applications/calls/{a_call.pk}/ranking/")
    assert applicant.organisation.name in city.content() and "推荐" in city.content()
    shot(city, "6-city-ranking")


# -- issue 17: what a reporter and the city meet on the way --------------------------------

# Words a Chinese page may show in Latin letters: file formats, and the user names and file
# names people typed themselves.
LATIN_ALLOWED = {"PDF", "PNG", "JPEG", "MB", "pdf"}
BROKEN_NUMBERS = r"""() => { const broken = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) { const node = walker.currentNode;
    for (const match of node.textContent.matchAll(/[0-9][0-9.,:\-]*[0-9]/g)) {
      const range = document.createRange();
      range.setStart(node, match.index); range.setEnd(node, match.index + match[0].length);
      if (new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size > 1) broken.push(match[0]); } }
  return broken; }"""


def latin_words(page, *allowed: str) -> set[str]:
    words = set(re.findall(r"[A-Za-z][A-Za-z_]+", page.inner_text("main")))
    return words - LATIN_ALLOWED - set(allowed)


def looks_right(page, *allowed: str) -> None:
    """No English word, no number broken over two lines, no sideways scrolling, no console error."""
    assert latin_words(page, *allowed) == set()
    assert page.evaluate(BROKEN_NUMBERS) == []
    assert no_sideways_scroll(page)
    assert page.errors == [] and page.foreign == []


def log_in_at(browser, base: str, username: str, width: int):
    page = log_in_as(browser, base, username, width=width, height=800, locale="zh-CN")
    page.errors.clear()  # the landing page is another app's
    return page


def visit(page, url: str):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def test_a_draft_reads_as_a_draft_to_its_agency_and_to_the_city(browser, live_server, city_user):
    base = live_server.url
    a_call = call()
    applicant = agency_reporter(city_user, "agency_draft")
    draft = services.application_start(user=applicant, call=a_call)

    page = visit(log_in(browser, base, applicant.username), f"{base}/applications/")
    card = page.locator("ul.cards li").first.inner_text()
    assert "草稿，尚未提交" in card and "已申报" not in card
    assert page.locator("table.data .status").inner_text() == "草稿"
    shot(page, "7-draft-home")
    page.click("text=继续填写申报")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/applications/{draft.pk}/edit/")
    looks_right(page, applicant.username)

    for width in (1366, 375):
        city = log_in_at(browser, base, city_user.username, width)
        row = visit(city, f"{base}/applications/").locator("table.data tbody tr").first.inner_text()
        assert "草稿" in row and "已申报" not in row and "已提交" not in row
        looks_right(city, applicant.username)  # the factory names the agency after it
        visit(city, f"{base}/applications/{draft.pk}/")
        assert city.locator("h1 + p .status").inner_text() == "草稿"
        looks_right(city, applicant.username)


def test_the_figures_start_from_the_sums_of_the_approved_reports(browser, live_server, city_user):
    base = live_server.url
    a_call = call()
    applicant = agency_reporter(city_user, "agency_reports")
    # The draft was started before the bureau approved the reports: the boxes show them now.
    draft = services.application_start(user=applicant, call=a_call)
    last, before_last = months_before(a_call.opens_on, 2)
    approved_report(applicant, last, sales=Decimal("1200000"), sessions_held=30)
    approved_report(applicant, before_last, sales=Decimal("800000.50"), sessions_held=12)

    page = visit(log_in(browser, base, applicant.username), f"{base}/applications/{draft.pk}/edit/")
    assert page.input_value("input[name='figure:sales']") == "2000000.50"
    assert page.input_value("input[name='figure:sessions_held']") == "42"
    assert "已审核通过的月报合计预填" in page.locator("p.field:has(input[name='figure:sales'])").inner_text()
    shot(page, "8-prefilled-form")
    looks_right(page, applicant.username)


def test_the_city_cannot_publish_the_notice_before_the_call_closes(browser, live_server, city_user):
    base = live_server.url
    a_call = call()
    applicant = agency_reporter(city_user, "agency_noticed")
    application = submitted(applicant, a_call)
    services.application_decide(user=city_user, application=application, version=application.version,
                                approve=True)

    for width in (1366, 375):
        page = visit(log_in_at(browser, base, city_user.username, width),
                     f"{base}/applications/calls/{a_call.pk}/ranking/")
        assert "截止后才能发布公示" in page.locator("#notice-refusal").inner_text()
        assert page.locator("button:has-text('将通过名单发布公示')").is_disabled()
        looks_right(page, applicant.username)
    shot(page, "9-notice-refused")

    # A hand-made form posted anyway is refused, with the reason on the page.
    page.evaluate("""url => { const form = document.createElement('form');
        form.method = 'post'; form.action = url;
        form.appendChild(document.querySelector('[name=csrfmiddlewaretoken]').cloneNode());
        document.body.appendChild(form); form.submit(); }""", f"/applications/calls/{a_call.pk}/notice/")
    page.wait_for_load_state("networkidle")
    assert "截止后才能发布公示" in page.locator(".messages").inner_text()
    assert not Notice.objects.exists()

    # Once the call has closed and everything is decided, the button works.
    a_call.closes_on = timezone.localdate() - timedelta(days=1)
    a_call.save()
    visit(page, f"{base}/applications/calls/{a_call.pk}/ranking/")
    page.click("button:has-text('将通过名单发布公示')")
    page.wait_for_load_state("networkidle")
    assert Notice.objects.get(call=a_call).entries[0]["name"] == applicant.organisation.name
    looks_right(page, applicant.username)
