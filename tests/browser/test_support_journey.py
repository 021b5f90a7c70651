"""A coach on a phone (390 px): plans today's group lesson (searching the invite list),
takes its attendance, then records a support need on a participant's file and settles
it from the "Nu" card. And a coordinator plans a lesson without JavaScript."""

import datetime

import pytest
from django.utils import timezone

from participants.models import GroupLesson, LessonAttendance, Organisation, SupportNeed
from plp.roles import COACH, COORDINATOR
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
    ParticipantFactory(first_name="Sanne", last_name="Bos")  # another coach's: never offered

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "coach", "een-lang-wachtwoord")
    # Plan the lesson: search, tick, search again (the ticked stays chosen), save.
    page.goto(f"{live_server.url}/deelnemers/groepslessen/")
    page.click("text=Les of reeks plannen")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_start_time", "10:00")
    page.fill("#id_topic", "Rekenen")
    page.fill("#invite-q", "dekker")
    page.press("#invite-q", "Enter")
    page.wait_for_selector("#invite-status:has-text('1 gevonden')")
    page.check(f"#invite-{lotte.pk}")
    page.fill("#invite-q", "bos")
    page.click("#invite-search-button")
    page.wait_for_selector(f".invite-chosen #invite-{lotte.pk}:checked")
    found = page.locator(".invite-found li").all_inner_texts()
    assert len(found) == 1 and "Sem Bos" in found[0] and sem.number in found[0]  # not Sanne Bos
    page.check(f"#invite-{sem.pk}")
    assert page.input_value("#id_topic") == "Rekenen"
    screenshot(page, "lesson-plan-390")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Les opgeslagen.")
    lesson = GroupLesson.objects.get()
    assert set(lesson.attendances.values_list("participant", flat=True)) == {lotte.pk, sem.pk}

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


def test_plan_a_lesson_without_javascript(live_server, browser, screenshot):
    """Search, filter by coach, choose everyone found, untick one, a form error, save:
    the invite list needs no script, and nothing typed or chosen is lost."""
    UserFactory(username="coordinator", password="een-lang-wachtwoord", role=COORDINATOR)
    coach = UserFactory(username="coach", first_name="Jasper", last_name="Visser", role=COACH)
    mine = [ParticipantFactory(coach=coach, last_name=f"Visser-{i}") for i in range(3)]
    ParticipantFactory(first_name="Ander", last_name="Iemand")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-NL", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "coordinator", "een-lang-wachtwoord")
    page.goto(f"{live_server.url}/deelnemers/groepslessen/nieuw/")
    page.fill("#id_start_time", "09:30")
    page.fill("#id_weeks", "8")
    page.select_option("#invite-coach", str(coach.pk))
    page.click("#invite-search-button")
    page.wait_for_selector("text=Gevonden: 3")
    page.click("text=Alle 3 gevonden kiezen")
    page.wait_for_selector("text=Gekozen: 3 deelnemers")
    page.uncheck(f"#invite-{mine[0].pk}")
    page.fill("#id_topic", "Solliciteren")
    page.fill("#id_duration_minutes", "800")
    page.click("#submit-id-submit")  # longer than a day allows: an error, the rest kept
    page.wait_for_selector("text=Verbeter de fouten hieronder.")
    assert page.input_value("#id_start_time") == "09:30" and page.input_value("#id_weeks") == "8"
    assert page.input_value("#id_topic") == "Solliciteren"
    assert page.locator(".invite-chosen input:checked").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "lesson-plan-nojs-390")
    page.fill("#id_duration_minutes", "60")
    page.click("#submit-id-submit")
    page.wait_for_selector("text=Les opgeslagen.")
    assert GroupLesson.objects.count() == 8
    invited = set(LessonAttendance.objects.values_list("participant", flat=True))
    assert invited == {mine[1].pk, mine[2].pk}
    context.close()
