"""The API's answer to a service's refusal (``common.errors``), as DRF's exception handler
(``REST_FRAMEWORK["EXCEPTION_HANDLER"]``): a NotFound answers exactly as an Http404 does
(404), a Conflict 409 with ``{"detail": ...}``; a NotAllowed is a PermissionDenied, which
DRF answers 403 by itself. Everything else gets DRF's default answer."""
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict, NotFound


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
    """DRF's response for ``exc``, with the domain errors mapped as the module says."""
    if isinstance(exc, NotFound):
        # No message: the 404 is the same whichever check refused, and says nothing more.
        exc = Http404()
    elif isinstance(exc, Conflict):
        exc = ConflictError(exc.message)
    return drf_exception_handler(exc, context)
