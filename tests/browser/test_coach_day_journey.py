"""A coach's day in Chromium: "Vandaag" lists who needs attention; log a contact from
there (back on "Vandaag" afterwards), then close the signal on the file."""

import datetime

import pytest
from django.utils import timezone

from plp.roles import COACH
from tests.browser.conftest import log_in
from tests.factories import (
    ParticipantFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_log_a_contact_from_today_and_close_a_signal(live_server, browser, screenshot, width):
    coach = UserFactory(username="coach", password="een-lang-wachtwoord", role=COACH)
    today = timezone.localdate()
    p = ParticipantFactory(coach=coach, first_name="Lotte", last_name="Dekker")
    TrajectoryFactory(participant=p, start=today - datetime.timedelta(days=90))
    ProgressEntryFactory(participant=p, date=today - datetime.timedelta(days=20))
    SignalFactory(participant=p, kind="stress", raised_on=today - datetime.timedelta(days=20))

    page = browser.new_page(viewport={"width": width, "height": 900}, locale="nl-NL")
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "coach", "een-lang-wachtwoord")
    page.goto(f"{live_server.url}/deelnemers/vandaag/")
    item = page.locator("section[aria-labelledby=att-h] .list-group-item", has_text="Lotte Dekker")
    assert "1 open signaal" in item.inner_text() and "Geen contact in 14 dagen" in item.inner_text()
    screenshot(page, f"today-{width}")

    item.locator("text=Contact vastleggen").click()
    assert page.input_value("#id_date") == today.isoformat()  # dated today already
    page.select_option("#id_kind", "telefonisch")
    page.fill("#id_duration_minutes", "15")
    page.fill("#id_notes", "Gebeld: slaapt slecht, wil wel door.")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Contactmoment opgeslagen.")
    assert page.url.endswith("/deelnemers/vandaag/")
    item = page.locator("section[aria-labelledby=att-h] .list-group-item", has_text="Lotte Dekker")
    assert "Geen contact in 14 dagen" not in item.inner_text()  # the signal still asks for attention

    item.locator("a", has_text="Lotte Dekker").click()
    page.click("section[aria-labelledby=signals-h] >> text=Sluiten")
    page.fill("#id_note", "Huisarts ingeschakeld, slaapt weer.")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Signaal gesloten.")
    assert "Geen open signalen." in page.inner_text("section[aria-labelledby=signals-h]")

    page.goto(f"{live_server.url}/deelnemers/vandaag/")
    assert "Lotte Dekker" not in page.inner_text("section[aria-labelledby=att-h]")
    page.close()
