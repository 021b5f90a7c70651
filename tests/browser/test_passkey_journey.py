"""A coach on a phone adds a passkey as second factor and logs in with it, in real
headless Chromium with the DevTools protocol's virtual authenticator (no real device)."""

import pytest

from plp.models import AuditEntry
from plp.roles import COACH
from tests.browser.test_accessibility import violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "een-lang-wachtwoord"


def test_coach_registers_a_passkey_and_logs_in_with_it(live_server, browser, screenshot, settings):
    # WebAuthn needs a secure context and a domain as relying party id: localhost is
    # both, 127.0.0.1 is neither.
    base = live_server.url.replace("127.0.0.1", "localhost")
    settings.PLP_REQUIRE_2FA = True
    settings.WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base]
    coach = UserFactory(username="coach", password=PASSWORD, role=COACH, first_name="Jasper")
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    console = []
    page.on("console", lambda message: console.append(message.text))
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    def log_in():
        page.goto(f"{base}/login/")
        page.fill("#id_username", "coach")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("h1")

    # No second factor yet: the setup page, with passkeys first.
    log_in()
    page.wait_for_selector("h1:has-text('Tweestapsverificatie instellen')")
    page.wait_for_selector("#passkey-register-button")
    assert not violations(page)
    screenshot(page, "passkey-first-setup-390")
    # Without a name the ceremony does not start.
    page.click("#passkey-register-button")
    assert page.evaluate("document.activeElement.id") == "id_name"
    assert not cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    page.fill("#id_name", "Telefoon")
    page.click("#passkey-register-button")
    page.wait_for_selector("h1:has-text('Herstelcodes')")
    assert len(page.query_selector_all("main li")) == 10
    screenshot(page, "passkey-recovery-codes-390")

    page.goto(f"{base}/login/tweestaps/instellen/")
    page.wait_for_selector(".passkey:has-text('Telefoon')")
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    screenshot(page, "passkey-setup-390")
    assert not violations(page)
    assert AuditEntry.objects.filter(action="auth.otp.device_added", username="coach").count() == 1

    # Log out and in again: password, then the passkey instead of a code.
    # Each step waits for the menu to have opened: on a slow machine a click during the
    # collapse's animation opened nothing.
    page.click("nav .navbar-toggler")
    page.wait_for_selector("nav .navbar-collapse.show:not(.collapsing)")
    page.click("nav .dropdown-toggle:has-text('Jasper')")
    page.wait_for_selector("nav .dropdown-menu.show")
    page.click("nav button:has-text('Uitloggen')")
    page.wait_for_selector("#id_username")
    log_in()
    page.wait_for_selector("h1:has-text('Tweestapsverificatie')")
    page.wait_for_selector("#passkey-verification-button")
    screenshot(page, "passkey-verify-390")
    assert not violations(page)
    page.click("#passkey-verification-button")
    page.wait_for_selector("h1:has-text('Mijn deelnemers')")
    verified = AuditEntry.objects.filter(action="auth.otp.verified", username="coach").get()
    passkey = coach.webauthncredential_set.get()
    assert verified.data == {"device": "WebAuthnCredential", "device_id": passkey.pk}
    assert passkey.name == "Telefoon" and passkey.last_used_at is not None
    # The library's scripts ran under our Content-Security-Policy without a violation.
    assert not [line for line in console if "Content Security Policy" in line], console
    context.close()
