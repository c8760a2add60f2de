import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from villages.models import Designation, Honour
from xuchang_ecom.accounts.models import User
from xuchang_ecom.tools.demo import accounts as accounts_demo
from xuchang_ecom.tools.demo import villages as villages_demo

pytestmark = pytest.mark.django_db


def test_the_home_page_is_in_chinese_by_default_and_shows_the_plan(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_every_page_offers_the_language_switch_and_english_is_one_click_away(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert response["Content-Language"] == "en"
    assert "Xuchang E-commerce Program Platform" in response.content.decode()


def test_the_public_dashboard_switches_language_by_a_link_so_it_needs_no_cookie(client):
    page = client.get("/").content.decode()
    assert 'href="/?lang=en"' in page
    response = client.get("/", {"lang": "en"})
    assert response["Content-Language"] == "en" and not response.cookies


def test_no_page_loads_anything_from_another_host(client):
    page = client.get("/").content.decode()
    assert "http://" not in page and "https://" not in page and "//cdn" not in page


def test_healthz_reports_the_database_and_broker_without_setting_a_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert not response.cookies


def test_healthz_reports_a_dead_broker_instead_of_failing(client, settings, monkeypatch):
    from xuchang_ecom.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"
    assert response.json()["status"] == "degraded"


@pytest.mark.redis
def test_healthz_reaches_the_real_broker(client, redis_url, monkeypatch):
    from xuchang_ecom.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app.conf, "broker_url", redis_url)
    assert client.get("/healthz").json()["broker"] == "ok"


def test_load_demo_loads_the_reports_figures_and_can_run_again(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    in_2020 = Designation.objects.filter(year=2020)
    assert in_2020.filter(kind="village").count() == 15
    assert in_2020.filter(kind="town").count() == 9
    assert set(Designation.objects.filter(place__name="岗李村").values_list("year", flat=True)) == {
        2016, 2017, 2018, 2019, 2020,
    }
    assert Honour.objects.filter(title="2020年农产品百强淘宝村").count() == 4
    assert Honour.objects.get(title="2020年淘宝村百强县").place.name == "长葛市"
    assert set(User.objects.values_list("username", flat=True)) == {
        "city_admin", "county_changge", "county_yuzhou", "enterprise_a", "enterprise_b", "agency_a", "agency_b",
    }
    _the_livestream_demo_has_the_reports_events()
    _the_demo_call_has_an_application_scored_and_a_draft()


def _the_demo_call_has_an_application_scored_and_a_draft():
    from xuchang_ecom.applications.models import Application, Call

    call = Call.objects.get()
    assert call.is_open
    statuses = dict(Application.objects.values_list("organisation__reporters__username", "status"))
    assert statuses == {"agency_a": "submitted", "agency_b": "draft"}
    assert Application.objects.get(status="submitted").evaluations.get().total == 88


def _the_livestream_demo_has_the_reports_events():
    from livestream.models import Base, Session

    base = Base.objects.get(name="全球速卖通跨境电商直播基地（许昌）")
    assert (base.opened_on.isoformat(), base.committed_sessions_per_month) == ("2020-09-26", 100)
    hair = Session.objects.get(started_at__date="2020-06-30", platform__name="阿里巴巴国际站")
    assert hair.kind == "cross_border" and hair.region.name == "东城区"
    carrots = Session.objects.get(platform__name="农购网", kind="public_welfare")
    assert (carrots.quantity, carrots.quantity_unit) == (25, "tonne")
    # Every invented record says so in its name.
    assert not Base.objects.exclude(name__startswith="示例").exclude(pk=base.pk).exists()


def test_load_demo_uses_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-secret-9")
    accounts_demo.load()
    assert User.objects.get(username="county_changge").check_password("another-secret-9")


def test_load_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    assert not Designation.objects.exists()


def test_the_demo_city_account_reaches_the_chinese_admin(client):
    accounts_demo.load()
    villages_demo.load(user=accounts_demo.city_account())
    # Through the log-in page, with the demo password the README gives.
    assert client.post("/accounts/login/", {"username": "city_admin", "password": "xuchang-demo-2020"}).status_code \
        == 302
    response = client.get("/admin/villages/designation/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


def test_the_suite_passes_whatever_the_shell_exports(tmp_path):
    # Someone who followed the README may have DEMO_PASSWORD (demo instructions) or an
    # operator's variable exported; the suite must not read them (run in a process of its
    # own, with them set). Run-time variables: the root conftest; settings: settings/test.py.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "DEMO_PASSWORD": "something-else-42", "DEMO_MODE": "true",
                   "OPEN_DATA_RATE": "1/minute", "OPEN_DATA_LICENCE": "another licence"}
    # The services are the caller's to choose, not stray settings: the inner run takes SQLite,
    # so it never reaches for the test database this run already holds on PostgreSQL.
    environment.pop("DATABASE_URL", None)
    environment.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/test_pages.py",
         "xuchang_ecom/site/tests/test_open_data_downloads.py",
         "-k", "demo_city_account or password_from_the_environment or readmes_api_v1"],
        cwd=root, env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "3 passed" in result.stdout


def test_the_browsers_own_favicon_request_finds_the_sites_icon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("path", ["/", "/open-data/", "/accounts/login/", "/calls/"])
def test_every_page_names_an_icon_that_exists(client, path):
    import re

    page = client.get(path).content.decode()
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page)
    assert len(icons) >= 2, path
    for icon in icons:
        assert client.get(icon).status_code == 200, icon
