"""SQL compiled once (participants/prepared.py): the same rows and types as the ORM, for
any id and any key, on both databases."""

import datetime

import pytest
from django.db.models import F, Max

from participants import prepared
from participants.models import Participant, ProgressEntry
from participants.prepared import Prepared
from tests.factories import ParticipantFactory, ProgressEntryFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _entries(pk, since):
    return ProgressEntry.objects.filter(participant_id=pk, date__gte=since).order_by("date", "pk")


def test_values_and_annotations_have_the_orm_types_for_each_id_and_key(coach):
    people = [ParticipantFactory(coach=coach) for _ in range(2)]
    for p, days in zip(people, (3, 2), strict=True):
        for i in range(days):
            ProgressEntryFactory(participant=p, date=D(2024, 3, 1 + i))
    values = Prepared(
        lambda pk, since: _entries(pk, since).values("pk", "date", name=F("participant__last_name"))
    )
    latest = Prepared(lambda pk: Participant.objects.filter(coach_id=pk).annotate(last=Max("entries__date")))
    for p in (*people, people[0]):
        for since in (D(2024, 1, 1), D(2024, 3, 2)):
            expected = list(_entries(p.pk, since).values("pk", "date", name=F("participant__last_name")))
            assert values.values(p.pk, since) == expected
    assert len(values.compiled) == 2  # once per key, not per id
    found = {p.pk: p.last for p in latest.objects(coach.pk)}
    assert found == {people[0].pk: D(2024, 3, 3), people[1].pk: D(2024, 3, 2)}  # dates, not text


def test_a_new_day_compiles_again_and_old_days_go(monkeypatch, participant):
    monkeypatch.setattr(prepared, "MAX_COMPILED", 3)
    query = Prepared(lambda pk, since: _entries(pk, since).values("pk"))
    for day in range(1, 8):
        assert query.values(participant.pk, D(2024, 1, day)) == []
        assert len(query.compiled) <= 3
