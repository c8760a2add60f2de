"""An application (申报) in a real browser, on a phone: the public call, the applicant's form
with an upload, the county's opinion and the city's ranking. Screenshots of each screen go
to tests/artifacts/ (the closing notes show them)."""
import os
from pathlib import Path

import pytest

from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.tests.factories import DEFAULT_PASSWORD, make_user, region
from xuchang_ecom.applications.models import Application, ApplicationStatus
from xuchang_ecom.applications.tests.factories import PDF, agency_reporter, call

from .test_browser import open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ARTIFACTS = Path(__file__).parent / "artifacts"
# A phone in China: the pages answer in its language.
PHONE = {"width": 375, "height": 812, "locale": "zh-CN"}

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(browser, base: str, username: str):
    page = open_page(browser, f"{base}/accounts/login/", **PHONE)
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


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
