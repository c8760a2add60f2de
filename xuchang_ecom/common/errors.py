"""What a service says when it refuses, in the domain's words: the views map these to
404, 403 and 409 (``xuchang_ecom.common.middleware.DomainErrorMiddleware``) and the API
does the same (``xuchang_ecom.common.apierrors.exception_handler``), so a service never
speaks HTTP."""
from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext


class NotFound(Exception):
    """The record does not exist, or the user may not know that it does: both answer alike
    (404), so a guess learns nothing."""


class NotAllowed(PermissionDenied):
    """The user may see the record but not do this to it (403). A PermissionDenied, so
    Django and the API answer it as one without being told."""


class Conflict(Exception):
    """The record changed meanwhile, or is in a state where this cannot happen (409).
    Raised with a message, that is what the user is told; without one, a general refusal."""

    @property
    def message(self) -> str:
        return str(self) if self.args else gettext(
            "This cannot be done now: the record has changed meanwhile, or its state does not allow it.")


#: What a write is told about a record it refers to but may not see: Django's own words
#: for a choice that does not exist (translated in Django's catalogue), so that another
#: county's record and a missing one are refused alike. The admin's choice fields say the
#: same, so a refusal reads the same whichever check makes it.
NOT_A_CHOICE = forms.ModelChoiceField.default_error_messages["invalid_choice"]
