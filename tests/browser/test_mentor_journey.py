"""The workplace mentor's link in Chromium at phone width: the coach makes it, a second
browser without any login opens it, records an observation and a "zorgen" check-in,
and the coach sees the signal on Vandaag and the observation on the participant page.
The mentor's pages are checked with axe-core."""

import pytest

from plp.roles import COACH
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import violations
from tests.factories import ParticipantFactory, UserFactory, mentor_placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentor_records_through_the_link_and_the_coach_sees_it(live_server, browser, screenshot):
    coach = UserFactory(username="coach", password="een-lang-wachtwoord", role=COACH, first_name="Anna")
    p = ParticipantFactory(coach=coach, first_name="Lotte", last_name="Dekker")
    placement = mentor_placement(p)
    phone = {"viewport": {"width": 390, "height": 844}, "locale": "nl-NL"}

    coach_context = browser.new_context(**phone)
    page = coach_context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "coach", "een-lang-wachtwoord")
    page.goto(f"{live_server.url}{p.get_absolute_url()}")
    page.click("text=Link voor leermeester")
    page.click("button:has-text('Link maken')")
    page.wait_for_selector("#mentor-url")
    url = page.input_value("#mentor-url")
    assert "/leermeester/" in url and page.locator("img.mentor-qr").is_visible()
    assert violations(page) == []
    screenshot(page, "mentor-link-coach-390")

    # The mentor: another browser, no login, only the link.
    mentor_context = browser.new_context(**phone)
    mentor = mentor_context.new_page()
    mentor.set_default_timeout(10_000)
    mentor.goto(url)
    assert "Leerroute van Lotte" in mentor.inner_text("h1")
    main = mentor.inner_text("main")
    assert "Dekker" not in main and "Bakkerij De Korenschoof" in main and "Anna" in main
    assert violations(mentor) == []
    goal = placement.participant.trajectories.get().goals.order_by("pk").first()
    mentor.check(f"input[name=goal_{goal.pk}][value='3']")
    mentor.fill("textarea[name=note] >> nth=0", "Weegt het deeg zelf af")
    mentor.click("button:has-text('Observatie opslaan')")
    mentor.wait_for_selector("text=uw observatie is opgeslagen")
    mentor.check("input[name=mood][value=zorgen]")
    mentor.fill("#checkin-title ~ form textarea[name=note]", "Komt vaak moe binnen")
    mentor.click("button:has-text('Versturen')")
    mentor.wait_for_selector("text=De praktijkopleider is op de hoogte")
    assert "Komt vaak moe binnen" in mentor.inner_text("main")
    assert violations(mentor) == []
    screenshot(mentor, "mentor-page-390")
    mentor.set_viewport_size({"width": 1280, "height": 900})
    assert violations(mentor) == []
    screenshot(mentor, "mentor-page-1280")
    mentor_context.close()

    # The coach: the signal on Vandaag, the observation in the file.
    page.goto(f"{live_server.url}/deelnemers/vandaag/")
    attention = page.inner_text("main")
    assert "Lotte Dekker" in attention and "1 open signaal" in attention
    screenshot(page, "mentor-today-390")
    page.goto(f"{live_server.url}{p.get_absolute_url()}")
    file = page.inner_text("main")
    assert "Werkplek" in file and "Link laatst gebruikt" in file
    timeline = page.inner_text(".timeline")
    assert "Observatie van leermeester Henk Mentor (via link)" in timeline
    assert "Weegt het deeg zelf af" in timeline and "Leermeester (via link): Zorgen" in timeline
    screenshot(page, "mentor-file-390")
    coach_context.close()
