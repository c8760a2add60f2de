"""An import as the staff who use it meet it, in a real browser: city and county staff, on a
desktop and on a phone, in Chinese and in English. A file with a bad row and a row repeating
another leads to the import's page, which says what is wrong in the uploader's language
and offers the rows with errors; the upload page
then lists the import. Each page passes the product's page checks (no console error, no
number broken across lines, no sideways scroll, no English word on a Chinese page)."""
import io

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from villages.resources import DesignationResource
from villages.tests.factories import SourceReportFactory
from xuchang_ecom.accounts.tests.factories import DEFAULT_PASSWORD

from .checks import PHONE_WIDTH, inspect, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP_WIDTH = 1366
IMPORT = "/admin/villages/designation/import/"
# How many lines the text of each element a selector matches takes.
LINES_OF = """(selector) => [...document.querySelectorAll(selector)].map((element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
})"""


def a_file_with_a_bad_row() -> bytes:
    """Designations in 长葛市: the second with a year that is no number, the third the
    first again."""
    with translation.override(settings.LANGUAGE_CODE):
        resource = DesignationResource()
        names, headers = list(resource.get_export_order()), list(resource.get_export_headers())
    book = openpyxl.Workbook()
    book.active.append(headers)
    for year in ("2020", "二〇二〇", "2020"):
        values = {"place": "长葛市/佛耳湖镇/岗李村", "kind": "淘宝村", "year": year, "source": "2020中国淘宝村研究报告"}
        book.active.append([values.get(name) for name in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("width", [DESKTOP_WIDTH, PHONE_WIDTH])
@pytest.mark.parametrize("role", ["city", "changge"])
def test_staff_upload_a_file_with_a_bad_row_and_read_its_import_page(
    browser, live_server, city_user, changge_user, role, width, locale,
):
    SourceReportFactory(title="2020中国淘宝村研究报告")
    user = {"city": city_user, "changge": changge_user}[role]
    user.first_name = {"city": "市商务局", "changge": "长葛市商务局"}[role]  # the admin greets them by it
    user.save(update_fields=["first_name"])
    page = open_page(browser, live_server.url + "/accounts/login/", width=width, locale=locale)
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.recorded.clear()  # the landing page is checked by the journeys

    screen = f"import-{role}-{width}-{locale[:2]}"  # docs/screens/, with SCREENS=1
    page.goto(live_server.url + IMPORT)
    inspect(page, width=width, screen=f"{screen}-upload")
    page.set_input_files("#id_import_file", files=[{
        "name": "淘宝村认定.xlsx", "buffer": a_file_with_a_bad_row(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("form[enctype] input[type=submit]")
    page.wait_for_load_state("networkidle")

    assert page.locator(".import-job[data-state=checked]").count() == 1
    rows = page.locator("#import-errors tbody tr")
    assert rows.count() == 2
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(2)] == ["3", "4"]
    repeated = rows.nth(1).inner_text()
    assert ("appears only once in a file" if locale == "en-US" else "只能出现一次") in repeated, repeated
    # The job's state and the columns' names keep to one line (年份, not 年 over 份).
    assert page.evaluate(LINES_OF, "#import-state, #import-errors td.column-name") == [1, 1, 1]
    assert page.locator("#import-errors-download").count() == 1
    assert page.locator("input[name=confirm]").count() == 0
    assert page.evaluate("() => document.documentElement.lang").startswith("en" if locale == "en-US" else "zh")
    inspect(page, width=width, screen=f"{screen}-checked")

    page.goto(live_server.url + IMPORT)
    assert page.locator("#recent-imports tbody tr").count() == 1
    inspect(page, width=width, screen=f"{screen}-recent")
