"""The coach's day: reminders and participants who need attention, one click to log."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import Reminder
from plp.models import AuditEntry
from tests.conftest import form_version
from tests.factories import (
    ParticipantFactory,
    PauseFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db


def active(coach, today, contact_days_ago=2):
    p = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=p, start=today - datetime.timedelta(days=60))
    ProgressEntryFactory(participant=p, date=today - datetime.timedelta(days=contact_days_ago))
    return p


def test_reminder_for_a_colleague_and_done(coach_client, coach, other_coach, participant, coordinator):
    today = timezone.localdate()
    url = reverse("participants:reminder-create", args=[participant.pk])
    data = {"title": "Driegesprek plannen", "due_on": today.isoformat(), "notes": "met leermeester"}
    response = coach_client.post(url, {**data, "assigned_to": other_coach.pk})
    assert response.status_code == 200 and not Reminder.objects.exists()  # bob does not guide her
    assert coach_client.post(url, {**data, "assigned_to": coordinator.pk}).status_code == 302
    reminder = Reminder.objects.get()
    assert (reminder.assigned_to, reminder.created_by) == (coordinator, coach)
    html = coach_client.get(participant.get_absolute_url()).content.decode()
    assert "Driegesprek plannen" in html
    done = reverse("participants:reminder-done", args=[participant.pk, reminder.pk])
    response = coach_client.post(done, {"next": "https://evil.example/"})
    assert response["Location"] == participant.get_absolute_url()
    reminder.refresh_from_db()
    assert reminder.done_on == today
    assert AuditEntry.objects.filter(action="participants.reminder.changed").exists()
    edit = reverse("participants:reminder-edit", args=[participant.pk, reminder.pk])
    assert form_version(coach_client, edit)


def test_today_lists_due_reminders_and_who_needs_attention(coach_client, coach):
    today = timezone.localdate()
    fine = active(coach, today)
    quiet = active(coach, today, contact_days_ago=20)
    worried = active(coach, today)
    SignalFactory(participant=worried, raised_on=today)
    resting = active(coach, today)
    PauseFactory(
        participant=resting, start=today - datetime.timedelta(days=10), end=today + datetime.timedelta(days=5)
    )
    Reminder.objects.create(participant=fine, title="Bellen met UWV", due_on=today, assigned_to=coach)
    Reminder.objects.create(
        participant=fine, title="Later", due_on=today + datetime.timedelta(days=30), assigned_to=coach
    )
    response = coach_client.get(reverse("participants:today"))
    html = response.content.decode()
    assert "Bellen met UWV" in html and "Later" not in html
    names = {p.pk for p in response.context["attention"]}
    assert names == {quiet.pk, worried.pk, resting.pk}
    assert f'href="/deelnemers/{quiet.pk}/entry/nieuw/?next=/deelnemers/vandaag/"' in html
    assert "Pauze eindigt binnen 14 dagen" in html


def test_today_queries_do_not_grow(coach_client, coach):
    today = timezone.localdate()
    url = reverse("participants:today")

    def add(n):
        for _ in range(n):
            p = active(coach, today, contact_days_ago=20)
            Reminder.objects.create(participant=p, title="x", due_on=today, assigned_to=coach)

    add(2)
    coach_client.get(url)
    with CaptureQueriesContext(connection) as small:
        coach_client.get(url)
    add(30)
    with CaptureQueriesContext(connection) as large:
        coach_client.get(url)
    assert len(small) == len(large) <= 6
