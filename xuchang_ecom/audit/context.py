"""How a change reached the registries: the one place each channel says so.

Every trail entry (``xuchang_ecom.audit.trail``) records who made the change and through
what. Each channel says it once, around the work it does, with ``audit_context``:

=========  ==================================================  ================================
via        set by                                              with
=========  ==================================================  ================================
admin      ``AuditContextMiddleware`` (``/admin/…``)           the request's user and address
api        ``AuditContextMiddleware`` (``/api/…``)             the user DRF authenticated, also
                                                               by Basic credentials
web        ``AuditContextMiddleware`` (every other page)       the request's user and address
import     ``Resource.import_row`` in                          the file's name and the row's
           ``records.importexport.resources`` and              number as the spreadsheet shows
           ``session_bulk_import`` in                          it (the header is row 1)
           ``livestream.importers.sessions``
task       Celery's ``task_prerun`` (``task_started``)         the task's name
command    ``manage.py`` (``command_context``)                 the command and the OS account
=========  ==================================================  ================================

Contexts nest and each adds to the one around it: an import started in the admin keeps the
request's user and address and says ``import``. The values live in a ContextVar, so
requests, threads and tasks never see each other's. This module imports nothing of Django
at load time, so ``manage.py`` can use it before settings are read.
"""
import contextlib
import getpass
import ipaddress
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any

#: The channels, as stored in an entry's ``additional_data["via"]``.
ADMIN, API, WEB, IMPORT, TASK, COMMAND = "admin", "api", "web", "import", "task", "command"
#: What an entry's ``additional_data`` may hold, besides the acting user's name.
DESCRIBING = ("via", "file", "row", "command", "task", "os_user")

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_context: ContextVar[Mapping[str, Any]] = ContextVar("xuchang_audit_context", default=_EMPTY)
# Celery signals a task's start and end separately: the tokens to restore, by task id.
_task_tokens: dict[str, Any] = {}


@contextlib.contextmanager
def audit_context(**values: Any) -> Iterator[None]:
    """Within the block, trail entries carry ``values`` over those of the enclosing block.

    Keys: ``via`` (one of the channels above), ``file`` and ``row`` (an import), ``command``,
    ``task``, ``os_user``, and the internal ``request`` and ``actor`` (the acting user, when
    it is not the request's).
    """
    token = _context.set(MappingProxyType({**_context.get(), **values}))
    try:
        yield
    finally:
        _context.reset(token)


def current() -> Mapping[str, Any]:
    """The values in force (an empty mapping outside any context)."""
    return _context.get()


def actor(values: Mapping[str, Any] | None = None):
    """The acting user, or None (a command, a task, an anonymous visitor).

    A request's user is read when an entry is written, not when the request came in: the
    API authenticates (Basic credentials included) only in the view, and DRF then sets the
    user on the request this context holds.
    """
    values = current() if values is None else values
    if values.get("actor") is not None:
        return values["actor"]
    request = values.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def how(values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What an entry's ``additional_data`` says of the change's channel."""
    values = current() if values is None else values
    described = {key: values[key] for key in DESCRIBING if values.get(key) not in (None, "")}
    user = actor(values)
    if user is not None:
        # Kept by name too: the entry still says who if the account is ever deleted.
        described["user"] = user.get_username()
    return described


def remote_addr(values: Mapping[str, Any] | None = None) -> str | None:
    """The client's address, read as the log-in throttle reads it (``AXES_IP_HEADERS``)."""
    from django.conf import settings

    request = (current() if values is None else values).get("request")
    if request is None:
        return None
    for header in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]):
        value = request.META.get(header, "").split(",")[0].strip()
        if value:
            try:
                return str(ipaddress.ip_address(value))
            except ValueError:
                return None
    return None


def via_of_path(path: str) -> str:
    if path.startswith("/admin/"):
        return ADMIN
    if path.startswith("/api/"):
        return API
    return WEB


class AuditContextMiddleware:
    """Every request runs in a context naming its channel (admin, API or web pages) and
    holding the request, whose user is the actor (see ``actor``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_context(via=via_of_path(request.path_info), request=request):
            return self.get_response(request)


@contextlib.contextmanager
def command_context(argv: list[str]) -> Iterator[None]:
    """A management command's context: its name and the operating-system account running it."""
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):
        os_user = ""
    with audit_context(via=COMMAND, command=argv[1] if len(argv) > 1 else "", os_user=os_user):
        yield


def task_started(task_id=None, task=None, **kwargs) -> None:
    """Celery's ``task_prerun``: the task's writes say ``task`` and its name."""
    if task_id is not None:
        _task_tokens[task_id] = _context.set(
            MappingProxyType({**_context.get(), "via": TASK, "task": getattr(task, "name", "")})
        )


def task_finished(task_id=None, **kwargs) -> None:
    """Celery's ``task_postrun``: back to the context the task started in."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        with contextlib.suppress(ValueError):  # ended in another context than it started
            _context.reset(token)
