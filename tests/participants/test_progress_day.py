"""The hours rollup stays equal to the entries, however the entries are written."""

import datetime

import pytest
from django.db.models import Count, Sum

from participants import services
from participants.models import ProgressDay, ProgressEntry
from tests.factories import ParticipantFactory, ProgressEntryFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def rollup() -> dict:
    return {
        (d.date, d.kind): (d.minutes, d.entries) for d in ProgressDay.objects.all() if d.entries or d.minutes
    }


def from_entries() -> dict:
    rows = ProgressEntry.objects.values_list("date", "kind").annotate(
        m=Sum("duration_minutes"), n=Count("pk")
    )
    return {(d, k): (m, n) for d, k, m, n in rows.order_by()}


def test_rollup_follows_every_kind_of_write(coach):
    p, other = ParticipantFactory(coach=coach), ParticipantFactory()
    entry = ProgressEntryFactory(participant=p, date=D(2025, 3, 1), kind="les", duration_minutes=60)
    ProgressEntryFactory(participant=p, date=D(2025, 3, 1), kind="les", duration_minutes=30)
    ProgressEntry.objects.bulk_create(
        ProgressEntry(participant=other, date=D(2025, 3, day % 3 + 1), kind="coaching", duration_minutes=15)
        for day in range(30)
    )
    assert rollup() == from_entries()
    assert rollup()[(D(2025, 3, 1), "les")] == (90, 2)

    entry.kind, entry.date, entry.duration_minutes = "telefonisch", D(2025, 3, 2), 45
    services.progress_entry_record(by=coach, entry=entry)
    ProgressEntry.objects.filter(participant=other, date=D(2025, 3, 3)).update(duration_minutes=20)
    ProgressEntry.objects.filter(participant=p).update(notes="")  # changes no hours
    assert rollup() == from_entries()
    assert rollup()[(D(2025, 3, 1), "les")] == (30, 1)

    services.record_delete(by=coach, instance=entry)
    other.delete()  # cascades to the entries
    assert rollup() == from_entries() == {(D(2025, 3, 1), "les"): (30, 1)}
