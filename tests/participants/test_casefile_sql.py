"""The participant page reads its records through SQL compiled once (participants/prepared.py):
the same rows as the ORM, for whichever participant, with the ORM's types."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants import casefile
from participants.models import MentorLink, Placement, ProgressEntry, Signal
from participants.prepared import Prepared
from tests.factories import (
    MentorFactory,
    ParticipantFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_prepared_gives_what_the_orm_gives_for_each_participant(participant):
    other = ParticipantFactory(coach=participant.coach)
    for p, days in ((participant, 3), (other, 2)):
        for i in range(days):
            SignalFactory(participant=p, raised_on=D(2024, 3, 1 + i), closed_on=D(2024, 4, 1))
    prepared = Prepared(lambda pk: Signal.objects.filter(participant_id=pk))
    for p in (participant, other, participant):
        objects = prepared.objects(p.pk)
        expected = list(Signal.objects.filter(participant=p))
        assert [(s.pk, s.raised_on, s.closed_on) for s in objects] == [
            (s.pk, s.raised_on, s.closed_on) for s in expected
        ]
        assert all(isinstance(s.raised_on, datetime.date) for s in objects)
    assert len(prepared.compiled) == 1  # compiled once


def test_small_records_have_dates_on_every_database(participant):
    from participants.models import Pause

    Pause.objects.create(participant=participant, start=D(2024, 5, 1), end=D(2024, 5, 20), reason="Ziek")
    (row,) = casefile._small_records(participant)
    assert row[:4] == ("pause", row[1], D(2024, 5, 1), D(2024, 5, 20)) and row[4] == "Ziek"


def test_now_card_shows_employer_mentor_and_when_the_link_was_used(coach_client, participant):
    placement = PlacementFactory(participant=participant, start=D(2024, 1, 1))
    placement.mentor = MentorFactory(organisation=placement.employer, name="Henk Mentor")
    placement.save()
    used = timezone.make_aware(datetime.datetime(2024, 6, 3, 14, 30))  # Amsterdam summer time
    MentorLink.objects.create(
        placement=placement,
        mentor=placement.mentor,
        token_hash="x" * 64,
        created_at=used,
        expires_at=used + datetime.timedelta(days=90),
        last_used_at=used,
    )
    html = coach_client.get(participant.get_absolute_url()).content.decode()
    assert f"<dd>{placement.employer.name}, Henk Mentor" in html
    assert "Link laatst gebruikt: 03-06-2024 14:30" in html
    assert f"Leerwerkplek bij {placement.employer.name}" in html and "Henk Mentor, 16 uur/week" in html
    assert Placement.objects.count() == 1


def test_timeline_shows_the_latest_50_contacts_and_only_their_closed_signals(coach_client, participant):
    entries = [
        ProgressEntryFactory(participant=participant, date=D(2024, 1, 1) + datetime.timedelta(days=i))
        for i in range(51)
    ]
    oldest, newest = entries[0], entries[-1]
    SignalFactory(participant=participant, entry=oldest, closed_on=D(2024, 6, 1), closing_note="Oud opgelost")
    SignalFactory(
        participant=participant, entry=newest, closed_on=D(2024, 6, 2), closing_note="Nieuw opgelost"
    )
    SignalFactory(participant=participant, entry=oldest, kind="schulden")  # open: always shown
    response = coach_client.get(participant.get_absolute_url())
    timeline = response.context["timeline"]
    shown = [ev.obj.pk for ev in timeline if ev.kind == "entry"]
    assert len(shown) == 50 and oldest.pk not in shown and response.context["more_entries"]
    closed = [ev.detail for ev in timeline if ev.kind == "signal-closed"]
    assert closed == ["Nieuw opgelost"]
    assert [s.kind for s in response.context["open_signals"]] == ["schulden"]
    html = response.content.decode()
    assert "Coaching, 60 min" in html and "Signaal: Stress (gesloten 02-06-2024)" in html
    assert ProgressEntry.objects.count() == 51


def test_menu_addresses(coordinator_client):
    html = coordinator_client.get(reverse("participants:caseload")).content.decode()
    for name in ("participants:today", "reporting:dashboard", "participants:user-list", "logout"):
        assert f'href="{reverse(name)}"' in html or f'action="{reverse(name)}"' in html


def test_timeline_escapes_what_users_typed_and_says_when_empty(coach_client, participant):
    participant.registration_date = None
    participant.save()
    html = coach_client.get(participant.get_absolute_url()).content.decode()
    assert "Nog niets vastgelegd." in html
    ProgressEntryFactory(participant=participant, notes='<script>alert("x")</script>\nRegel twee')
    html = coach_client.get(participant.get_absolute_url()).content.decode()
    assert (
        "<script>alert" not in html
        and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Regel twee" in html
    )
