"""The public dashboard in a real browser: charts drawn, nothing from another host, phone
width without sideways scrolling, the language switch, tables matching the API."""
import os
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.cache import cache

from livestream import services as livestream
from programs import services
from programs.tests.factories import plan
from villages.tests.factories import DesignationFactory
from xuchang_ecom.accounts.tests.factories import DEFAULT_PASSWORD, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ARTIFACTS = Path(__file__).parent / "artifacts"

# Playwright runs its own event loop in this thread; Django's live server is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def dashboard(live_server, city_user):
    cache.clear()
    DesignationFactory(year=2020)
    for n in range(3):
        livestream.brand_create(user=city_user, name=f"示例品牌{n}", region=region("长葛市"),
                                incubated_on=date(2021, 3 + n, 1))
    plan(indicators=("poverty.enterprises",))
    services.rollup_backfill(start=date(2020, 6, 1), end=date(2021, 12, 31))
    return live_server.url


def open_page(browser, url, *, width=1280, height=900, locale="en-US"):
    """A page that records console errors and refuses every request to another host."""
    page = browser.new_page(viewport={"width": width, "height": height}, locale=locale)
    page.errors, page.foreign = [], []
    host = urlparse(url).netloc
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def guard(route):
        if urlparse(route.request.url).netloc != host:
            page.foreign.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/*", guard)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def log_in(browser, base: str, username: str, *, next_url: str = "", **viewport):
    """A page of ``open_page`` logged in as ``username`` (the test password) through the
    log-in page, on the page the log-in leads to."""
    page = open_page(browser, f"{base}/accounts/login/" + (f"?next={next_url}" if next_url else ""), **viewport)
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    return page


def test_the_charts_draw_with_no_error_and_nothing_from_another_host(browser, dashboard):
    page = open_page(browser, dashboard + "/")
    canvases = page.locator(".chart canvas")
    assert canvases.count() >= 5  # four targets, villages, livestream
    drawn = page.evaluate("""() => [...document.querySelectorAll('.chart canvas')].every(c => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
        return false; })""")
    assert drawn
    assert page.errors == [] and page.foreign == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "dashboard-desktop.png", full_page=True)


def test_on_a_phone_nothing_scrolls_sideways_and_the_status_is_in_view(browser, dashboard):
    page = open_page(browser, dashboard + "/", width=375, height=740)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    status = page.locator(".summary").bounding_box()
    assert status is not None and status["y"] + status["height"] <= 740
    assert "落后" in page.locator(".summary").inner_text()
    page.screenshot(path=ARTIFACTS / "dashboard-phone.png", full_page=True)


def test_the_language_switch_goes_to_english_and_back(browser, dashboard):
    page = open_page(browser, dashboard + "/")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Influencer brands incubated" in page.content()
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "zh-hans"


def test_the_history_table_holds_the_same_numbers_as_the_api(browser, dashboard):
    page = open_page(browser, dashboard + "/")
    api = page.request.get(dashboard + "/api/v1/progress/").json()
    brands = next(row for row in api if row["key"] == "livestream.brands_incubated")
    card = page.locator("article", has_text="孵化网红品牌")
    card.locator("summary").click()
    last = card.locator("tbody tr").last.locator("td")
    assert last.nth(0).inner_text() == brands["as_of"]
    assert last.nth(1).inner_text() == str(int(float(brands["actual"])))
