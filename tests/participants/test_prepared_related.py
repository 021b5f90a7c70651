"""`Prepared.related()`: model instances with their `select_related()` objects, the same
as the ORM builds them, for any id, on both databases."""

import datetime

import pytest
from django.db.models import F

from participants.goals import matrix
from participants.models import LearningGoal, Participant
from participants.prepared import Prepared
from tests.factories import (
    LearningGoalFactory,
    OrganisationFactory,
    ParticipantFactory,
    TrajectoryFactory,
    WorkProcessFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _fields(obj) -> dict:
    return {k: v for k, v in obj.__dict__.items() if k != "_state"}


def _same(ours, theirs, path: tuple[str, ...]) -> None:
    """The same class, fields and related objects along `path` (dotted names)."""
    assert type(ours) is type(theirs)
    assert _fields(ours) == _fields(theirs)
    assert ours._state.db == theirs._state.db and ours._state.adding is theirs._state.adding is False
    for dotted in path:
        a, b = ours, theirs
        for name in dotted.split("."):
            assert a._state.fields_cache.keys() == b._state.fields_cache.keys(), dotted
            a, b = getattr(a, name), getattr(b, name)
            if b is None:
                assert a is None, dotted
                break
            assert type(a) is type(b) and _fields(a) == _fields(b), dotted


def _goals(pk):
    return (
        LearningGoal.objects.filter(trajectory__participant_id=pk)
        .select_related("work_process__qualification", "trajectory")
        .annotate(participant_number=F("trajectory__participant__number"))
        .order_by("trajectory_id", "work_process__qualification__crebo", "work_process__code")
    )


def test_nested_related_objects_and_annotations_as_the_orm_gives_them(coach, django_assert_num_queries):
    people = [ParticipantFactory(coach=coach) for _ in range(3)]
    for n, p in enumerate(people[:2]):
        for t in range(2):
            trajectory = TrajectoryFactory(participant=p, start=D(2024, 1 + t, 1))
            for _ in range(2 + n):
                LearningGoalFactory(trajectory=trajectory, work_process=WorkProcessFactory())
    query = Prepared(_goals)
    for p in (*people, people[0]):
        expected = list(_goals(p.pk))
        with django_assert_num_queries(1):
            found = query.related(p.pk)
        assert [g.pk for g in found] == [g.pk for g in expected]
        assert len(found) == (4, 6, 0)[people.index(p)]
        for ours, theirs in zip(found, expected, strict=True):
            _same(ours, theirs, ("work_process.qualification", "trajectory"))
            assert ours.participant_number == p.number
    assert len(query.compiled) == 1


def test_null_foreign_keys_give_none_and_a_one_to_one_sets_both_sides(coach):
    with_all = ParticipantFactory(coach=coach, referrer=OrganisationFactory(name="UWV"))
    without = ParticipantFactory(coach=None)
    query = Prepared(lambda pk: Participant.objects.select_related("coach", "referrer").filter(pk=pk))
    for p in (with_all, without):
        (found,) = query.related(p.pk)
        _same(
            found, Participant.objects.select_related("coach", "referrer").get(pk=p.pk), ("coach", "referrer")
        )
    assert query.related(with_all.pk)[0].referrer.name == "UWV"
    assert query.related(without.pk)[0].coach is None
    assert query.related(10**9) == []


def test_the_matrix_is_the_same_as_with_the_orm_query(coach, monkeypatch):
    """participants/goals.py's matrix with its compiled query, against the ORM's."""
    from participants import goals

    p = ParticipantFactory(coach=coach)
    for t in range(2):
        trajectory = TrajectoryFactory(participant=p, start=D(2024, 1 + t, 1))
        for _ in range(3):
            LearningGoalFactory(trajectory=trajectory, work_process=WorkProcessFactory())
    ours = matrix(p)

    class OrmQuery:
        @staticmethod
        def related(pk):
            return list(
                LearningGoal.objects.filter(trajectory__participant_id=pk)
                .select_related("work_process__qualification", "trajectory")
                .order_by("trajectory_id", "work_process__qualification__crebo", "work_process__code")
            )

    monkeypatch.setattr(goals, "_GOALS", OrmQuery)
    theirs = matrix(p)
    assert [t.trajectory.pk for t in ours] == [t.trajectory.pk for t in theirs] and len(ours) == 2
    for a, b in zip(ours, theirs, strict=True):
        assert [(r.goal.pk, r.goal.work_process.code, r.path) for r in a.rows] == [
            (r.goal.pk, r.goal.work_process.code, r.path) for r in b.rows
        ]
        _same(a.trajectory, b.trajectory, ())


def test_the_file_records_are_those_of_the_orm_queries(participant):
    """participants/casefile.py's records through related(): fields and annotations (a
    subquery's datetime too) equal the ORM's objects, for two participants."""
    from django.utils import timezone

    from participants import casefile
    from participants.models import MentorLink
    from tests.factories import MentorFactory, PlacementFactory, ProgressEntryFactory, SignalFactory

    other = ParticipantFactory(coach=participant.coach)
    for p in (participant, other):
        TrajectoryFactory(participant=p, start=D(2024, 1, 1))
        placement = PlacementFactory(participant=p, start=D(2024, 1, 1))
        placement.mentor = MentorFactory(organisation=placement.employer)
        placement.save()
        used = timezone.make_aware(datetime.datetime(2024, 6, 3, 14, 30))
        MentorLink.objects.create(
            placement=placement,
            mentor=placement.mentor,
            token_hash=f"{p.pk}-".ljust(64, "x"),
            created_at=used,
            expires_at=used + datetime.timedelta(days=90),
            last_used_at=used,
        )
        for i in range(3):
            entry = ProgressEntryFactory(participant=p, date=D(2024, 2, 1 + i))
            SignalFactory(participant=p, entry=entry, closed_on=D(2024, 3, 1) if i else None)
    for name in ("_TRAJECTORIES", "_PLACEMENTS", "_ENTRIES", "_SIGNALS"):
        query = getattr(casefile, name)
        for p in (participant, other):
            found, expected = query.related(p.pk), list(query.build(p.pk))
            assert found and [_fields(a) for a in found] == [_fields(b) for b in expected], name
    (placement,) = casefile._PLACEMENTS.related(participant.pk)
    assert placement.mentor_link_used == timezone.make_aware(datetime.datetime(2024, 6, 3, 14, 30))
