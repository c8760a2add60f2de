"""The public dashboard as a visitor sees it at desktop and phone widths: figures on one line,
tables that add up, labelled cards, legends clear of the axes, English units, the map, the
downloads. Built on ``open_page`` of test_browser.py."""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from livestream import services as livestream
from livestream.tests.factories import PlatformFactory, SessionFactory
from programs import services
from programs.tests.factories import plan
from villages.models import Honour
from villages.tests.factories import DesignationFactory, SourceReportFactory
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.regions.models import Level, Region

from .test_browser import ARTIFACTS, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (375, 1366)
INDICATORS = ("villages.taobao_villages", "villages.taobao_towns", "poverty.enterprises", "poverty.bases",
              "poverty.households_benefiting", "poverty.people_employed", "poverty.disabled_people_employed",
              "poverty.land_leased_mu", "livestream.sessions_held", "livestream.session_sales")
DOWNLOADS = ("villages-by-year", "villages-by-county", "honours", "livestream-by-month", "livestream-by-platform",
             "livestream-by-kind", "counties")


@pytest.fixture
def dashboard(live_server, city_user):
    """The whole dashboard with as many columns as the demo, a sale in the millions and a
    brand held at city level (so the divisions alone do not add up to the city)."""
    cache.clear()
    DesignationFactory(year=2019)
    DesignationFactory(year=2020)
    Honour.objects.create(place=region("长葛市"), year=2020, title="2020年淘宝村百强县", source=SourceReportFactory())
    city = Region.objects.get(level=Level.CITY)
    for n, place in enumerate((region("长葛市"), region("禹州市"), region("禹州市"), city)):
        livestream.brand_create(user=city_user, name=f"示例品牌{n}", region=place, incubated_on=date(2021, 3 + n, 1))
    douyin = PlatformFactory(name="抖音")
    SessionFactory(platform=douyin, sales=Decimal("8000089.00"))
    SessionFactory(platform=douyin, sales=Decimal("56.00"), region=region("禹州市"))
    plan(indicators=INDICATORS)
    # A few month ends are enough for the charts; every day since 2020 would take seconds.
    services.rollup_backfill(start=date(2021, 9, 1), end=date(2021, 12, 31))
    services.rollup_run(as_of=date(2021, 12, 31))
    return live_server.url


# Each numeric cell's text, as the lines it is laid out on (Range.getClientRects gives one
# box per line fragment).
NUMERIC_CELLS_LINES = """() => [...document.querySelectorAll('table.data td, .county-tile dd')]
    .filter(cell => cell.offsetParent !== null
                    && (cell.tagName === 'DD' || /^[\\d,.\\-—%万亿 ]+$/.test(cell.textContent.trim())))
    .map(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        return [cell.textContent.trim(), tops.size];
    })"""


def test_a_figure_never_breaks_over_lines_and_the_page_never_scrolls_sideways(browser, dashboard):
    for width, language in ((375, "zh-hans"), (1366, "zh-hans"), (1366, "en")):
        page = open_page(browser, dashboard + f"/?lang={language}", width=width, height=800)
        cells = page.evaluate(NUMERIC_CELLS_LINES)
        assert len(cells) > 50
        assert [text for text, lines in cells if lines != 1] == [], (width, language)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"dashboard-figures-{width}-{language}.png", full_page=True)


def test_the_county_table_adds_up_to_the_city_with_a_city_level_row_on_the_page_and_in_the_open_data(
        browser, dashboard):
    page = open_page(browser, dashboard + "/")
    rows = page.evaluate("""() => [...document.querySelectorAll('#county-table tbody tr')].map(tr => [
        tr.dataset.kind, tr.querySelector('th').textContent.trim(),
        [...tr.querySelectorAll('td')].map(td => td.dataset.value === '' ? null : Number(td.dataset.value))])""")
    kinds = [kind for kind, _name, _values in rows]
    assert kinds[-2:] == ["city_level", "total"] and set(kinds[:-2]) == {"county"}
    assert [name for _kind, name, _values in rows[-2:]] == ["市本级", "合计"]
    total = rows[-1][2]
    for column, value in enumerate(total):
        assert sum(values[column] or 0 for _kind, _name, values in rows[:-1]) == value
    brands = page.locator("#county-table thead th").all_inner_texts().index("孵化网红品牌（个）") - 1
    assert rows[-2][2][brands] == 1 and total[brands] == 4  # one brand held by the city itself

    api = page.request.get(dashboard + "/api/v1/dashboard/counties/").json()
    assert [row["kind"] for row in api] == kinds
    assert [row["county"] for row in api[-2:]] == ["市本级", "合计"]
    for key in api[0]:
        if key in ("county", "kind"):
            continue
        assert sum(float(row[key] or 0) for row in api[:-1]) == float(api[-1][key]), key


def test_each_figure_on_a_county_card_says_what_it_counts(browser, dashboard):
    page = open_page(browser, dashboard + "/", width=375)
    card = page.locator(".county-tile", has_text="禹州市")
    labels = card.locator("dt").all_inner_texts()
    assert labels == ["已认定直播电商产业集聚区", "扶持示范带动直播机构", "孵化网红品牌", "培育带货达人"]
    assert card.locator("dd").nth(2).inner_text() == "2 个"


# Every text the chart drew, in page coordinates, and whether it belongs to the legend.
CHART_TEXTS = """el => {
    const chart = echarts.getInstanceByDom(el);
    const legend = chart.getModel().getComponent('legend');
    const legendGroup = legend ? chart.getViewOfComponentModel(legend).group : null;
    const inLegend = node => {
        for (; node; node = node.parent) { if (node === legendGroup) return true; }
        return false;
    };
    const drawn = chart.getZr().storage.getDisplayList();
    return drawn.filter(d => (d.type === 'tspan' || d.type === 'text') && `${d.style.text ?? ''}` !== '').map(d => {
        const r = d.getBoundingRect().clone();
        r.applyTransform(d.getComputedTransform());
        return { text: String(d.style.text), legend: inLegend(d), x: r.x, y: r.y, w: r.width, h: r.height };
    });
}"""


def test_no_chart_legend_covers_an_axis_label(browser, dashboard):
    for width in WIDTHS:
        page = open_page(browser, dashboard + "/", width=width)
        for name in ("villages", "livestream"):
            texts = page.locator(f"[data-chart={name}]").evaluate(CHART_TEXTS)
            legend = [t for t in texts if t["legend"]]
            others = [t for t in texts if not t["legend"]]
            assert legend and others, name
            overlaps = [(a["text"], b["text"]) for a in legend for b in others
                        if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                        and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]
            assert overlaps == [], (width, name)


def test_livestream_sales_are_in_ten_thousand_yuan_in_the_tables_and_on_the_chart(browser, dashboard):
    page = open_page(browser, dashboard + "/")
    section = page.locator("section[aria-labelledby=live-title]")
    headers = section.locator("thead th").all_inner_texts()
    assert headers.count("销售额（万元）") == 3 and not any("（元）" in h for h in headers)
    by_platform = section.locator("table", has_text="按平台").locator("tbody tr", has_text="抖音")
    assert by_platform.locator("td").last.inner_text() == "800.01"
    axis_names = [t["text"] for t in section.locator("[data-chart=livestream]").evaluate(CHART_TEXTS)]
    assert "万元" in axis_names
    assert "直播销售额（万元）" in page.locator("#county-table thead").inner_text()


def test_in_english_units_and_headers_are_english_and_headers_break_between_words(browser, dashboard):
    page = open_page(browser, dashboard + "/?lang=en", width=375)
    assert page.evaluate("document.documentElement.lang") == "en"
    cards = " ".join(page.locator(".target-card .figure").all_inner_texts())
    assert "people" in cards and not re.search("[个家人]", cards)
    tiles = " ".join(page.locator(".county-tile dd").all_inner_texts())
    assert not re.search("[个家人]", tiles)
    indicators = page.locator("ul.indicators").inner_text()
    assert not re.search("[个家人亩元]", indicators)
    # Every word of every header is laid out on one line.
    broken = page.evaluate("""() => [...document.querySelectorAll('table.data th')].flatMap(th => {
        const node = [...th.childNodes].find(n => n.nodeType === Node.TEXT_NODE);
        if (!node) return [];
        const words = [];
        for (const match of node.textContent.matchAll(/[^\\s-]+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
            if (tops.size > 1) words.push(match[0]);
        }
        return words; })""")
    assert broken == []


def test_the_map_draws_the_county_level_divisions_and_follows_the_chosen_figure(browser, dashboard):
    for width in WIDTHS:
        page = open_page(browser, dashboard + "/", width=width)
        assert page.errors == [] and page.foreign == []
        the_map = page.locator("[data-chart=map]")
        texts = [t["text"] for t in the_map.evaluate(CHART_TEXTS)]
        assert {"建安区", "魏都区", "禹州市", "长葛市", "鄢陵县", "襄城县"} <= set(texts)
        assert "许昌县" not in texts
        box = the_map.bounding_box()
        assert box["width"] <= width and box["height"] > 200
        # 东城区, a functional area, has no boundary: the page says so rather than drop it silently.
        assert page.locator(".map-note").inner_text() == "无单独边界、未在地图上显示：东城区"

    def values():
        return {d["name"]: d["value"] for d in the_map.evaluate(
            "el => echarts.getInstanceByDom(el).getOption().series[0].data")}

    assert values()["禹州市"] == 0  # recognised clusters, the first figure
    page.select_option("#map-figure", label="孵化网红品牌")
    assert values()["禹州市"] == 2 and values()["长葛市"] == 1


def test_each_table_offers_excel_and_csv_downloads_and_the_csv_downloads(browser, dashboard):
    page = open_page(browser, dashboard + "/", locale="zh-CN")
    for name in DOWNLOADS:
        url = f"/api/v1/dashboard/{name}/"
        assert page.locator(f"a[href='{url}?format=xlsx']").inner_text() == "下载 Excel", name
        assert page.locator(f"a[href='{url}?format=csv']").inner_text() == "下载 CSV", name
    link = page.locator("a[href='/api/v1/dashboard/counties/?format=csv']")
    with page.expect_download() as download:
        link.click()
    rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("县（市、区）,") and rows[0].endswith(",行类别")
    assert [row.rsplit(",", 1)[1] for row in rows[-2:]] == ["city_level", "total"]


def test_the_chinese_dashboard_shows_no_latin_word_but_names(browser, dashboard):
    page = open_page(browser, dashboard + "/", locale="zh-CN")
    text = page.evaluate("document.body.innerText")
    words = set(re.findall(r"[A-Za-z]{2,}", text))
    # The language switch names English in English; the rest are names.
    assert words <= {"English", "Taobao", "API", "CSV", "Excel"}
