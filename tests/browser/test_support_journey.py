"""A coach on a phone (390 px): takes the attendance of today's group lesson, then
records a support need on a participant's file and settles it from the "Nu" card."""

import datetime

import pytest
from django.utils import timezone

from participants.models import GroupLesson, LessonAttendance, Organisation, SupportNeed
from plp.roles import COACH
from tests.browser.conftest import log_in
from tests.factories import OrganisationFactory, ParticipantFactory, TrajectoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_take_attendance_and_record_and_settle_a_support_need(live_server, browser, screenshot):
    coach = UserFactory(username="coach", password="een-lang-wachtwoord", role=COACH)
    today = timezone.localdate()
    lotte = ParticipantFactory(coach=coach, first_name="Lotte", last_name="Dekker")
    sem = ParticipantFactory(coach=coach, first_name="Sem", last_name="Bos")
    for p in (lotte, sem):
        TrajectoryFactory(participant=p, start=today - datetime.timedelta(days=90))
    OrganisationFactory(name="Schuldhulpverlening Haarlem", kind=Organisation.Kind.CHAIN_PARTNER)
    lesson = GroupLesson.objects.create(date=today, start_time="10:00", duration_minutes=60, topic="Rekenen")
    for p in (lotte, sem):
        LessonAttendance.objects.create(lesson=lesson, participant=p)

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "coach", "een-lang-wachtwoord")
    page.goto(f"{live_server.url}/deelnemers/groepslessen/")
    page.click("text=Aanwezigheid")
    page.click(f"label[for=present-{lotte.pk}]")
    page.click(f"label[for=absent-{sem.pk}]")
    page.select_option(f"#reason-{sem.pk}", "afgemeld")
    screenshot(page, "lesson-attendance-390")
    page.click("text=Aanwezigheid opslaan")
    page.wait_for_selector("text=Aanwezigheid opgeslagen.")
    marks = dict(LessonAttendance.objects.values_list("participant__first_name", "present"))
    assert marks == {"Lotte": True, "Sem": False}
    assert LessonAttendance.objects.get(participant=sem).absence == "afgemeld"

    page.goto(f"{live_server.url}{lotte.get_absolute_url()}")
    assert "Groepsles: Rekenen" in page.inner_text("body")
    page.click(".actions >> text=Ondersteuningsvraag")
    page.select_option("#id_kind", "financien")
    page.fill("#id_description", "Betalingsachterstand huur")
    page.select_option("#id_partner", label="Schuldhulpverlening Haarlem")
    page.fill("#id_contact_person", "Fatima")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Ondersteuningsvraag opgeslagen.")
    now = page.locator("section[aria-labelledby=now-h]")
    assert "Financiën en schulden" in now.inner_text() and "Schuldhulpverlening Haarlem" in now.inner_text()
    screenshot(page, "support-need-now-390")

    now.locator("text=Afsluiten").click()
    page.check("input[value=geregeld]")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Ondersteuningsvraag afgesloten.")
    need = SupportNeed.objects.get()
    assert (need.status, need.closed_on) == ("geregeld", today)
    assert "Financiën en schulden" not in page.inner_text("section[aria-labelledby=now-h]")
    page.close()
