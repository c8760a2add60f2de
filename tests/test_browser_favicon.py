"""No page's icon request fails: not the one the page names, nor /favicon.ico."""
import os

import pytest

from .test_browser import open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_no_page_answers_its_favicon_request_with_an_error(browser, live_server):
    for path in ("/", "/open-data/", "/api/v1/"):
        page = open_page(browser, live_server.url + path, locale="zh-CN")
        # What a browser does for a tab's icon: the page's <link rel="icon">, else /favicon.ico.
        icon = page.evaluate("document.querySelector('link[rel=icon]')?.href ?? new URL('/favicon.ico', location).href")
        for url in (icon, live_server.url + "/favicon.ico"):
            answer = page.request.get(url)
            assert answer.ok and answer.headers["content-type"].startswith("image/"), (path, url, answer.status)
        assert page.errors == [], path  # a resource that fails to load is a console error
        page.close()
