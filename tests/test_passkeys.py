"""Passkeys (django-otp-webauthn) as a second factor: enforcement, setup page, naming,
removal, reset by an account manager, relying party settings and the audit trail. The
WebAuthn signatures themselves are checked in the browser journey
(tests/browser/test_passkey_journey.py); here the library's verification step is replaced."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import WebAuthnCredential

from plp import passkeys
from plp.models import AuditEntry
from plp.roles import ADMINISTRATOR, COACH, COORDINATOR, PEER_EXPERT
from tests.factories import PasskeyFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
CASELOAD = "/deelnemers/"


@pytest.fixture
def two_factor(settings):
    settings.PLP_REQUIRE_2FA = True


def password_login(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def post_json(client, name, **kwargs):
    return client.post(reverse(f"otp_webauthn:{name}"), content_type="application/json", **kwargs)


@pytest.fixture
def signed(monkeypatch):
    """The authenticator's signature counts as valid: the helper returns the device."""

    def authenticate(self, user, state, data):
        return WebAuthnCredential.objects.get(pk=data["device"])

    monkeypatch.setattr(passkeys.PasskeyHelper, "authenticate_complete", authenticate)


def test_a_passkey_only_user_is_verified_after_a_passkey_login_and_not_before(coach, two_factor, signed):
    passkey = PasskeyFactory(user=coach)
    client = password_login(coach)
    response = client.get(CASELOAD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp-verify"))
    page = client.get(reverse("otp-verify"))
    assert 'id="passkey-verification-button"' in page.content.decode()
    # Not verified yet: no other page, no new passkey, no changes to the second factor.
    assert (
        client.get(reverse("otp-setup"))["Location"] == f"{reverse('otp-verify')}?next={reverse('otp-setup')}"
    )
    assert post_json(client, "credential-registration-begin").status_code == 403
    assert client.post(reverse("otp_webauthn:passkey-delete", args=[passkey.pk])).status_code == 302
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()

    options = post_json(client, "credential-authentication-begin").json()
    assert [c["type"] for c in options["allowCredentials"]] == ["public-key"]
    response = post_json(client, "credential-authentication-complete", data={"device": passkey.pk})
    # The site root, which sends each role to its start page.
    assert response.status_code == 200 and response.json()["redirect_url"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == CASELOAD
    assert client.get(CASELOAD).status_code == 200
    entry = AuditEntry.objects.get(action="auth.otp.verified")
    assert (entry.username, entry.data) == (
        "alice",
        {"device": "WebAuthnCredential", "device_id": passkey.pk},
    )


def test_a_failed_passkey_login_is_audited_and_does_not_verify(coach, two_factor, monkeypatch):
    PasskeyFactory(user=coach)
    client = password_login(coach)

    def refuse(self, user, state, data):
        raise exceptions.CredentialUserMismatch()

    monkeypatch.setattr(passkeys.PasskeyHelper, "authenticate_complete", refuse)
    post_json(client, "credential-authentication-begin")
    assert post_json(client, "credential-authentication-complete", data={}).status_code == 403
    # Completing without a ceremony begun (or a second time) is refused too.
    assert post_json(client, "credential-authentication-complete", data={}).status_code == 400
    assert client.get(CASELOAD).status_code == 302
    failed = AuditEntry.objects.filter(action="auth.otp.failed").order_by("pk")
    assert [(e.result, e.data["code"]) for e in failed] == [
        ("denied", "credential_user_mismatch"),
        ("denied", "invalid_state"),
    ]


def test_another_users_passkey_does_not_verify(coach, other_coach, two_factor):
    from webauthn.helpers import bytes_to_base64url

    PasskeyFactory(user=coach)
    theirs = PasskeyFactory(user=other_coach)
    client = password_login(coach)
    post_json(client, "credential-authentication-begin")
    raw = bytes_to_base64url(bytes(theirs.credential_id))
    blob = bytes_to_base64url(b"{}")
    data = {
        "id": raw,
        "rawId": raw,
        "type": "public-key",
        "response": {"clientDataJSON": blob, "authenticatorData": blob, "signature": blob},
    }
    response = post_json(client, "credential-authentication-complete", data=data)
    assert response.json()["code"] == "credential_user_mismatch"
    assert client.get(CASELOAD).status_code == 302
    theirs.refresh_from_db()
    assert theirs.last_used_at is None


CEREMONY = [
    "credential-registration-begin",
    "credential-registration-complete",
    "credential-authentication-begin",
    "credential-authentication-complete",
    "passkey-name",
]


@pytest.mark.parametrize("name", CEREMONY)
def test_passkey_actions_are_post_only_and_need_a_login(name, coach):
    url = reverse(f"otp_webauthn:{name}")
    for response in (Client().get(url), Client().post(url)):
        assert response.status_code == 302 and "/login/" in response["Location"]
    client = Client()
    client.force_login(coach)
    assert client.get(url).status_code == 405


def test_anonymous_cannot_start_a_passwordless_login(client):
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def register(client, user, monkeypatch) -> int:
    """A registration ceremony whose attestation counts as valid."""

    def create(self, user, state, data):
        return PasskeyFactory(user=user, name=passkeys.DEFAULT_NAME)

    monkeypatch.setattr(passkeys.PasskeyHelper, "register_complete", create)
    options = post_json(client, "credential-registration-begin").json()
    assert options["rp"] == {"name": "PLP", "id": "testserver"}
    assert options["authenticatorSelection"]["residentKey"] == "preferred"  # no passwordless login
    response = post_json(client, "credential-registration-complete", data={})
    assert response.status_code == 200
    return response.json()["id"]


def test_first_passkey_is_set_up_named_and_comes_with_recovery_codes(coach, two_factor, monkeypatch):
    client = password_login(coach)
    assert client.get(CASELOAD)["Location"] == reverse("otp-setup")
    page = client.get(reverse("otp-setup")).content.decode()
    assert 'id="passkey-registration-available-template"' in page
    assert '<script id="otp_webauthn_config" type="application/json">' in page
    device_id = register(client, coach, monkeypatch)
    response = client.post(
        reverse("otp_webauthn:passkey-name"), {"credential": device_id, "name": "Telefoon"}
    )
    assert len(response.context["codes"]) == 10
    assert StaticDevice.objects.filter(user=coach).exists()
    assert WebAuthnCredential.objects.get(pk=device_id).name == "Telefoon"
    assert client.get(CASELOAD).status_code == 200  # verified by the new passkey
    added = AuditEntry.objects.get(action="auth.otp.device_added")
    assert (added.username, added.object_repr) == ("alice", "")
    assert added.data == {"device": "WebAuthnCredential", "device_id": device_id}
    assert not AuditEntry.objects.filter(data__icontains="Telefoon").exists()

    # A second passkey: named, no new recovery codes.
    second = register(client, coach, monkeypatch)
    response = client.post(reverse("otp_webauthn:passkey-name"), {"credential": second, "name": "Laptop"})
    assert response.status_code == 302
    page = client.get(reverse("otp-setup")).content.decode()
    assert "Telefoon" in page and "Laptop" in page and "De passkey is toegevoegd." in page
    assert StaticDevice.objects.get(user=coach).token_set.count() == 10


def test_recovery_codes_follow_even_if_the_naming_step_never_arrives(coach, two_factor, monkeypatch):
    client = password_login(coach)
    register(client, coach, monkeypatch)
    response = client.get(reverse("otp-setup"))
    assert len(response.context["codes"]) == 10
    assert "Passkey" in client.get(reverse("otp-setup")).content.decode()


def test_naming_needs_a_name_and_ones_own_passkey(coach, other_coach):
    theirs = PasskeyFactory(user=other_coach)
    mine = PasskeyFactory(user=coach, name="Passkey")
    client = verified_client(coach, mine)
    url = reverse("otp_webauthn:passkey-name")
    assert client.post(url, {"credential": theirs.pk, "name": "Van mij"}).status_code == 404
    response = client.post(url, {"credential": mine.pk, "name": "x" * 65}, follow=True)
    assert "hoogstens 64 tekens" in response.content.decode()
    assert client.get(url).status_code == 405
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.name, mine.name) == ("Telefoon", "Passkey")


def verified_client(user, device) -> Client:
    from django_otp import login as otp_login

    client = Client()
    client.force_login(user)
    request = type("R", (), {"session": client.session, "user": user})()
    otp_login(request, device)
    request.session.save()
    return client


def test_remove_a_passkey_but_never_the_last_second_factor(coach, other_coach, two_factor):
    phone = PasskeyFactory(user=coach, name="Telefoon")
    laptop = PasskeyFactory(user=coach, name="Laptop")
    theirs = PasskeyFactory(user=other_coach)
    StaticDevice.objects.create(user=coach, name="recovery", confirmed=True)
    client = verified_client(coach, phone)
    page = client.get(reverse("otp-setup")).content.decode()
    assert page.count('class="btn btn-outline-danger btn-sm"') == 2

    assert client.post(reverse("otp_webauthn:passkey-delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("otp_webauthn:passkey-delete", args=[laptop.pk])).status_code == 405
    response = client.post(reverse("otp_webauthn:passkey-delete", args=[laptop.pk]), follow=True)
    assert "De passkey is verwijderd." in response.content.decode()
    assert list(WebAuthnCredential.objects.filter(user=coach)) == [phone]
    removed = AuditEntry.objects.get(action="auth.otp.device_removed")
    assert removed.data == {"device": "WebAuthnCredential", "device_id": laptop.pk}
    assert "Laptop" not in str(removed.data) + removed.object_repr

    # The only second factor left (recovery codes do not count): no button, and refused.
    assert "btn-outline-danger" not in client.get(reverse("otp-setup")).content.decode()
    response = client.post(reverse("otp_webauthn:passkey-delete", args=[phone.pk]), follow=True)
    assert "Dit is uw enige passkey" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=phone.pk).exists()
    # With an authenticator app beside it, it may go.
    TOTPDevice.objects.create(user=coach, name="app", confirmed=True)
    client.post(reverse("otp_webauthn:passkey-delete", args=[phone.pk]))
    assert not WebAuthnCredential.objects.filter(user=coach).exists()


@pytest.mark.parametrize("role", [COACH, PEER_EXPERT, COORDINATOR, ADMINISTRATOR])
def test_setup_page_for_every_role(role, two_factor):
    user = UserFactory(username=f"u-{role}", role=role)
    client = password_login(user)
    response = client.get(reverse("otp-setup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tweestapsverificatie instellen" in html and "Passkey toevoegen" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    # Scripts come from our own static files; the only inline one is JSON data.
    for tag in re.findall(r"<script[^>]*>", html):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/django_otp_webauthn/otp_webauthn_register.js" in html
    response = client.post(reverse("otp-setup"), {"code": "000000"})
    assert response.status_code == 200 and "niet juist" in response.content.decode()
    assert client.get(CASELOAD).status_code == 302


def test_setup_page_needs_a_login(client):
    for response in (client.get(reverse("otp-setup")), client.post(reverse("otp-setup"), {"code": "1"})):
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_static_files_and_catalogue_are_served_locally(coach_client):
    from django.contrib.staticfiles import finders

    assert finders.find("django_otp_webauthn/otp_webauthn_register.js")
    assert finders.find("django_otp_webauthn/otp_webauthn_auth.js")
    catalogue = coach_client.get(reverse("otp_webauthn:js-i18n-catalog"))
    assert catalogue.status_code == 200 and "Registratie voltooid!" in catalogue.content.decode()


def test_reset_second_factor_removes_passkeys(coordinator_client, coach):
    PasskeyFactory(user=coach)
    coordinator_client.post(reverse("participants:user-edit", args=[coach.pk]), {"reset_2fa": "1"})
    assert not WebAuthnCredential.objects.filter(user=coach).exists()
    assert AuditEntry.objects.filter(action="auth.otp.reset").exists()


def test_relying_party_from_settings_or_the_request_host(settings, rf):
    request = rf.get("/", HTTP_HOST="localhost:8000")
    settings.WEBAUTHN_RP_ID = ""
    assert passkeys.rp_id(request) == "localhost"
    assert passkeys.PasskeyHelper(request).get_allowed_origins() == ["http://localhost:8000"]
    settings.WEBAUTHN_RP_ID = "plp.example.org"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["https://plp.example.org"]
    assert passkeys.rp_id(request) == "plp.example.org"
    assert passkeys.PasskeyHelper(request).get_allowed_origins() == ["https://plp.example.org"]


def test_registration_options_do_not_leak_into_json_unescaped(coach_client):
    # The config is a JSON script element (allowed by the CSP, never executed).
    html = coach_client.get(reverse("otp-setup")).content.decode()
    start = html.index('type="application/json">') + len('type="application/json">')
    config = json.loads(html[start : html.index("</script>", start)])
    assert config["beginRegistrationUrl"] == reverse("otp_webauthn:credential-registration-begin")
