import logging
import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xuchang_ecom.accounts.models import Role
from xuchang_ecom.celery import app as celery_app

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
