"""Passkeys (WebAuthn) as a second factor beside TOTP, through django-otp-webauthn: a
passkey is one more django-otp device, so TwoFactorRequiredMiddleware enforces it like
the others. Only after the password: passwordless login is off. The library's views are
mounted here with an audit entry for every registration and use."""

import json

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from . import accounts
from .audit import log_action

DEFAULT_NAME = "Passkey"


def rp_id(request: HttpRequest) -> str:
    """The relying party id: WEBAUTHN_RP_ID, or (development) the request's host."""
    return settings.WEBAUTHN_RP_ID or split_domain_port(request.get_host())[0]


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        if settings.WEBAUTHN_RP_ID:
            return super().get_allowed_origins()
        # Development: the origin the browser is on (the host is checked by ALLOWED_HOSTS).
        return [f"{self.request.scheme}://{self.request.get_host()}"]

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = DEFAULT_NAME  # the user names it on the setup page right after
        return device


class RegistrationComplete(views.CompleteCredentialRegistrationView):
    @transaction.atomic
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        device_id = json.loads(response.content)["id"]
        log_action(
            by=self.request.user,
            action="auth.otp.device_added",
            data={"device": WebAuthnCredential.__name__, "device_id": device_id},
        )
        return response


class AuthenticationComplete(views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        super().complete_auth(device)
        log_action(
            by=self.request.user,
            action="auth.otp.verified",
            data={"device": type(device).__name__, "device_id": device.pk},
        )

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            log_action(
                by=self.request.user,
                action="auth.otp.failed",
                result="denied",
                data={"device": WebAuthnCredential.__name__, "code": exc.code},
            )
        return super().handle_exception(exc)


# Same namespace and names as the library's urls.py, so its template tags find them.
app_name = "otp_webauthn"
urlpatterns = [
    path("naam/", accounts.passkey_name, name="passkey-name"),
    path("<id:pk>/verwijderen/", accounts.passkey_delete, name="passkey-delete"),
    path(
        "registratie/begin/",
        views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path("registratie/klaar/", RegistrationComplete.as_view(), name="credential-registration-complete"),
    path(
        "inloggen/begin/",
        views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path("inloggen/klaar/", AuthenticationComplete.as_view(), name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
