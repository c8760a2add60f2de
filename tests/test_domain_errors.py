"""A service's refusal (``xuchang_ecom.common.errors``) that a page or an API endpoint lets
through answers as a user expects: not found is the site's own 404, a conflict 409 in the
user's language, not allowed 403; JSON under /api/. See ``tests/refusing_urls.py``."""
import ast
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.refusing_urls")]

CONFLICT = "此操作现在无法完成：记录在此期间已有变动，或其当前状态不允许这样做。"
SAID = "这份报表刚被审核员退回，请刷新后再改。"


def test_a_page_whose_service_finds_nothing_answers_exactly_as_a_missing_record(client):
    refused = client.get("/refusing/not-found/")
    missing = client.get("/calls/999999/")  # no such call
    assert refused.status_code == missing.status_code == 404
    assert refused["Content-Type"] == missing["Content-Type"] and refused.content == missing.content


def test_an_api_endpoint_whose_service_finds_nothing_answers_exactly_as_its_own_404(client):
    refused = client.get("/api/refusing/not-found/")
    missing = client.get("/api/refusing/missing/")  # raises Http404 itself
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == {"detail": "未找到。"} and refused.content == missing.content


def test_a_page_under_the_api_whose_service_finds_nothing_answers_the_apis_json_404(client):
    refused = client.get("/api/refusing-page/not-found/")
    missing = client.get("/api/nowhere/")  # no route: the site's JSON 404
    assert refused.status_code == missing.status_code == 404
    assert refused["Content-Type"] == "application/json" and refused.content == missing.content


def test_a_conflict_answers_409_in_chinese_on_a_page_and_in_the_api(client):
    page = client.get("/refusing/conflict/")
    assert page.status_code == 409 and page["Content-Type"] == "text/plain; charset=utf-8"
    assert page.content.decode() == CONFLICT
    for url in ("/api/refusing/conflict/", "/api/refusing-page/conflict/"):
        api = client.get(url)
        assert api.status_code == 409 and api.json() == {"detail": CONFLICT}


def test_a_conflict_is_told_in_the_language_the_browser_asks_for(client):
    page = client.get("/refusing/conflict/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.content.decode().startswith("This cannot be done now")


def test_a_conflict_the_service_explains_tells_the_user_its_words(client):
    assert client.get("/refusing/conflict-said/").content.decode() == SAID
    assert client.get("/api/refusing/conflict-said/").json() == {"detail": SAID}


def test_a_refusal_to_do_this_answers_403_on_a_page_and_in_the_api(client):
    assert client.get("/refusing/not-allowed/").status_code == 403
    api = client.get("/api/refusing/not-allowed/")
    assert api.status_code == 403 and api.json() == {"detail": "您没有执行该操作的权限。"}


def test_no_service_speaks_http():
    """Services refuse in the domain's words; django.http and django.urls are the views'."""
    root = Path(settings.BASE_DIR)
    modules = [path for package in ("xuchang_ecom", "programs", "villages", "livestream", "poverty")
               for path in (root / package).glob("**/services.py")]
    assert len(modules) >= 9
    speaking = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            speaking += [f"{path.relative_to(root)}: {name}" for name in names
                         if name.startswith(("django.http", "django.urls"))]
    assert not speaking
