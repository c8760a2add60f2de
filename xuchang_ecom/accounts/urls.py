"""Django's log-in, log-out and password pages (log-in warning before the lockout, the
reset form limited: ``views.LoginView``, ``forms.PasswordResetForm``), the invitation
link, and the staff's list of reporter accounts."""
from django.contrib.auth import urls as auth_urls
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import PasswordResetForm

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("password_reset/", auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
         name="password_reset"),
    path("invitation/<uidb64>/<token>/", views.InvitationConfirmView.as_view(), name="invitation_confirm"),
    path("reporters/", views.reporter_list_view, name="accounts-reporters"),
    *(path(f"reporters/<int:pk>/{action}/", views.reporter_action_view, {"action": action},
           name=f"accounts-reporter-{action}") for action in ("invite", "deactivate", "reactivate")),
    *(pattern for pattern in auth_urls.urlpatterns if pattern.name not in ("login", "password_reset")),
]
