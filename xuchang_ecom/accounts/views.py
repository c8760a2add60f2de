"""The log-in page, the invitation link, and the staff's list of reporter accounts.

A county officer sees and acts on the reporter accounts of their county's organisations
only; another county's account answers 404, exactly like one that does not exist.
"""
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from . import selectors, services
from .models import User
from .tokens import invitation_token_generator

#: The log-in page warns how many attempts are left once this few remain.
WARN_WHEN_ATTEMPTS_LEFT = 2


class LoginView(auth_views.LoginView):
    """Django's log-in, telling after a failure how many attempts remain before the
    pause (django-axes) once few do. Axes counts failures per username and address
    whether or not the username exists, so the warning tells nothing about accounts."""

    def form_invalid(self, form):
        username = (self.request.POST.get("username") or "").strip()
        attempts_left = None
        if username and self.request.POST.get("password"):
            credentials = {"username": username}
            failures = AxesProxyHandler.get_failures(self.request, credentials)
            left = get_failure_limit(self.request, credentials) - failures
            if 0 < left <= WARN_WHEN_ATTEMPTS_LEFT:
                attempts_left = left
        return self.render_to_response(self.get_context_data(
            form=form, attempts_left=attempts_left,
            lockout_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)))


class InvitationConfirmView(auth_views.PasswordResetConfirmView):
    """The link in an invitation: the new reporter chooses a password."""

    token_generator = invitation_token_generator
    title = gettext_lazy("Choose your password")
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


def _staff_only(request) -> None:
    if not selectors.staff_manage_reporters(user=request.user):
        raise Http404


@login_required
@require_safe
def reporter_list_view(request):
    """The reporter accounts of the staff member's area, with what each can do."""
    _staff_only(request)
    return render(request, "accounts/reporter_list.html", {"reporters": selectors.reporter_list(user=request.user)})


@login_required
@require_POST
def reporter_action_view(request, pk: int, action: str):
    """Deactivate, reactivate or invite again; another county's account is a 404."""
    _staff_only(request)
    reporter = get_object_or_404(selectors.reporter_list(user=request.user), pk=pk)
    try:
        if action == "invite":
            services.reporter_invite(user=request.user, reporter=reporter,
                                     site_url=request.build_absolute_uri("/"))
            messages.success(request, _("A new invitation was sent to %(username)s.") % {"username": reporter.username})
        elif action == "deactivate":
            services.reporter_deactivate(user=request.user, reporter=reporter)
            messages.success(request, _("%(username)s is deactivated and can no longer log in.")
                             % {"username": reporter.username})
        elif action == "reactivate":
            services.reporter_reactivate(user=request.user, reporter=reporter)
            messages.success(request, _("%(username)s can log in again.") % {"username": reporter.username})
        else:
            raise Http404
    except User.DoesNotExist as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts-reporters")
