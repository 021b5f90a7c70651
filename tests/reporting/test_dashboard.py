"""The coordinator's overview: figures of this year, attention per coach, and links."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.dashboard import attention_per_coach
from tests.factories import (
    DropoutFactory,
    ParticipantFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db


def caseload_for(coach, n, today):
    for _ in range(n):
        p = ParticipantFactory(coach=coach)
        TrajectoryFactory(participant=p, start=today - datetime.timedelta(days=100))
        SignalFactory(participant=p, raised_on=today)
        PlacementFactory(
            participant=p, start=today - datetime.timedelta(days=50), end=today + datetime.timedelta(days=3)
        )
        ProgressEntryFactory(participant=p, date=today - datetime.timedelta(days=30))


def test_attention_per_coach_counts_open_files_only(coach, other_coach):
    today = timezone.localdate()
    caseload_for(coach, 3, today)
    caseload_for(other_coach, 1, today)
    closed = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=closed, start=today - datetime.timedelta(days=100))
    DropoutFactory(participant=closed, date=today - datetime.timedelta(days=5))
    closed.closed_on = today - datetime.timedelta(days=5)
    closed.save()
    rows = {r["coach_id"]: r for r in attention_per_coach(today)}
    assert {k: rows[coach.pk][k] for k in ("files", "signals", "no_contact", "ending")} == dict(
        files=3, signals=3, no_contact=3, ending=3
    )
    assert rows[other_coach.pk]["files"] == 1


def test_dashboard_page_links_numbers_to_participants(coordinator_client, coach):
    today = timezone.localdate()
    caseload_for(coach, 2, today)
    response = coordinator_client.get(reverse("reporting:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="trace"' in html and f"?coach={coach.pk}&amp;flag=signals" in html
    assert "<svg" in html


def test_dashboard_is_for_coordinators(coach_client):
    assert coach_client.get(reverse("reporting:dashboard")).status_code == 403


def test_dashboard_queries_do_not_grow(coordinator_client, coach, other_coach):
    today = timezone.localdate()
    url = reverse("reporting:dashboard")
    caseload_for(coach, 2, today)
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as small:
        coordinator_client.get(url)
    caseload_for(other_coach, 40, today)
    with CaptureQueriesContext(connection) as large:
        coordinator_client.get(url)
    assert len(small) == len(large)
