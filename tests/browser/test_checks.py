"""The page checker on small pages made for it: each check fires on the fault it is for,
names the page and the offending thing, and a sound Chinese page passes them all."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .checks import PageProblems, inspect, latin_words, open_page

pytestmark = pytest.mark.browser

SOUND = """<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>许昌市电子商务项目平台</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<h1>直播电商发展行动方案</h1>
<p>孵化网红品牌 <strong>38</strong> 个，网络销售额 1.5万 元，共 8,000,089 元。截至 2020-10-31。</p>
<p>下载 CSV 或 xlsx 文件；退出 (city_admin)；示例申报直播机构A；联系 office@example.org，网址 https://example.org/a。</p>
<select><option selected>简体中文</option><option>English</option></select>
<table><caption>按县（市、区）</caption><tr><th>长葛市</th><td>56</td></tr></table>
<canvas class="chart" id="drawn" width="40" height="20"></canvas>
<script>document.getElementById("drawn").getContext("2d").fillRect(0, 0, 10, 10);</script>
</body></html>"""


def page_with(browser, body: str, *, width: int = 1366, lang: str = "zh-hans"):
    page = open_page(browser, width=width)
    page.set_content(f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
                     f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>页面</title></head>'
                     f'<body>{body}</body></html>')
    return page


def problems_of(page, width: int = 1366) -> list[str]:
    with pytest.raises(PageProblems) as raised:
        inspect(page, width=width)
    return raised.value.problems


def test_a_sound_chinese_page_passes_every_check_at_both_widths(browser):
    for width in (1366, 375):
        page = open_page(browser, width=width)
        page.set_content(SOUND)
        inspect(page, width=width)


def test_a_console_error_and_an_uncaught_exception_are_reported_with_the_page(browser):
    page = page_with(browser, '<script>console.error("图表数据缺失");</script>'
                              '<script>null.map(x => x);</script>')
    problems = problems_of(page)
    assert any("console error: 图表数据缺失" in problem for problem in problems)
    assert any("uncaught exception" in problem and "map" in problem for problem in problems)
    assert all(problem.startswith("about:blank [1366px]") for problem in problems)


def test_a_chart_that_drew_nothing_is_reported_and_one_that_drew_passes(browser):
    page = page_with(browser, """
        <div class="chart" id="empty"></div>
        <canvas class="chart" id="blank" width="30" height="30"></canvas>
        <div id="echarts-holder" _echarts_instance_="ec_1"><canvas width="30" height="30"></canvas></div>
        <canvas class="chart" id="drawn" width="30" height="30"></canvas>
        <script>document.getElementById("drawn").getContext("2d").fillRect(0, 0, 5, 5);</script>""")
    problems = problems_of(page)
    assert any("blank chart: div#empty.chart (no canvas)" in problem for problem in problems)
    assert any("blank chart: canvas#blank.chart (its canvas is blank)" in problem for problem in problems)
    assert any("blank chart: div#echarts-holder" in problem for problem in problems)
    assert not any("#drawn" in problem for problem in problems)


def test_latin_words_are_found_in_the_text_and_in_what_a_screen_reader_says(browser):
    page = page_with(browser, """
        <p>直播场次 <span class="sessions">Sessions</span></p>
        <table><caption style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">
          By county</caption><tr><td>1</td></tr></table>
        <a href="/" aria-label="Home">首页</a><input placeholder="Search"><img alt="True" src="data:,">
        <abbr title="Percent achieved">%</abbr><input type="submit" value="Go">
        <p hidden>Never shown</p>""")
    problems = "\n".join(problems_of(page))
    assert "Latin words in span.sessions: Sessions" in problems
    assert "Latin words in caption (screen reader): By, county" in problems
    assert "a aria-label: Home" in problems and "input placeholder: Search" in problems
    assert "img alt: True" in problems and "abbr title: Percent, achieved" in problems
    assert "input value: Go" in problems
    assert "Never" not in problems


def test_an_english_page_may_be_in_english(browser):
    inspect(page_with(browser, "<p>Influencer brands incubated: 38</p>", lang="en"), width=1366)


def test_the_allow_list_lets_names_formats_addresses_and_dates_through():
    assert latin_words("下载 CSV、.xlsx 或 JSON；Taobao 淘宝村；ID 3；API 文档") == []
    assert latin_words("退出 (CITY_ADMIN)；示例申报直播机构B；营业执照.pdf；10 MB 以内的 PDF、PNG 或 JPEG") == []
    assert latin_words("a@b.cn https://example.org/x?y=z 2020-10-31 2020-10-31T08:00:00+08:00") == []
    assert latin_words("Model name 与 Add link") == ["Model", "name", "Add", "link"]


def test_a_page_wider_than_a_phone_is_reported_with_what_sticks_out(browser):
    body = '<div class="wide" style="width:600px">表格</div>'
    problems = "\n".join(problems_of(page_with(browser, body, width=375), width=375))
    assert "[375px] sideways scrolling: page is 608 px wide in 375 px; sticking out: div.wide" in problems
    inspect(page_with(browser, body, width=1366), width=1366)  # no phone: no finding


def test_a_number_broken_across_lines_is_reported(browser):
    page = page_with(browser, '<table><tr><td style="width:1ch;word-break:break-all">8,000,089</td>'
                              '<td style="width:1ch">1.5万</td><td>56</td></tr></table>')
    problems = problems_of(page)
    assert len(problems) == 1
    assert "2 number(s) broken across lines in td: '8,000,089', '1.5万'" in problems[0]


class Site(BaseHTTPRequestHandler):
    """A page with a missing image and a script from another host."""

    def do_GET(self):
        if self.path == "/":
            port = self.server.server_address[1]
            body = (f'<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>页面</title></head>'
                    f'<body><p>页面</p><img src="/missing.png" alt="图片">'
                    f'<script src="http://localhost:{port}/elsewhere.js"></script></body></html>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        else:
            body = b"not here"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_missing_file_and_a_request_to_another_host_are_reported(browser, site):
    page = open_page(browser, site + "/", width=1366)
    problems = "\n".join(problems_of(page))
    assert f"{site}/ [1366px] HTTP 404: GET {site}/missing.png" in problems
    assert "request to another host: http://localhost:" in problems
    # Reported once: the next look at the same page finds nothing new.
    inspect(page, width=1366)
