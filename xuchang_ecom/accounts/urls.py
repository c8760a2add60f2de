"""Django's log-in, log-out and password pages, the reset form limited (``forms.PasswordResetForm``)."""
from django.contrib.auth import urls as auth_urls
from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import PasswordResetForm

urlpatterns = [
    path("password_reset/", auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
         name="password_reset"),
    *(pattern for pattern in auth_urls.urlpatterns if pattern.name != "password_reset"),
]
