"""The Content Security Policy in a real browser: the API docs and the admin work under it,
with no violation reported (a blocked script or style is a console error)."""
import os

import pytest

from .test_browser import open_page
from .test_browser_applications import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_api_docs_render_under_the_policy(browser, live_server):
    page = open_page(browser, f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert not page.errors and not page.foreign


def test_the_admin_works_under_the_policy(browser, live_server, city_user):
    page = log_in(browser, live_server.url, city_user.username)
    for path in ("/admin/", "/admin/livestream/session/", "/admin/applications/call/add/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.locator("#content").count() == 1
    assert not page.errors and not page.foreign
