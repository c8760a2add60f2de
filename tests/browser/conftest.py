"""The demo city in a live server, and a ``Journey``: one role's pages, each inspected at
desktop width as it is used, then all opened again at phone width.

The demo is loaded afresh for each journey (about 4 s on SQLite: the loaders of
``manage.py load_demo`` in the test database), so a journey never depends on what another
did. Browsers come from the root conftest's ``browser`` fixture: with ``CI=true`` and no
chromium, the journeys fail instead of skipping.
"""
import os
import sqlite3
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from xuchang_ecom.tools.demo import accounts as accounts_demo
from xuchang_ecom.tools.management.commands.load_demo import REGISTRY_LOADERS

from .checks import PHONE_WIDTH, PageProblems, inspect, open_page

# Playwright runs its own event loop in this thread; Django's live server is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DESKTOP_WIDTH = 1366
PASSWORD = accounts_demo.DEFAULT_DEMO_PASSWORD
TIMINGS = Path(__file__).resolve().parents[1] / "artifacts" / "journeys-timing.txt"


_snapshot: list = []  # the loaded demo, once per run, when the tests run on SQLite


def load_demo() -> None:
    """The demo data, as ``manage.py load_demo`` loads it (the command itself refuses to run
    with DEBUG off), in the test database the live server reads.

    On SQLite (the default) the first load is copied aside with SQLite's backup API and the
    next journeys get that copy back in a few milliseconds instead of loading again for
    several seconds; on PostgreSQL each journey loads the demo."""
    cache.clear()
    connection.ensure_connection()
    if _snapshot and connection.vendor == "sqlite":
        _snapshot[0].backup(connection.connection)
    else:
        with transaction.atomic():
            accounts_demo.load()
            city_user = accounts_demo.city_account()
            for load in REGISTRY_LOADERS:
                load(user=city_user)
        if connection.vendor == "sqlite":
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            _snapshot.append(copy)
    cache.clear()


class Journey:
    """A role's month on the site, in two browsers: a desktop one (1366 px) that does the
    work, and a phone (375 px) that opens each page the desktop looked at, right after it,
    in the same state of the data (a page load and the checks only, to keep time down).
    ``look`` inspects the page at both widths and remembers its links; ``finish`` follows
    every link seen outside the admin and fails with every problem found on the way, so
    one run lists them all."""

    def __init__(self, browser, base: str, role: str):
        self.browser, self.base, self.role = browser, base, role
        self.problems: list[str] = []
        self.links: dict[str, str] = {}  # same-site link -> the page it was first seen on
        self.page = None
        self.phone = None

    def open(self, path: str = "/"):
        """The desktop page on ``path``, logged out (and a phone page beside it)."""
        self.page = open_page(self.browser, self.base + path, width=DESKTOP_WIDTH)
        self.phone = open_page(self.browser, width=PHONE_WIDTH)
        self.phone.site_host = self.page.site_host
        return self.page

    def log_in(self, username: str):
        """Log in through the login page, inspected on the way, on the desktop and on the
        phone; returns the desktop page where the log-in lands."""
        self.page = self._log_in(username, DESKTOP_WIDTH)
        self.phone = self._log_in(username, PHONE_WIDTH)
        return self.page

    def _log_in(self, username: str, width: int):
        page = open_page(self.browser, self.base + "/accounts/login/", width=width)
        self.check(page, "login", width=width)
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        return page

    def check(self, page, name: str, *, width: int) -> None:
        try:
            inspect(page, width=width, screen=f"{self.role}-{width}-{name}")
        except PageProblems as problems:
            self.problems.extend(problems.problems)

    def look(self, name: str) -> None:
        """Inspect the desktop page, then the same URL on the phone; remember its links."""
        page = self.page
        page.wait_for_load_state("networkidle")
        self.check(page, name, width=DESKTOP_WIDTH)
        self.phone.goto(page.url)
        self.check(self.phone, name, width=PHONE_WIDTH)
        if "/admin/" not in page.url:  # the admin's links are Django's (tests/security covers them)
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
                href = href.split("#")[0]
                if href.startswith(self.base) and "/accounts/logout" not in href:
                    self.links.setdefault(href, page.url)

    def note(self, problem: str) -> None:
        """A problem that is not a page's look (a link that is missing, say)."""
        self.problems.append(f"{self.page.url} [{self.role}] {problem}")

    def finish(self) -> None:
        for href, source in self.links.items():  # as the role: the same cookies
            status = self.page.request.get(href).status
            if status >= 400:
                self.problems.append(f"{source} [{self.role}] link answers {status}: {href}")
        assert not self.problems, (f"{len(self.problems)} problem(s) on the {self.role}'s pages:\n"
                                   + "\n".join(self.problems))


@pytest.fixture
def journey(browser, live_server, request):
    """Starts a ``Journey`` for a role on a freshly loaded demo; the time the demo took to
    load and the whole journey took go to tests/artifacts/journeys-timing.txt."""
    started = time.monotonic()
    load_demo()
    loaded = time.monotonic()

    def start(role: str) -> Journey:
        return Journey(browser, live_server.url, role)

    yield start
    TIMINGS.parent.mkdir(exist_ok=True)
    with TIMINGS.open("a") as timings:
        timings.write(f"{request.node.name}: {time.monotonic() - started:.1f} s "
                      f"(demo {loaded - started:.1f} s)\n")
