"""Text without spaces (a pasted web address, a long code) wraps on a phone: the
participant page and Vandaag never scroll sideways at 390 px."""

import datetime

import pytest
from django.utils import timezone

from participants.models import Reminder, Signal
from plp.roles import COACH
from tests.browser.conftest import log_in
from tests.factories import ParticipantFactory, ProgressEntryFactory, TrajectoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG = "https://example.org/" + "x" * 180


def test_long_words_wrap_on_a_phone(live_server, browser, screenshot):
    coach = UserFactory(username="coach", password="een-lang-wachtwoord", role=COACH)
    today = timezone.localdate()
    lotte = ParticipantFactory(coach=coach, first_name="Lotte", last_name="Dekker")
    TrajectoryFactory(participant=lotte, start=today - datetime.timedelta(days=90))
    Reminder.objects.create(participant=lotte, title=LONG, due_on=today, assigned_to=coach)
    entry = ProgressEntryFactory(participant=lotte, date=today, notes=LONG)
    Signal.objects.create(participant=lotte, entry=entry, kind="stress", raised_on=today)

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "coach", "een-lang-wachtwoord")
    for url, name in (
        (lotte.get_absolute_url(), "long-words-file-390"),
        ("/deelnemers/vandaag/", "long-words-today-390"),
    ):
        page.goto(live_server.url + url)
        page.wait_for_selector("h1")
        assert page.locator(f"text={LONG[:30]}").count() >= 1, url
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, name)
        assert width <= 390, f"{url}: {width} px wide"
