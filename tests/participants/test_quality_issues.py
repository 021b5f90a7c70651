"""The failing records the database keeps (QualityIssue) are exactly those the checks of
participants/quality.py find in the records, however the records are written."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants import quality
from participants.models import (
    Credential,
    Dropout,
    DropoutReason,
    Outflow,
    Participant,
    QualityIssue,
    Trajectory,
)
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
D = datetime.date
day = st.integers(0, 60).map(lambda n: D(2024, 1, 1) + datetime.timedelta(days=n))
who = st.integers(0, 2)
record = st.one_of(
    st.tuples(st.just("trajectory"), who, st.none() | day),
    st.tuples(st.just("dropout"), who, day),
    st.tuples(st.just("outflow"), who, day),
    st.tuples(st.just("credential"), who, day, st.integers(0, 20)),
)
change = st.tuples(
    st.sampled_from(["delete", "move", "shift", "participant", "relink"]), st.integers(0, 99), day
)


def assert_stored_issues_are_the_checks():
    for check in quality.checks():
        if check.stored:
            stored = set(
                QualityIssue.objects.filter(code=check.code).values_list("participant_id", "record_id")
            )
            live = set(check.records.values_list(check.participant_field, "pk"))
            assert stored == live, check.code
    live_counts = {c.code: c.records.values(c.participant_field).distinct().count() for c in quality.checks()}
    assert {q["code"]: q["count"] for q in quality.counts(participants=True)} == {
        code: n for code, n in live_counts.items() if n
    }
    failing = Participant.objects.filter(quality.participants_failing())
    assert set(failing.values_list("pk", flat=True)) == {
        pk for c in quality.checks() for pk in c.records.values_list(c.participant_field, flat=True)
    }


def write(people, records, bulk):
    made = []
    for r in records:
        p = people[r[1]]
        match r[0]:
            case "trajectory":
                made.append(Trajectory(participant=p, kind="praktijkverklaring", start=r[2]))
            case "dropout":
                made.append(Dropout(participant=p, date=r[2]))
            case "outflow":
                made.append(Outflow(participant=p, date=r[2], kind="anders"))
            case "credential":
                ts = list(Trajectory.objects.filter(participant=p))
                t = ts[r[3] % len(ts)] if ts else None
                made.append(
                    Credential(participant=p, trajectory=t, kind="praktijkverklaring", awarded_on=r[2])
                )
    if bulk:
        for model in (Trajectory, Dropout, Outflow, Credential):
            model.objects.bulk_create([m for m in made if isinstance(m, model)])
    else:
        for m in made:
            m.save()


def apply(what, i, d):
    rows = [
        *Trajectory.objects.all(),
        *Dropout.objects.all(),
        *Outflow.objects.all(),
        *Credential.objects.all(),
    ]
    if not rows:
        return
    r = rows[i % len(rows)]
    field = {Trajectory: "start", Credential: "awarded_on"}.get(type(r), "date")
    match what:
        case "delete":
            r.delete()  # a trajectory's credentials lose their link (SET_NULL)
        case "move":
            setattr(r, field, d)
            r.save()
        case "shift":
            type(r).objects.filter(participant=r.participant_id).update(**{field: d})
        case "participant":
            Participant.objects.filter(pk=r.participant_id).delete()
        case "relink" if isinstance(r, Credential):
            r.trajectory = Trajectory.objects.filter(participant=r.participant_id).order_by("?").first()
            r.save()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, max_size=20), changes=st.lists(change, max_size=6), bulk=st.booleans())
def test_stored_issues_follow_the_records(db, records, changes, bulk):
    with transaction.atomic():
        people = [ParticipantFactory() for _ in range(3)]
        write(people, records, bulk)
        assert_stored_issues_are_the_checks()
        for c in changes:
            apply(*c)
            assert_stored_issues_are_the_checks()
        transaction.set_rollback(True)


def test_each_stored_check_finds_its_case(coach):
    p, q = ParticipantFactory(coach=coach), ParticipantFactory()
    t = Trajectory.objects.create(participant=p, kind="praktijkverklaring", start=D(2024, 3, 1))
    Trajectory.objects.create(participant=q, kind="voortraject")  # no start
    reason = DropoutReason.objects.first()
    Dropout.objects.create(participant=p, date=D(2024, 2, 1), reason=reason)  # before the first start
    Outflow.objects.create(participant=q, date=D(2024, 5, 1), kind="anders")  # no start at all
    Credential.objects.create(
        participant=p, trajectory=t, kind="praktijkverklaring", awarded_on=D(2024, 2, 2)
    )
    assert {i["code"]: i["count"] for i in quality.counts()} == {
        "trajectory_start": 1,
        "dropout_date": 1,
        "outflow_date": 1,
        "credential_date": 1,
        "no_coach": 1,
    }
    assert_stored_issues_are_the_checks()
    t.start = D(2024, 1, 1)  # now all of p's records follow the start
    t.save()
    assert {i["code"] for i in quality.counts()} == {"trajectory_start", "outflow_date", "no_coach"}
    assert_stored_issues_are_the_checks()
    assert quality.per_coach() == {None: 1}
    # A credential linked to someone else's trajectory (imported history): moving that
    # trajectory's start changes the check of the credential's participant.
    Credential.objects.create(
        participant=q, trajectory=t, kind="praktijkverklaring", awarded_on=D(2024, 2, 2)
    )
    assert_stored_issues_are_the_checks()
    Trajectory.objects.filter(pk=t.pk).update(start=D(2024, 4, 1))
    assert_stored_issues_are_the_checks()
