"""What every page must be, whoever opens it: the checks a person notices without being told.

``open_page`` gives a Playwright page that records what went wrong while it was open;
``inspect(page, width=...)`` then looks at the page as it stands and raises
``PageProblems`` (an ``AssertionError``) naming the page's URL and each offending thing:

- a console error or an uncaught exception; a response of 400 or more or a failed request
  to the site itself; any request to another host (refused, as a government intranet would);
- a chart (``.chart``, or any element holding an ECharts instance) that drew nothing;
- on a Chinese page, a word in Latin script, in the visible text or in what a screen reader
  says (table captions, visually hidden text, ``aria-label``, ``title``, ``placeholder``,
  ``alt``, button values), beyond the short ``ALLOWED_WORDS`` below;
- at phone width (375 px or less), a page wider than the screen;
- a number broken across two lines.

Problems recorded by the page's listeners (console, requests) are reported by the next
``inspect`` and then forgotten, so each is reported once, against the page it happened on.
With ``SCREENS=1`` in the environment, ``inspect`` also saves a full-page screenshot to
``docs/screens/<name>.png`` when given a ``screen`` name (before judging the page, so a
failing page can be looked at); the checks still apply.
"""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from xuchang_ecom.tools.demo import accounts as accounts_demo
from xuchang_ecom.tools.demo import applications as applications_demo

SCREENS_DIR = Path(__file__).resolve().parents[2] / "docs" / "screens"
PHONE_WIDTH = 375

# Latin words a Chinese page may show. Kept short on purpose: each is a name a Chinese
# reader uses as it is.
ALLOWED_WORDS = frozenset(word.casefold() for word in (
    "Taobao",  # the platform's own name in Latin letters, as on its logo (淘宝 is preferred)
    "API", "CSV", "JSON", "xlsx", "Excel",  # data formats and tools Chinese offices name so
    "PDF", "PNG", "JPEG", "MB",  # documents an application accepts, and their size
    "ID",  # as in "ID" for a record's number, common in Chinese software
    "English",  # the language switch names each language in that language
))
# The demo's own names that are written in Latin letters: the accounts (shown in "log out
# (enterprise_a)") and the demo applicant agencies (示例申报直播机构A).
ALLOWED_NAMES = tuple(sorted(
    {username for username, _role, _region in accounts_demo.ACCOUNTS}
    | {username for username, _name, _region in applications_demo.APPLICANTS}
    | {name for _username, name, _region in applications_demo.APPLICANTS},
    key=len, reverse=True))
# Not words at all: e-mail addresses, URLs, ISO dates and times, and the names of files
# people uploaded (营业执照.pdf).
NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|[^\s/\\]+\.(?:pdf|png|jpe?g|xlsx|csv)\b"
    r"|\bhttps?://\S+"
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)
LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)*")


class PageProblems(AssertionError):
    """A page failed its checks; ``problems`` lists each as "<url> [<width>px] <check>: <what>"."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def open_page(browser, url: str | None = None, *, width: int, height: int | None = None,
              locale: str = "zh-CN", context=None):
    """A page (in a context of its own unless one is given) that records console errors,
    failed requests and every request to another host, which it refuses. The host of ``url``
    is "the site"; the page opens it. Without ``url`` (a page given its HTML with
    ``set_content``) every host counts as the site's."""
    height = height or (812 if width <= PHONE_WIDTH else 900)
    if context is None:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                      accept_downloads=True)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.recorded = []
    page.site_host = urlparse(url).netloc if url else None

    def same_host(request_url: str) -> bool:
        return page.site_host is None or urlparse(request_url).netloc == page.site_host

    def on_console(message):
        if message.type == "error":
            page.recorded.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_response(response):
        if response.status >= 400 and same_host(response.url):
            page.recorded.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def on_request_failed(request):
        # A download ends its navigation with ERR_ABORTED: the file arrived, nothing failed.
        if same_host(request.url) and request.failure != "net::ERR_ABORTED":
            page.recorded.append(f"request failed ({request.failure}): {request.method} {request.url}")

    def guard(route):
        target = urlparse(route.request.url)
        if target.scheme in ("http", "https") and not same_host(route.request.url):
            page.recorded.append(f"request to another host: {route.request.url}")
            return route.abort()
        return route.continue_()

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.recorded.append(f"uncaught exception: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.route("**/*", guard)
    if url:
        page.goto(url)
    return page


# Runs in the page: everything the checks need, in one round trip.
_LOOK = r"""
({phoneWidth, width}) => {
  const result = {lang: document.documentElement.lang || "", charts: [], texts: [], overflow: null, wrapped: []};
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList && el.classList.length) name += "." + [...el.classList].join(".");
    for (const attribute of ["data-chart", "data-target", "name"]) {
      if (el.getAttribute && el.getAttribute(attribute)) name += `[${attribute}=${el.getAttribute(attribute)}]`;
    }
    return name;
  };
  // Where on the page: the heading of the section (or the caption of the table) around it.
  const within = (el) => {
    const table = el.closest("table");
    const caption = table && table.querySelector("caption");
    const section = el.closest("section, article, fieldset, form");
    const heading = section && section.querySelector("h1, h2, h3, legend");
    const label = (caption || heading || {}).textContent;
    return label ? `${describe(el)} under "${label.trim().slice(0, 40)}"` : describe(el);
  };

  // Charts: .chart, or anything holding an ECharts instance.
  const charts = new Set([...document.querySelectorAll(".chart, [_echarts_instance_]")]);
  for (const el of charts) {
    const canvases = el.tagName === "CANVAS" ? [el] : [...el.querySelectorAll("canvas")];
    let drawn = false;
    for (const canvas of canvases) {
      if (!canvas.width || !canvas.height) continue;
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { drawn = true; break; } }
      if (drawn) break;
    }
    if (!drawn) {
      const svg = el.querySelector("svg path, svg rect, svg text");
      drawn = Boolean(svg);
    }
    result.charts.push({name: describe(el), drawn, canvases: canvases.length});
  }

  // What is read: the visible text, element by element, and what a screen reader says.
  // An element shown only to screen readers is clipped to a pixel (.visually-hidden).
  const screenReaderOnly = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.position === "absolute" && (style.clip !== "auto" || style.clipPath !== "none")
          && node.getBoundingClientRect().width <= 1) return true;
    }
    return false;
  };
  result.texts.push(["page title", document.title]);
  const textWalker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = textWalker.nextNode(); node; node = textWalker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !node.data.trim() || parent.closest("script, style, noscript, template, textarea")) continue;
    const option = parent.closest("option");
    if (option && !option.selected) continue;  // a closed list shows its choice only
    const sr = screenReaderOnly(parent);
    if (!sr && !(parent.checkVisibility({visibilityProperty: true}) && parent.getClientRects().length)) continue;
    result.texts.push([`${describe(parent)}${sr ? " (screen reader)" : ""}`, node.data]);
  }
  for (const attribute of ["aria-label", "title", "placeholder", "alt"]) {
    for (const el of document.querySelectorAll(`[${attribute}]`)) {
      if (el.tagName === "HTML") continue;
      result.texts.push([`${describe(el)} ${attribute}`, el.getAttribute(attribute)]);
    }
  }
  for (const el of document.querySelectorAll("input[type=submit], input[type=button], input[type=reset]")) {
    result.texts.push([`${describe(el)} value`, el.value]);
  }

  // Sideways scrolling at phone width, and what sticks out.
  if (width <= phoneWidth && document.documentElement.scrollWidth > window.innerWidth) {
    const culprits = [];
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 1 && box.width > 0) {
        // Only the outermost element that sticks out, not each of its children.
        const parent = el.parentElement;
        if (parent && parent !== document.body
            && parent.getBoundingClientRect().right > window.innerWidth + 1) continue;
        culprits.push(`${within(el)} (right edge at ${Math.round(box.right)} px)`);
      }
    }
    result.overflow = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
                       culprits: culprits.slice(0, 8)};
  }

  // Numbers broken across lines: one Range per number, its boxes on more than one line.
  const number = /\d+(?:[,.]\d+)*(?:\s?[万亿%])?/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, noscript, template")) continue;
    for (const match of node.data.matchAll(number)) {
      if (match[0].length < 2) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set();
      for (const rect of range.getClientRects()) {
        if (rect.width > 0 && rect.height > 0) tops.add(Math.round(rect.top));
      }
      if (tops.size > 1) result.wrapped.push({number: match[0], where: within(parent)});
    }
  }
  return result;
}
"""

_CHARTS_SETTLED = """() => [...document.querySelectorAll('.chart, [_echarts_instance_]')].every(el => {
  const canvas = el.tagName === 'CANVAS' ? el : el.querySelector('canvas');
  if (!canvas || !canvas.width) return false;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false; })"""


def latin_words(text: str) -> list[str]:
    """The Latin-script words of ``text`` that are not allowed on a Chinese page."""
    for name in ALLOWED_NAMES:  # as typed, or upper-cased by CSS (the admin's header)
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    text = NOT_WORDS.sub(" ", text)
    return [word for word in LATIN_WORD.findall(text) if word.casefold() not in ALLOWED_WORDS]


def inspect(page, *, width: int, screen: str | None = None) -> None:
    """Check the page as it stands at ``width`` px; raise ``PageProblems`` listing every
    problem (see the module's docstring). ``screen`` names the screenshot ``SCREENS=1``
    saves (``<role>-<width>-<page>``)."""
    if page.viewport_size["width"] != width:
        page.set_viewport_size({"width": width, "height": page.viewport_size["height"]})
    page.wait_for_load_state("networkidle")
    # Charts draw after the scripts run: give them a moment, then judge what is there (a
    # chart that never draws is reported below).
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(_CHARTS_SETTLED, timeout=2000)
    if screen and os.environ.get("SCREENS"):
        SCREENS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS_DIR / f"{screen}.png"), full_page=True)

    url = page.url
    where = f"{url} [{width}px]"
    problems = [f"{where} {problem}" for problem in dict.fromkeys(page.recorded)]
    page.recorded.clear()
    look = page.evaluate(_LOOK, {"phoneWidth": PHONE_WIDTH, "width": width})

    for chart in look["charts"]:
        if not chart["drawn"]:
            how = "no canvas" if not chart["canvases"] else "its canvas is blank"
            problems.append(f"{where} blank chart: {chart['name']} ({how})")
    if look["lang"].lower().startswith("zh"):
        found: dict[str, tuple[int, dict[str, None]]] = {}  # source -> (texts, words in order)
        for source, text in look["texts"]:
            words = latin_words(text or "")
            if words:
                count, seen = found.get(source, (0, {}))
                found[source] = (count + 1, seen | dict.fromkeys(words))
        for source, (count, words) in found.items():
            times = f" (x{count})" if count > 1 else ""
            problems.append(f"{where} Latin words in {source}{times}: {', '.join(words)}")
    if look["overflow"]:
        overflow = look["overflow"]
        problems.append(f"{where} sideways scrolling: page is {overflow['scrollWidth']} px wide in "
                        f"{overflow['innerWidth']} px; sticking out: {'; '.join(overflow['culprits'])}")
    wrapped: dict[str, list[str]] = {}
    for item in look["wrapped"]:
        wrapped.setdefault(item["where"], []).append(item["number"])
    for element, numbers in wrapped.items():
        examples = ", ".join(repr(number) for number in list(dict.fromkeys(numbers))[:6])
        problems.append(f"{where} {len(numbers)} number(s) broken across lines in {element}: {examples}")
    if problems:
        raise PageProblems(problems)
