"""A coach's day in real headless Chromium: log in, register a participant, record the
intake, start a trajectory and a placement, log a contact with a signal, read the timeline."""

import pytest

from plp.roles import COACH
from tests.factories import MentorFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_coach_records_a_participant_file(live_server, browser, screenshot, width):
    UserFactory(username="coach", password="een-lang-wachtwoord", role=COACH, first_name="Jasper")
    employer = OrganisationFactory(name="Downies & Brownies")
    MentorFactory(organisation=employer, name="Henk de Boer")
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="nl-NL")
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", "een-lang-wachtwoord")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Mijn deelnemers')")

    page.click("text=Nieuwe deelnemer")
    assert page.input_value("#id_assigned_number").startswith("PLP-")  # assigned, read-only
    page.fill("#id_first_name", "Lotte")
    page.fill("#id_last_name", "Dekker")
    page.fill("#id_registration_date", "2026-01-05")
    page.click("#submit-id-submit")
    page.wait_for_selector("h1:has-text('Lotte Dekker')")

    page.click(".actions >> text=Intake")
    page.fill("#id_date", "2026-01-12")
    page.fill("#id_motivation", "Wil een praktijkverklaring halen.")
    page.select_option("#id_load_capacity", "moderate")
    page.select_option("#id_outcome", "admitted")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Intake opgeslagen.")

    page.click(".actions >> text=Traject")
    page.select_option("#id_kind", "praktijkverklaring")
    # A mistake first: the end before the start is refused and the input stays.
    page.fill("#id_start", "2026-02-02")
    page.fill("#id_end", "2026-01-01")
    page.select_option("#id_outcome", "behaald")
    page.fill("#id_notes", "Richting horeca")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=De einddatum kan niet voor de startdatum liggen.")
    assert page.input_value("#id_notes") == "Richting horeca"
    page.fill("#id_end", "")
    page.select_option("#id_outcome", "lopend")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Traject opgeslagen.")

    page.click(".actions >> text=Leerwerkplek")
    page.select_option("#id_employer", label="Downies & Brownies")
    # Only the mentors of the chosen employer are offered (static/js/plp.js).
    offered = page.eval_on_selector_all("#id_mentor option:not([hidden])", "os => os.map(o => o.textContent)")
    assert offered[1:] and all("(Downies & Brownies)" in name for name in offered[1:]), offered
    page.select_option("#id_mentor", label="Henk de Boer (Downies & Brownies)")
    page.fill("#id_hours_per_week", "16")
    page.fill("#id_start", "2026-02-02")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Leerwerkplek opgeslagen.")

    page.click(".actions >> text=Contact vastleggen")
    page.fill("#id_date", "2026-02-16")
    page.select_option("#id_kind", "werkplekbezoek")
    page.fill("#id_duration_minutes", "45")
    page.fill("#id_notes", "Gaat goed op de werkvloer, wel moe.")
    page.check("input[name=signals][value=stress]")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Contactmoment opgeslagen.")

    timeline = page.inner_text(".timeline")
    for text in (
        "Werkplekbezoek, 45 min",
        "Signaal: Stress",
        "Leerwerkplek bij Downies & Brownies",
        "Praktijkverklaring gestart",
        "Intake",
        "Aanmelding",
    ):
        assert text in timeline
    assert (
        timeline.index("Werkplekbezoek")
        < timeline.index("Praktijkverklaring gestart")
        < timeline.index("Aanmelding")
    )
    assert "In traject" in page.inner_text("h1")
    assert "Stress" in page.inner_text("#signals-h + div, section[aria-labelledby=signals-h]")
    screenshot(page, f"participant-file-{width}")

    page.goto(f"{live_server.url}/deelnemers/")
    row = page.inner_text("table.caseload tbody tr")
    assert "Lotte Dekker" in row and "1 open signaal" in row
    screenshot(page, f"caseload-{width}")
    page.close()
