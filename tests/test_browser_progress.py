"""The staff progress page (/programs/) in a real browser, as city and county staff see it
first thing in the morning: the history charts drawn, their legends clear of the axes on a
desktop and on a phone, every link one may follow. Screenshots go to tests/artifacts/."""
import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from livestream import services as livestream
from programs import services
from programs.tests.factories import plan
from xuchang_ecom.accounts.tests.factories import region

from .test_browser import log_in as log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1366, "height": 900, "locale": "zh-CN"}
PHONE = {"width": 375, "height": 740, "locale": "zh-CN"}
NARROW_PHONE = {"width": 320, "height": 640, "locale": "zh-CN"}  # the narrowest phones in use

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Every history chart's canvas has at least one pixel drawn.
CHARTS_DRAWN = """() => [...document.querySelectorAll('.chart[data-target]')].map(el => {
    const canvas = el.querySelector('canvas');
    if (!canvas) return false;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
    return false; })"""

# Each chart's legend, axes (labels, lines) and the chart's own size, in the chart's pixels,
# as ECharts laid them out.
CHART_LAYOUT = """() => [...document.querySelectorAll('.chart[data-target]')].map(el => {
    const chart = echarts.getInstanceByDom(el);
    const model = chart.getModel();
    const box = (type) => {
        const component = model.getComponent(type);
        if (!component) return null;
        const group = chart.getViewOfComponentModel(component).group;
        const rect = group.getBoundingRect().clone();
        group.updateTransform();
        if (group.transform) rect.applyTransform(group.transform);
        return {x: rect.x, y: rect.y, width: rect.width, height: rect.height};
    };
    return {legend: box('legend'), xAxis: box('xAxis'), yAxis: box('yAxis'),
            width: el.clientWidth, height: el.clientHeight};
})"""


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.fixture
def program(city_user):
    for n, day in enumerate([date(2021, 4, 10), date(2021, 5, 3), date(2021, 9, 20)]):
        livestream.brand_create(user=city_user, name=f"示例品牌{n}", region=region("长葛市"), incubated_on=day)
    livestream.brand_create(user=city_user, name="示例品牌禹州", region=region("禹州市"), incubated_on=date(2021, 6, 1))
    program = plan()
    services.rollup_backfill(start=date(2020, 6, 1), end=date(2021, 12, 31))
    return program


def log_in(browser, base: str, username: str, **viewport):
    return log_in_as(browser, base, username, next_url="/programs/", **viewport)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"progress-{name}.png"), full_page=True)


def test_city_staff_see_every_history_chart_drawn_without_a_script_error(browser, live_server, city_user, program):
    page = log_in(browser, live_server.url, city_user.username, **DESKTOP)
    assert page.url.endswith(reverse("programs:progress", args=[program.pk]))
    assert page.locator(".chart[data-target]").count() == 4
    assert page.evaluate(CHARTS_DRAWN) == [True] * 4
    assert page.errors == [] and page.foreign == []
    shot(page, "city-desktop")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_chart_legend_lies_over_its_axes_on_a_desktop_or_a_phone(browser, live_server, city_user, program,
                                                                     viewport):
    page = log_in(browser, live_server.url, city_user.username, **viewport)
    layouts = page.evaluate(CHART_LAYOUT)
    assert len(layouts) == 4
    for layout in layouts:
        legend = layout["legend"]
        assert legend is not None  # which line is the value, which the path to the target
        assert not overlap(legend, layout["xAxis"]) and not overlap(legend, layout["yAxis"])
        for part in (legend, layout["xAxis"], layout["yAxis"]):  # nothing cut off at the edges
            assert part["x"] >= 0 and part["y"] >= 0
            assert part["x"] + part["width"] <= layout["width"] + 1
            assert part["y"] + part["height"] <= layout["height"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.errors == []
    shot(page, f"city-{viewport['width']}")


def test_a_county_officer_sees_no_link_he_cannot_follow(browser, live_server, changge_user, program):
    page = log_in(browser, live_server.url, changge_user.username, **PHONE)
    assert page.url.endswith(reverse("programs:progress", args=[program.pk]))
    links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert any("/programs/targets/" in link for link in links)  # his own division's records
    answers = {link: page.request.get(link).status for link in sorted(set(links))}
    assert {link: status for link, status in answers.items() if status != 200} == {}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.errors == []
    shot(page, "county-375")


# The text of every figure and place name in the page's tables, and whether it sits on one line.
NUMBERS_ON_ONE_LINE = """() => [...document.querySelectorAll('main table .num, main table.counties th[scope=row]')]
    .map(cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const boxes = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        boxes.push(...[...range.getClientRects()].filter(r => r.width > 0));
    }
    // One line: the boxes of all its text overlap vertically.
    const top = Math.max(...boxes.map(r => r.top)), bottom = Math.min(...boxes.map(r => r.bottom));
    return [cell.innerText.trim(), top < bottom];
})"""


def test_on_a_phone_the_page_reads_in_chinese_and_no_figure_or_place_wraps_in_its_cell(browser, live_server, city_user,
                                                                               program):
    services.target_split_set(target=program.targets.get(metric_key="livestream.brands_incubated"),
                              parts={region("长葛市"): 30, region("禹州市"): 20})
    services.rollup_backfill(start=date(2021, 12, 31), end=date(2021, 12, 31))
    page = log_in(browser, live_server.url, city_user.username, **NARROW_PHONE)
    for summary in page.locator("main details summary").all():
        summary.click()
    cells = page.evaluate(NUMBERS_ON_ONE_LINE)
    assert len(cells) > 30
    assert [text for text, one_line in cells if not one_line] == []
    # Nothing in English: the words on the page and its labels (the program's own name
    # and the records' are data, in Chinese here).
    text = page.locator("main").inner_text()
    labels = page.evaluate("""() => [...document.querySelectorAll('main [title], main [aria-label]')]
        .map(e => (e.title || '') + ' ' + (e.getAttribute('aria-label') || '')).join(' ')""")
    assert re.findall(r"[A-Za-z]{2,}", text + " " + labels) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW_PHONE["width"]
    shot(page, "city-320-tables")
