"""The admin in a real browser as the bureau's staff read it in Chinese: no English word on
any of its pages (the index, every registry's list, a form with the two-box picker, the
import page and an import's page with a bad row, the export page), counting what only a
screen reader reads; and the export page's "select all" box working under the Content
Security Policy. Screenshots go to tests/artifacts/."""
import io
import os
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from poverty.tests.factories import household
from villages.resources import DesignationResource
from villages.tests.factories import DesignationFactory

from .test_browser_applications import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Names, not words of the interface: file formats, abbreviations, key names in Django's
# hint for picking several options, and the test world's user names.
ALLOWED = {
    "Taobao", "API", "CSV", "csv", "xlsx", "Excel", "ID", "MB", "KB",
    "Control", "Command", "Mac",
    "city", "changge", "yuzhou", "CITY", "CHANGGE",
}
# What the page says to a sighted reader, and what a screen reader reads besides: the
# hidden table headers and captions, labels, hints and the buttons' words. Stored codes
# (a poverty-alleviation model's slug, like a region's 12 digits) are data, not words.
PAGE_TEXT = """() => {
  const parts = [document.body.innerText];
  document.querySelectorAll('.visually-hidden, caption, thead').forEach(e => parts.push(e.textContent));
  document.querySelectorAll('[aria-label], [placeholder], [title], input[type=submit], input[type=button]')
    .forEach(e => {
      for (const name of ['aria-label', 'placeholder', 'title']) parts.push(e.getAttribute(name) || '');
      if (e.matches('input[type=submit], input[type=button]')) parts.push(e.value);
    });
  let text = parts.join('\\n');
  document.querySelectorAll('td.field-code').forEach(e => { text = text.split(e.textContent).join(' '); });
  return text;
}"""


def english_words(page) -> set[str]:
    return set(LATIN_WORD.findall(page.evaluate(PAGE_TEXT))) - ALLOWED


def visit(page, url: str) -> None:
    page.goto(url)  # until "load": the admin's scripts have drawn their widgets by then


def a_file_with_a_bad_row() -> bytes:
    """A designation file in the exported layout whose one row has a bad year and empty cells."""
    with translation.override(settings.LANGUAGE_CODE):
        resource = DesignationResource()
        names, headers = list(resource.get_export_order()), list(resource.get_export_headers())
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    values = {"place": "长葛市/佛耳湖镇/岗李村", "kind": "淘宝村", "year": "二〇二〇",
              "source": "2020中国淘宝村研究报告"}
    sheet.append([values.get(name) for name in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_city_staff_read_no_english_word_anywhere_in_the_admin(browser, live_server, city_user):
    DesignationFactory(online_sales=Decimal("53130"))
    household(city_user)
    base = live_server.url
    page = log_in(browser, base, city_user.username)
    page.set_viewport_size({"width": 1280, "height": 900})
    found: dict[str, set[str]] = {}

    def check(name: str) -> None:
        words = english_words(page)
        if words:
            found[name] = words

    visit(page, f"{base}/admin/")
    check("index")
    lists = page.eval_on_selector_all("#content-main th[scope=row] a", "links => links.map(a => a.href)")
    assert len(lists) > 25
    for url in lists:
        visit(page, url)
        check(url.removeprefix(base))

    visit(page, f"{base}/admin/applications/call/add/")  # the two-box picker of counties
    assert page.locator(".selector-chooseall").count() == 1
    check("an add form with the picker")

    visit(page, f"{base}/admin/villages/designation/export/")
    check("export")

    visit(page, f"{base}/admin/villages/designation/import/")
    check("import")
    page.set_input_files("#id_import_file", files=[{
        "name": "淘宝村认定.xlsx", "buffer": a_file_with_a_bad_row(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.select_option("#id_format", "0")
    page.click("form[enctype] input[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".import-job[data-state=checked]").count() == 1
    assert page.locator("#import-errors tbody tr").count() == 1
    assert page.locator("#content .errornote").count() == 1
    with page.expect_download() as download:
        page.click("#import-errors-download")
    workbook = io.BytesIO(Path(download.value.path()).read_bytes())
    rows = list(openpyxl.load_workbook(workbook).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert None in rows[1] and "None" not in rows[1]  # the file's empty cells stay empty
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-import-job-error.png"), full_page=True)
    check("an import's page with a bad row")

    assert not found, found
    assert not page.errors and not page.foreign


def test_select_all_on_the_export_page_clears_and_ticks_every_column(browser, live_server, city_user):
    page = log_in(browser, live_server.url, city_user.username)
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, f"{live_server.url}/admin/villages/designation/export/")
    columns = page.locator('.selectable-field-export-row input[type=checkbox]:not(#select-all-toggle)')
    assert columns.count() > 5

    page.click("label[for=select-all-toggle]")
    assert not any(columns.nth(i).is_checked() for i in range(columns.count()))
    page.click("#select-all-toggle")
    assert all(columns.nth(i).is_checked() for i in range(columns.count()))
    columns.first.uncheck()
    assert not page.locator("#select-all-toggle").is_checked()

    assert page.locator("#id_format").input_value() == "0"  # Excel, ready to submit
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-export.png"), full_page=True)
    assert not page.errors and not page.foreign  # a blocked handler or style is a console error
