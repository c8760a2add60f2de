"""The site's own pages, which read several apps: the public dashboard, the health check,
where a log-in lands, the favicon and the error pages."""
import logging
import sys
from collections import Counter

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from programs.pace import Status
from xuchang_ecom.accounts.models import Role
from xuchang_ecom.celery import app as celery_app
from xuchang_ecom.common.publiccache import cached

from .public import public_dashboard

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        logger.warning("healthz: database unreachable", exc_info=True)
        return False


def _broker_status() -> str:
    """'ok', 'eager' (no broker configured: tasks run in-process) or 'unreachable'."""
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001
        logger.warning("healthz: broker unreachable", exc_info=True)
        return "unreachable"


@never_cache
@require_GET
def healthz(request):
    """Liveness and dependencies, as JSON: 200 while the database answers, even with the
    broker down (reported in the body, since requests still work); 503 without a database."""
    database = _database_ok()
    broker = _broker_status()
    body = {
        "status": "ok" if database and broker != "unreachable" else "degraded",
        "database": "ok" if database else "unreachable",
        "broker": broker,
    }
    return JsonResponse(body, status=200 if database else 503)


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for by themselves (on JSON answers, say): the
    site's icon. Redirected, not permanently: the icon's static address changes when it does."""
    response = redirect(static("img/favicon-32.png"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response


@login_required
def start(request):
    """Where a log-in lands: reporters on their reports, staff on the plan's progress."""
    user = request.user
    if user.role == Role.REPORTER:
        return redirect("reporting:home")
    if user.has_perm("programs.view_program"):
        return redirect("programs:list")
    return redirect("admin:index") if user.is_staff else redirect("home")


def server_error(request):
    """The 500 page, plain so it renders whatever failed; a database that is down (being
    restarted, say) answers 503 with Retry-After instead, since trying again will work."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.warning("Database unavailable: %s", error)
        return HttpResponse(_("The service is briefly unavailable; please try again in a few seconds."),
                            status=503, headers={"Retry-After": "10"}, content_type="text/plain; charset=utf-8")
    return HttpResponse(_("Something went wrong on our side; it has been logged. Please try again later."),
                        status=500, content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    """404: JSON under /api/ (a URL no route matches answers like the API's own 404s),
    Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def dashboard_view(request):
    """The public dashboard: the same page for every visitor in a language, so it is built
    once per data version from cached aggregates, carries no cookie, and proxies may keep
    it for a minute."""
    language = "en" if request.GET.get("lang") == "en" else settings.LANGUAGE_CODE
    with translation.override(language):
        html = cached(f"page:dashboard:{language}", lambda: _dashboard_html())
    response = HttpResponse(html)
    response["Content-Language"] = language
    patch_cache_control(response, public=True, max_age=60)
    return response


def _dashboard_html() -> str:
    data = public_dashboard()
    summary = Counter(row["status"] for row in data["targets"] if row["status"])
    charts = {
        "targets": [{
            "label": row["label"], "dates": [day.isoformat() for day, _v in row["history"]],
            "values": [float(value) for _d, value in row["history"]], "goal": float(row["target"]),
            "deadline": row["deadline"].isoformat() if row["deadline"] else None,
        } for row in data["targets"]],
        "villages": {"years": [row["year"] for row in data["villages"]["by_year"]],
                     "villages": [row["villages"] for row in data["villages"]["by_year"]],
                     "towns": [row["towns"] for row in data["villages"]["by_year"]],
                     "labels": [str(_("Taobao villages")), str(_("Taobao towns"))]},
        "livestream": {"months": [row["month"] for row in data["livestream"]["monthly"]],
                       "sessions": [row["sessions"] for row in data["livestream"]["monthly"]],
                       # In 万元, like the tables; the axis names the unit.
                       "sales": [round(float(row["sales"] or 0) / 10_000, 2) for row in data["livestream"]["monthly"]],
                       "labels": [str(_("Sessions")), str(_("Sales (10,000 yuan)"))],
                       "units": [str(_("sessions")), str(_("10,000 yuan"))]},
    }
    return render_to_string("dashboard.html", {
        "data": data, "charts": charts, "DEMO_MODE": settings.DEMO_MODE,
        "summary": [(Status(status), count) for status, count in sorted(summary.items())],
    })
