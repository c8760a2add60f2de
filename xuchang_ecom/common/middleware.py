"""Refusing what should never reach a view, and answering a service's refusal."""
from django.conf import settings
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import Conflict, NotFound


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose declared body is larger than ``MAX_REQUEST_BYTES``,
    before Django reads or parses any of it (a 50 MB "spreadsheet" never reaches the
    upload handlers, the disk or the parsers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            # Before LocaleMiddleware: answer in the language the browser asks for.
            with translation.override(translation.get_language_from_request(request)):
                message = _("The upload is %(size)s; at most %(limit)s can be sent at once.") % {
                    "size": filesizeformat(length), "limit": filesizeformat(limit)}
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NulCharacterMiddleware:
    """NUL characters, which no text column keeps (PostgreSQL refuses them with a server
    error): a query string holding one is answered 400, and posted form fields lose
    theirs, as nothing a person types or pastes into a box means one."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            message = _("The request contains a NUL character.")
            if request.path.startswith("/api/"):  # as the API's own errors are
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            # CsrfViewMiddleware reads the form anyway; this only reads it first.
            posted = request.POST
            if any("\x00" in value for _name, values in posted.lists() for value in values):
                cleaned = posted.copy()
                for name, values in posted.lists():
                    cleaned.setlist(name, [value.replace("\x00", "") for value in values])
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)


class DomainErrorMiddleware:
    """A service's refusal that reaches no handler in the view (``common.errors``): a
    NotFound answers exactly as Django's own 404 does (the site's ``handler404`` decides
    the page, JSON under /api/), so a guess learns nothing; a Conflict answers 409 in the
    user's language, JSON under /api/. A NotAllowed is a PermissionDenied, which Django
    answers 403 by itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            # No message: the 404 is the same whichever check refused, and says nothing more.
            return response_for_exception(request, Http404())
        if isinstance(exception, Conflict):
            if request.path.startswith("/api/"):  # as the API's own errors are
                return JsonResponse({"detail": exception.message}, status=409)
            return HttpResponse(exception.message, status=409, content_type="text/plain; charset=utf-8")
        return None
