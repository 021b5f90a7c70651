"""Follow-up after outflow in Chromium: "Vandaag" asks six months after the outflow,
the coach records the answer, the question goes away and the file shows the answer."""

import pytest
from django.utils import timezone

from participants import services
from participants.models import Outflow, Trajectory
from plp.roles import COACH
from tests.browser.conftest import log_in
from tests.factories import OrganisationFactory, ParticipantFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coach_records_a_follow_up_from_today(live_server, browser, screenshot):
    coach = UserFactory(username="coach", password="een-lang-wachtwoord", role=COACH)
    today = timezone.localdate()
    started, left = services.add_months(today, -15), services.add_months(today, -7)
    p = ParticipantFactory(coach=coach, first_name="Lotte", last_name="Dekker", registration_date=started)
    services.trajectory_save(
        by=coach, trajectory=Trajectory(participant=p, kind="praktijkverklaring", start=started)
    )
    services.outflow_record(
        by=coach,
        outflow=Outflow(
            participant=p, date=left, kind="betaald werk", employer=OrganisationFactory(name="Werkdag")
        ),
    )

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "coach", "een-lang-wachtwoord")
    page.goto(f"{live_server.url}/deelnemers/vandaag/")
    question = page.locator(".list-group-item", has_text="6 maanden na uitstroom")
    assert "Lotte Dekker" in question.inner_text()
    screenshot(page, "followup-today-390")
    question.locator("text=Navragen en vastleggen").click()

    page.fill("#id_notes", "Werkt nog bij Werkdag, 24 uur per week.")
    page.click("#submit-id-submit")  # no answer chosen: refused, the notes stay
    assert "/nazorg/6/" in page.url and page.input_value("#id_notes").startswith("Werkt nog")
    page.check("input[name=still_active][value='1']")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Nazorg opgeslagen.")
    assert "6 maanden na uitstroom" not in page.inner_text("main")

    page.goto(f"{live_server.url}{p.get_absolute_url()}")
    timeline = page.inner_text(".timeline")
    assert "Nazorg na 6 maanden: nog aan het werk of in opleiding" in timeline
    assert "Werkt nog bij Werkdag" in timeline
    assert timeline.index("Nazorg na 6 maanden") < timeline.index("Uitstroom")
    assert (timezone.localdate() - left).days > 180
    screenshot(page, "followup-file-390")
    page.close()
