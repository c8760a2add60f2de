"""DRF authentication as the API uses it."""
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed


class StrictBasicAuthentication(BasicAuthentication):
    """HTTP Basic, refusing credentials with a NUL character before they reach the
    database (which cannot compare with one, and would fail with a server error)."""

    def authenticate_credentials(self, userid, password, request=None):
        if "\x00" in userid or "\x00" in password:
            raise AuthenticationFailed(_("Invalid username/password."))
        return super().authenticate_credentials(userid, password, request)


class StrictBasicScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema describes it as what it is: HTTP Basic."""

    target_class = "xuchang_ecom.common.authentication.StrictBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}
