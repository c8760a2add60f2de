"""The open-data page in a real browser, on a phone: Chinese, nothing sideways, no error."""
import os
import re

import pytest

from .test_browser import ARTIFACTS, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: Words a Chinese page may show: the switch to English and the file formats' own names.
LATIN_ALLOWED = {"English", "JSON", "CSV", "Excel"}


def test_on_a_phone_the_open_data_page_is_chinese_and_every_download_is_offered(browser, live_server):
    page = open_page(browser, live_server.url + "/", width=375, height=740, locale="zh-CN")
    page.get_by_role("link", name="开放数据").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url == live_server.url + "/open-data/"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert set(re.findall(r"[A-Za-z]{2,}", page.inner_text("body"))) <= LATIN_ALLOWED
    assert page.locator("a[data-format=xlsx]").count() == 7
    assert page.get_by_role("link", name="接口文档").first.is_visible()
    assert page.errors == [] and page.foreign == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "open-data-phone.png", full_page=True)
