"""The small world every test can use: a city official, a county official of 长葛市 and
one of 禹州市 (the colleague from another county), two enterprise reporters, and outsiders.

Services this suite depends on: with CI=true a test that needs PostgreSQL or Redis fails
when it is missing instead of skipping, so CI can never pass by skipping.
"""
import os

import pytest

from xuchang_ecom.accounts.tests import factories as account_factories

IN_CI = os.environ.get("CI", "").lower() == "true"

#: Variables the application reads while it runs (not only when the settings load), which
#: a developer may have exported, e.g. after following the README's demo instructions.
#: No test may inherit them from the shell: a test that needs one sets it itself.
APPLICATION_ENVIRONMENT = ("DEMO_PASSWORD",)


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch):
    """Every test starts without the application's run-time variables from the caller's shell."""
    for name in APPLICATION_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def city_user(db):
    return account_factories.city_staff()


@pytest.fixture
def changge_user(db):
    return account_factories.county_staff("changge", "长葛市")


@pytest.fixture
def yuzhou_user(db):
    return account_factories.county_staff("yuzhou", "禹州市")


@pytest.fixture
def reporter_user(db):
    return account_factories.reporter("reporter_a")


@pytest.fixture
def admin_uploads_in_tmp(monkeypatch, tmp_path):
    """Keep what a test writes through ``tempfile`` (an upload Django spools to disk) in
    pytest's temporary directory. Imports keep their uploads in the "private" storage
    (in memory in the tests), not here."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def require_postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        _missing("the tests are not running on PostgreSQL (set DATABASE_URL)")
    return connection


@pytest.fixture
def redis_url():
    import redis

    url = os.environ.get("REDIS_URL")
    if not url:
        _missing("REDIS_URL is not set")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        _missing(f"Redis at {url} is not reachable: {error}")
    return url


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def browser():
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        _missing(f"no browser at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()
            # Playwright's sync API runs the test in a greenlet of its own, where Django's
            # connections (context-local) are not the ones pytest-django closes: close the
            # test's here, or the test database cannot be dropped at the end of the run.
            from django.db import connections

            connections.close_all()


@pytest.fixture
def fresh_cache():
    """An empty cache before and after: public pages and throttles start from nothing."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()
