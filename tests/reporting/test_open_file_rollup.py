"""The dashboard's open files per phase and its coaches with open files come from rollups
the database keeps beside the participants (OpenPhaseDay, CoachOpenFiles, migration
0029). They equal the live computation over every participant on any day, however the
stored state is written: refresh_state on some or all files on any day (the services,
the nightly refresh), saves, queryset updates, bulk inserts, deletes with their
cascades, COPY on PostgreSQL; on random records, random changes and random days. The
stale files (stored phase empty, ahead or expired) are checked against the phase the
services compute in Python (lifecycle.phase_of), which shares nothing with the SQL."""

import datetime
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants import lifecycle
from participants.models import (
    CoachOpenFiles,
    Dropout,
    Intake,
    OpenPhaseDay,
    Outflow,
    Participant,
    Pause,
    ReEntry,
    Trajectory,
    TrajectoryKind,
)
from reporting.dashboard import _with_open_files, phase_counts
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
BASE = D(2024, 3, 1)
day = st.integers(0, 90).map(lambda n: BASE + datetime.timedelta(days=n))
who = st.integers(0, 3)
coach = st.none() | st.integers(0, 2)
record = st.one_of(
    st.tuples(
        st.just("trajectory"),
        who,
        st.sampled_from(TrajectoryKind.values),
        day,
        st.none() | st.integers(0, 40),
    ),
    st.tuples(st.just("pause"), who, day, st.none() | st.integers(0, 30)),
    st.tuples(st.just("dropout"), who, day),
    st.tuples(st.just("outflow"), who, day),
    st.tuples(st.just("reentry"), who, day),
    st.tuples(st.just("intake"), who),
)
change = st.one_of(
    st.tuples(st.just("refresh"), st.lists(who, max_size=4), day),  # refresh_state on a day
    st.tuples(st.just("records"), st.lists(record, max_size=4), day),  # written, then refreshed
    st.tuples(st.just("coach"), who, coach),  # a queryset update
    st.tuples(st.just("save"), who, coach),  # a save of the whole row
    st.tuples(st.just("close"), who, st.none() | day),
    st.tuples(st.just("forget"), who),  # no stored phase, as before a first refresh
    st.tuples(st.just("delete"), who),
    st.tuples(st.just("new"), st.integers(1, 3), coach),  # a bulk insert
)


def python_phase_counts(on: datetime.date) -> Counter:
    """Open files per phase on a day: the stored phase where it holds, else the phase
    the services compute in Python."""
    found = Counter()
    for p in Participant.objects.all():
        if p.closed_on is None or p.closed_on > on:
            found[p.stored_phase if p.stored_phase_holds(on) else lifecycle.phase_of(p, on)] += 1
    return found


def assert_rollups_are_live(days):
    """OpenPhaseDay and CoachOpenFiles against the participants' rows, and what the
    dashboard reads from them against the live computation, on each of `days`."""
    coaches = Counter(
        Participant.objects.filter(closed_on=None, coach__isnull=False).values_list("coach", flat=True)
    )
    assert {c.coach_id: c.n for c in CoachOpenFiles.objects.all() if c.n} == dict(coaches)
    for on in days:
        holding = Counter(
            p.stored_phase
            for p in Participant.objects.all()
            if p.stored_phase_holds(on) and (p.closed_on is None or p.closed_on > on)
        )
        summed = OpenPhaseDay.objects.filter(date__lte=on).values_list("phase").annotate(n=Sum("n"))
        assert {phase: n for phase, n in summed.order_by() if n} == dict(holding), on
        live = python_phase_counts(on)
        assert phase_counts(on) == live, on
        assert phase_counts(on) == +Participant.objects.open_files(on).phase_counts(on), on
        expected = {
            p.coach_id
            for p in Participant.objects.filter(coach__isnull=False)
            if p.closed_on is None or p.closed_on > on
        }
        assert (
            set(get_user_model().objects.filter(_with_open_files(on)).values_list("pk", flat=True))
            == expected
        )


class Writer:
    def __init__(self):
        self.coaches = [UserFactory() for _ in range(3)]
        self.people = [ParticipantFactory(coach=self.coaches[i % 3]) for i in range(4)]

    def person(self, i: int) -> Participant | None:
        live = [p for p in self.people if Participant.objects.filter(pk=p.pk).exists()]
        return live[i % len(live)] if live else None

    def coach(self, i):
        return None if i is None else self.coaches[i]

    def add(self, r) -> Participant | None:
        p = self.person(r[1])
        if p is None:
            return None
        match r[0]:
            case "trajectory":
                end = None if r[4] is None else r[3] + datetime.timedelta(days=r[4])
                Trajectory.objects.create(participant=p, kind=r[2], start=r[3], end=end)
            case "pause":
                end = None if r[3] is None else r[2] + datetime.timedelta(days=r[3])
                Pause.objects.create(participant=p, start=r[2], end=end, reason="Ziek")
            case "dropout":
                Dropout.objects.create(participant=p, date=r[2])
            case "outflow":
                Outflow.objects.create(participant=p, date=r[2], kind="betaald werk")
            case "reentry":
                ReEntry.objects.create(participant=p, date=r[2], reason="Terug")
            case "intake":
                Intake.objects.get_or_create(participant=p, defaults={"date": BASE})
        return p

    def change(self, c):
        match c:
            case ("refresh", which, on):
                ids = {p.pk for i in which if (p := self.person(i))}
                people = Participant.objects.filter(pk__in=ids) if which else Participant.objects.all()
                people.refresh_state(on)
            case ("records", records, on):
                touched = {p.pk for r in records if (p := self.add(r))}
                Participant.objects.filter(pk__in=touched).refresh_state(on)
            case ("coach", i, c) if p := self.person(i):
                Participant.objects.filter(pk=p.pk).update(coach=self.coach(c))
            case ("save", i, c) if p := self.person(i):
                p.refresh_from_db()
                p.coach = self.coach(c)
                p.save()
            case ("close", i, on) if p := self.person(i):
                Participant.objects.filter(pk=p.pk).update(closed_on=on)
            case ("forget", i) if p := self.person(i):
                Participant.objects.filter(pk=p.pk).update(phase_on=None, phase_until=None)
            case ("delete", i) if p := self.person(i):
                p.delete()
            case ("new", n, c):
                made = [ParticipantFactory.build(coach=self.coach(c)) for _ in range(n)]
                self.people += Participant.objects.bulk_create(made)


checks = st.lists(day, min_size=1, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, max_size=12), first=day, changes=st.lists(change, max_size=6), days=checks)
def test_rollups_give_the_live_open_files(db, records, first, changes, days):
    with transaction.atomic():
        writer = Writer()
        writer.change(("records", records, first))
        assert_rollups_are_live([first, *days])
        for c in changes:
            writer.change(c)
        assert_rollups_are_live([first, *days])
        transaction.set_rollback(True)


def test_each_way_of_writing_the_stored_state(db):
    """Every kind of change once, each followed by the check on days around it."""
    writer = Writer()
    days = [BASE, BASE + datetime.timedelta(days=20), BASE + datetime.timedelta(days=45), D(2030, 1, 1)]
    steps = [
        ("records", [("trajectory", 0, "praktijkverklaring", BASE, 30), ("pause", 1, BASE, 10)], BASE),
        ("records", [("trajectory", 2, "voortraject", BASE, None), ("intake", 3)], BASE),
        ("records", [("outflow", 0, BASE + datetime.timedelta(days=40))], BASE),  # an exit ahead
        ("refresh", [], BASE + datetime.timedelta(days=20)),  # the nightly refresh, later
        ("coach", 1, None),
        ("save", 2, 0),
        ("close", 3, BASE + datetime.timedelta(days=5)),
        ("forget", 2),
        ("new", 2, 1),
        ("delete", 0),
        ("refresh", [1], BASE + datetime.timedelta(days=60)),  # computed on a day still to come
    ]
    for step in steps:
        writer.change(step)
        assert_rollups_are_live(days)
    assert Participant.objects.phase_stale(BASE).exists()  # some counted live on the first day


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_keeps_the_rollups(db):
    from plp.bench.bulk import Table

    coach = UserFactory()
    Table(Participant, ["number", "first_name", "last_name", "coach_id", "stored_phase", "phase_on"]).write(
        f"C-{i}\tA\tB\t{coach.pk}\tintake\t{BASE}" for i in range(3)
    )
    assert CoachOpenFiles.objects.get(coach_id=coach.pk).n == 3
    assert_rollups_are_live([BASE, BASE - datetime.timedelta(days=1)])
