"""What every response promises the browser, what the server refuses before reading it,
and the audit logs nobody can rewrite."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PAGES = ["home", "login", "calls:calls", "api-docs", "password_reset"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_allow_only_the_sites_own_scripts_and_styles_and_no_framing(client, name):
    response = client.get(reverse(name))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _assert_security_headers(response):
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _broken(request):
    raise RuntimeError("a fault")


EARLY_ANSWERS = {
    # name: (what to send, the status it must answer)
    "NUL in a page's query string": (lambda client: client.get("/calls/?q=a%00"), 400),
    "NUL in an API's query string": (lambda client: client.get("/api/v1/brands/?county=%00"), 400),
    "body over MAX_REQUEST_BYTES": (lambda client: client.post("/accounts/login/", data=b"x",
                                                               content_type="application/x-www-form-urlencoded",
                                                               CONTENT_LENGTH=str(50 * 2**20)), 413),
    "unknown host": (lambda client: client.get("/", HTTP_HOST="evil.example"), 400),
    "page not found": (lambda client: client.get("/nowhere/"), 404),
    "API route not found": (lambda client: client.get("/api/livestream/anchors/-1/"), 404),
    "CSRF refused": (lambda client: client.post("/accounts/login/", {"username": "x", "password": "y"}), 403),
    "server error": (lambda client: client.get("/"), 500),
    "API error": (lambda client: client.get("/api/v1/clusters/?page_size=²"), 400),
}


@pytest.mark.parametrize("name", list(EARLY_ANSWERS))
def test_answers_given_before_any_view_or_by_the_error_handlers_carry_the_security_headers(monkeypatch, name):
    from django.core.cache import cache
    from django.test import Client

    from xuchang_ecom.site import views

    monkeypatch.setattr(views, "public_dashboard", lambda: _broken(None))
    cache.clear()
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    send, status = EARLY_ANSWERS[name]
    response = send(client)
    assert response.status_code == status
    _assert_security_headers(response)


def test_staff_pages_send_the_policy_too(client, city_user):
    client.force_login(city_user)
    for url in (reverse("admin:index"), reverse("applications:home"), reverse("reporting:queue")):
        assert "script-src 'self'" in client.get(url)["Content-Security-Policy"]


@pytest.mark.parametrize("path", sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")))
def test_no_template_carries_inline_script_style_or_event_handlers(path):
    text = (TEMPLATES / path).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "an inline <script>"
    assert not re.search(r"<style\b", text), "an inline <style>"
    assert not re.search(r"\sstyle=\"", text), "a style attribute"
    assert not re.search(r"\son[a-z]+=\"", text), "an inline event handler"


def _upload_urls() -> list[str]:
    from .test_hostile_files import imports

    forms = [reverse(name, args=[1]) for name in ("reporting:edit", "reporting:decide", "applications:edit",
                                                   "applications:decide")]
    return [*imports(), *forms]


@pytest.mark.parametrize("url", _upload_urls())
def test_a_50_mb_upload_to_any_import_or_form_is_refused_before_anything_reads_it(client, city_user, monkeypatch,
                                                                                   url):
    from django.core.handlers.wsgi import WSGIRequest

    read = []
    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", lambda self: read.append(True))
    client.force_login(city_user)
    response = client.post(url, data=b"x" * 10,
                           content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(50 * 2**20))
    assert response.status_code == 413
    assert response.content.decode() == "上传的内容为 50.0\xa0MB，一次最多只能上传 25.0\xa0MB。"
    assert not read


def test_an_upload_within_the_limit_reaches_the_form(client, city_user):
    client.force_login(city_user)
    response = client.post(reverse("admin:livestream_session_import"), {"format": "0"})
    assert response.status_code == 200


AUDIT_MODELS = ["poverty.reveallog", "programs.targetchange", "reporting.reportevent",
                "applications.applicationevent"]


@pytest.mark.parametrize("label", AUDIT_MODELS)
def test_audit_rows_cannot_be_added_changed_or_deleted_through_the_admin(client, world, label):
    from django.apps import apps
    from django.contrib import admin

    model = apps.get_model(label)
    request = type("Request", (), {"user": world.users["city"]})()
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return  # not in the admin at all: shown only as a history on its record's page
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_no_role_holds_a_permission_to_change_an_audit_log():
    from xuchang_ecom.accounts.roles import ROLE_PERMISSIONS

    for label in AUDIT_MODELS:
        app_label, model_name = label.split(".")
        writes = {f"{app_label}.{action}_{model_name}" for action in ("add", "change", "delete")}
        for role, permissions in ROLE_PERMISSIONS.items():
            assert not writes & permissions, f"{role} may write {label}"


def test_a_database_that_is_down_answers_503_with_retry_after_not_a_traceback(client, monkeypatch):
    from django.db import OperationalError

    from xuchang_ecom.site import views

    def down(request):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(views, "public_dashboard", lambda: down(None))
    client.raise_request_exception = False
    from django.core.cache import cache

    cache.clear()
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response.content.decode() == "服务暂时不可用，请几秒钟后重试。"
    assert "Traceback" not in response.content.decode() and "127.0.0.1" not in response.content.decode()


def test_any_other_failure_is_a_plain_500_that_gives_nothing_away(client, monkeypatch):
    from xuchang_ecom.site import views

    def broken():
        raise RuntimeError("secret detail")

    monkeypatch.setattr(views, "public_dashboard", broken)
    client.raise_request_exception = False
    from django.core.cache import cache

    cache.clear()
    response = client.get("/")
    assert response.status_code == 500 and "secret detail" not in response.content.decode()


@pytest.mark.parametrize("page_size", ["null", "0", "-5", "501", "1.5", "abc", "²", "٣", "３", "9" * 30])
def test_an_invalid_page_size_is_a_400_not_silently_the_default(client, page_size):
    response = client.get("/api/v1/clusters/", {"page_size": page_size})
    assert response.status_code == 400 and "page_size" in response.json()


def test_a_repeated_page_size_is_a_400_and_a_valid_one_is_honoured(client):
    assert client.get("/api/v1/clusters/?page_size=5&page_size=6").status_code == 400
    assert client.get("/api/v1/clusters/", {"page_size": "5"}).status_code == 200


def test_a_nul_character_in_the_query_string_is_a_400_not_a_server_error(client):
    response = client.get("/api/v1/brands/?county=%E9%95%BF%00x")
    assert response.status_code == 400 and response.json() == {"detail": "请求中含有 NUL 字符。"}
    assert client.get("/calls/?q=a%00").status_code == 400


def test_basic_credentials_with_a_nul_character_are_refused_not_a_server_error(client):
    import base64

    auth = "Basic " + base64.b64encode(b"city\x00:x").decode()
    response = client.get("/api/livestream/sessions/", HTTP_AUTHORIZATION=auth)
    assert response.status_code in (401, 403)


def test_an_api_url_no_route_matches_answers_json_and_a_page_url_html(client):
    api = client.get("/api/livestream/anchors/-1/")
    assert api.status_code == 404 and api["Content-Type"] == "application/json"
    page = client.get("/nowhere/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
