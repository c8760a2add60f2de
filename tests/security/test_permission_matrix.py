"""Every route of the URL conf, as every role, read (GET) and write (POST), against one
table of what should happen. A route missing from the table fails, so no new page or API
can ship without someone deciding who may use it.

Outcomes: ``ok`` the request is served (2xx, a redirect that is not to the log-in page, or
400 for a write with no data: allowed, just empty); ``login`` sent to log in (or DRF's
401/403 for a visitor); ``403`` refused; ``404`` as if it did not exist; ``405`` the method
is not offered. The write is a POST, or the method in ``WRITE_METHODS`` for a route whose
write is another. The admin's routes follow one rule instead of rows (see the last test).
"""
import pytest
from django.urls import URLResolver, get_resolver, reverse

from .conftest import ROLES

pytestmark = pytest.mark.django_db


def outcome(response) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302) and ("/accounts/login/" in location or "/admin/login/" in location):
        return "login"
    if status in (401,):
        return "login"
    if status in (200, 201, 204, 301, 302, 400):
        return "ok"
    return str(status)


def kwargs_for(name: str, world) -> dict:
    objects = world.objects
    by_route = {
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "invitation_confirm": {"uidb64": "MQ", "token": "set-password"},
        # An account of 长葛市: its county's officer and city staff act on it, nobody else.
        "accounts-reporter-invite": {"pk": world.users["reporter_a"].pk},
        "accounts-reporter-deactivate": {"pk": world.users["reporter_a"].pk},
        "accounts-reporter-reactivate": {"pk": world.users["reporter_a"].pk},
        "programs:progress": {"pk": objects["program"].pk},
        "programs:briefing-request": {"pk": objects["program"].pk},
        "programs:records": {"pk": objects["target"].pk, "region_pk": objects["city"].pk},
        "programs:briefing-status": {"pk": objects["briefing"].pk},
        "programs:briefing-download": {"pk": objects["briefing"].pk},
        "reporting:start": {"period_pk": objects["period"].pk},
        "reporting:completeness": {"period_pk": objects["period"].pk},
        "reporting:remind-late": {"period_pk": objects["period"].pk},
        "applications:start": {"call_pk": objects["call"].pk},
        "applications:ranking": {"call_pk": objects["call"].pk},
        "applications:publish-notice": {"call_pk": objects["call"].pk},
        "applications:document": {"pk": objects["application"].pk, "document_pk": objects["document"].pk},
        "calls:call": {"pk": objects["call"].pk},
        "open-data:dashboard-table": {"name": "counties"},
        "villages:designation-detail": {"pk": objects["designation"].pk},
        "livestream:anchor-detail": {"pk": objects["anchor"].pk},
        "livestream:session-detail": {"pk": objects["session"].pk},
        "poverty:household-detail": {"pk": objects["household"].pk},
    }
    if name in by_route:
        return by_route[name]
    if name.startswith("reporting:") and name not in ("reporting:home", "reporting:queue",
                                                       "reporting:notifications", "reporting:accounts-new",
                                                       "reporting:approve-selected"):
        return {"pk": objects["report"].pk}
    if name.startswith("applications:") and name != "applications:home":
        return {"pk": objects["application"].pk}
    return {}


def routes(patterns=None, namespace=None):
    """The name of every route (``namespace:name``)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace if not namespace else f"{namespace}:{pattern.namespace}"
            yield from routes(pattern.url_patterns, inner if pattern.namespace else namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


# route: "read/write" for each of ROLES (anonymous, reporter of A, reporter of B, county
# staff of 长葛市 (A's county), county staff of 禹州市, city staff). The world's records are
# A's or in 长葛市; B is in 禹州市.
ROUTES: dict[str, tuple[str, ...]] = {
    "api-docs": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "api-schema": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "applications:decide": ("login/login", "405/404", "405/404", "405/ok", "405/404", "405/ok"),
    "applications:detail": ("login/login", "ok/ok", "404/404", "ok/ok", "404/404", "ok/ok"),
    "applications:document": ("login/login", "ok/ok", "404/404", "ok/ok", "404/404", "ok/ok"),
    "applications:edit": ("login/login", "ok/ok", "404/404", "404/404", "404/404", "404/404"),
    "applications:home": ("login/login", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "applications:publish-notice": ("login/login", "405/404", "405/404", "405/404", "405/404", "405/ok"),
    "applications:ranking": ("login/login", "404/404", "404/404", "404/404", "404/404", "ok/ok"),
    "applications:start": ("login/login", "405/ok", "405/ok", "405/404", "405/404", "405/404"),
    "calls:call": ("ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "calls:calls": ("ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "favicon": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "healthz": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "home": ("ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "livestream:anchor-detail": ("403/403", "403/403", "403/403", "ok/405", "404/405", "ok/405"),
    "livestream:anchor-list": ("403/403", "403/403", "403/403", "ok/ok", "ok/ok", "ok/ok"),
    "livestream:session-detail": ("403/403", "403/403", "403/403", "ok/405", "404/405", "ok/405"),
    "livestream:session-list": ("403/403", "403/403", "403/403", "ok/ok", "ok/ok", "ok/ok"),
    "login": ("ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "invitation_confirm": ("ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "accounts-reporters": ("login/login", "404/405", "404/405", "ok/405", "ok/405", "ok/405"),
    "accounts-reporter-invite": ("login/login", "405/404", "405/404", "405/ok", "405/404", "405/ok"),
    "accounts-reporter-deactivate": ("login/login", "405/404", "405/404", "405/ok", "405/404", "405/ok"),
    "accounts-reporter-reactivate": ("login/login", "405/404", "405/404", "405/ok", "405/404", "405/ok"),
    "logout": ("405/ok", "405/ok", "405/ok", "405/ok", "405/ok", "405/ok"),
    "open-data": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data-docs": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data-schema": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data:index": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data:agencies": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data:bases": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data:brands": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data:clusters": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data:dashboard-table": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data:designations": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "open-data:progress": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "password_change": ("login/login", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "password_change_done": ("login/login", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "password_reset": ("ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "password_reset_complete": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "password_reset_confirm": ("ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "password_reset_done": ("ok/405", "ok/405", "ok/405", "ok/405", "ok/405", "ok/405"),
    "poverty:employment-list": ("403/403", "403/403", "403/403", "ok/405", "ok/405", "ok/405"),
    "poverty:household-detail": ("403/403", "403/403", "403/403", "ok/ok", "404/404", "ok/ok"),
    "poverty:household-list": ("403/403", "403/403", "403/403", "ok/405", "ok/405", "ok/405"),
    "programs:briefing-download": ("login/login", "404/404", "404/404", "404/404", "404/404", "ok/ok"),
    "programs:briefing-request": ("login/login", "405/404", "405/404", "405/403", "405/403", "405/ok"),
    "programs:briefing-status": ("login/login", "404/404", "404/404", "404/404", "404/404", "ok/ok"),
    "programs:list": ("login/login", "404/404", "404/404", "ok/ok", "ok/ok", "ok/ok"),
    "programs:progress": ("login/login", "404/404", "404/404", "ok/ok", "ok/ok", "ok/ok"),
    "programs:records": ("login/login", "404/404", "404/404", "404/404", "404/404", "ok/ok"),
    "reporting:accounts-new": ("login/login", "404/404", "404/404", "ok/ok", "ok/ok", "ok/ok"),
    "reporting:approve-selected": ("login/login", "405/404", "405/404", "405/ok", "405/ok", "405/ok"),
    "reporting:completeness": ("login/login", "404/404", "404/404", "ok/ok", "ok/ok", "ok/ok"),
    "reporting:decide": ("login/login", "405/404", "405/404", "405/ok", "405/404", "405/ok"),
    "reporting:detail": ("login/login", "ok/ok", "404/404", "ok/ok", "404/404", "ok/ok"),
    "reporting:edit": ("login/login", "ok/ok", "404/404", "404/404", "404/404", "404/404"),
    "reporting:home": ("login/login", "ok/ok", "ok/ok", "404/404", "404/404", "404/404"),
    "reporting:notifications": ("login/login", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "reporting:queue": ("login/login", "404/404", "404/404", "ok/ok", "ok/ok", "ok/ok"),
    "reporting:remind-late": ("login/login", "405/404", "405/404", "405/ok", "405/ok", "405/ok"),
    "reporting:review": ("login/login", "404/404", "404/404", "ok/ok", "404/404", "ok/ok"),
    "reporting:start": ("login/login", "405/ok", "405/ok", "405/404", "405/404", "405/404"),
    "set_language": ("ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "start": ("login/login", "ok/ok", "ok/ok", "ok/ok", "ok/ok", "ok/ok"),
    "villages:designation-detail": ("403/403", "403/403", "403/403", "ok/405", "404/405", "ok/405"),
    "villages:designation-list": ("403/403", "403/403", "403/403", "ok/ok", "ok/ok", "ok/ok"),
}


# Routes whose write is not a POST.
WRITE_METHODS = {"poverty:household-detail": "patch"}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_route_answers_each_role_as_the_table_says(client, world, name, fresh_cache):
    # An empty cache: the open data's throttle counts every anonymous request of the run
    # by address, and the suite makes more than its 120 a minute.
    url = reverse(name, kwargs=kwargs_for(name, world))
    found = []
    for role in ROLES:
        cell = []
        for method in ("get", WRITE_METHODS.get(name, "post")):
            client.logout()
            if world.users[role] is not None:
                client.force_login(world.users[role])
            cell.append(outcome(getattr(client, method)(url)))
        found.append("/".join(cell))
    assert dict(zip(ROLES, found, strict=True)) == dict(zip(ROLES, ROUTES[name], strict=True))


def test_every_route_is_in_the_table():
    missing = sorted(name for name in routes() if not name.startswith("admin:") and name not in ROUTES)
    assert not missing, f"Routes nobody has classified in ROUTES: {missing}"
    stale = sorted(set(ROUTES) - set(routes()))
    assert not stale, f"ROUTES lists routes that no longer exist: {stale}"


# Each admin page (changelist) for county staff (both counties) and city staff; visitors
# and reporters are always sent to log in. Accounts, groups and log-in records are for
# superusers; reference data, audit logs and conflicts of interest for city staff.
ADMIN_PAGES: dict[str, tuple[str, str]] = {
    "accounts.organisation": ("ok", "ok"),
    "accounts.user": ("403", "403"),
    "applications.application": ("ok", "ok"),
    "applications.call": ("ok", "ok"),
    "applications.conflict": ("403", "ok"),
    "audit.logentry": ("403", "ok"),
    "auth.group": ("403", "403"),
    "axes.accessattempt": ("403", "403"),
    "axes.accessfailurelog": ("403", "403"),
    "axes.accesslog": ("403", "403"),
    "livestream.agency": ("ok", "ok"),
    "livestream.anchor": ("ok", "ok"),
    "livestream.base": ("ok", "ok"),
    "livestream.brand": ("ok", "ok"),
    "livestream.cluster": ("ok", "ok"),
    "livestream.contest": ("ok", "ok"),
    "livestream.platform": ("ok", "ok"),
    "livestream.session": ("ok", "ok"),
    "livestream.training": ("ok", "ok"),
    "poverty.alleviationmodel": ("403", "ok"),
    "poverty.base": ("ok", "ok"),
    "poverty.dividend": ("ok", "ok"),
    "poverty.employment": ("ok", "ok"),
    "poverty.enterprise": ("ok", "ok"),
    "poverty.household": ("ok", "ok"),
    "poverty.landlease": ("ok", "ok"),
    "poverty.reveallog": ("403", "ok"),
    "poverty.takehomework": ("ok", "ok"),
    "programs.program": ("ok", "ok"),
    "programs.snapshot": ("ok", "ok"),
    "programs.target": ("ok", "ok"),
    "programs.targetchange": ("403", "ok"),
    "regions.region": ("ok", "ok"),
    "reporting.period": ("ok", "ok"),
    "reporting.reminder": ("ok", "ok"),
    "reporting.report": ("ok", "ok"),
    "villages.designation": ("ok", "ok"),
    "villages.honour": ("ok", "ok"),
    "villages.sourcereport": ("ok", "ok"),
}


def test_every_admin_page_answers_each_role_as_the_table_says(client, world):
    from django.contrib import admin

    pages = {f"{model._meta.app_label}.{model._meta.model_name}": model for model in admin.site._registry}
    assert set(pages) == set(ADMIN_PAGES), "Admin pages missing from, or stale in, ADMIN_PAGES"
    found, expected = {}, {}
    for label in sorted(pages):
        app_label, model_name = label.split(".")
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
        county, city = ADMIN_PAGES[label]
        for role, want in (("anonymous", "login"), ("reporter_a", "login"), ("county_changge", county),
                           ("county_yuzhou", county), ("city", city)):
            client.logout()
            if world.users[role] is not None:
                client.force_login(world.users[role])
            found[(label, role)] = outcome(client.get(url))
            expected[(label, role)] = want
    assert found == expected
