"""One lifecycle rule: the SQL and Python forms of "has left", the phase, closed_on and
the report's rule 7 agree on a table of cases, re-entry included."""

import datetime

import pytest

from participants import lifecycle, services
from participants.lifecycle import Phase
from participants.models import (
    Dropout,
    DropoutReason,
    Intake,
    Outflow,
    Participant,
    Pause,
    ReEntry,
    Trajectory,
)
from reporting.figures import Period, compute_figures, participants_in
from tests.factories import ParticipantFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date

# Each case: trajectories (kind, start, end), dropouts, outflows, re-entries (dates).
CASES = {
    "running": ([("praktijkverklaring", D(2024, 2, 1), None)], [], [], []),
    "dropped out": ([("praktijkverklaring", D(2024, 2, 1), D(2024, 6, 1))], [D(2024, 6, 1)], [], []),
    "outflow": ([("mbo-certificaat", D(2024, 2, 1), D(2024, 9, 30))], [], [D(2024, 9, 30)], []),
    "re-entered, new trajectory": (
        [("praktijkverklaring", D(2024, 2, 1), D(2024, 6, 1)), ("praktijkverklaring", D(2025, 2, 1), None)],
        [D(2024, 6, 1)],
        [],
        [D(2025, 1, 10)],
    ),
    "re-entered on the day of leaving": (
        [("voortraject", D(2024, 2, 1), None)],
        [D(2024, 6, 1)],
        [],
        [D(2024, 6, 1)],
    ),
    "re-entered, then left again": (
        [("praktijkverklaring", D(2024, 2, 1), None)],
        [D(2024, 6, 1), D(2025, 3, 1)],
        [],
        [D(2024, 9, 1)],
    ),
    "outflow and dropout on one day": (
        [("praktijkverklaring", D(2024, 2, 1), None)],
        [D(2024, 6, 1)],
        [D(2024, 6, 1)],
        [],
    ),
    "outflow after re-entry from dropout": (
        [("praktijkverklaring", D(2024, 2, 1), None)],
        [D(2024, 3, 1)],
        [D(2024, 10, 1)],
        [D(2024, 4, 1)],
    ),
    "dropout dated ahead": ([("praktijkverklaring", D(2024, 2, 1), None)], [D(2025, 6, 1)], [], []),
    "re-entry dated ahead": (
        [("praktijkverklaring", D(2024, 2, 1), None)],
        [D(2024, 6, 1)],
        [],
        [D(2025, 6, 1)],
    ),
}
DAYS = [D(2024, 1, 15), D(2024, 3, 1), D(2024, 5, 31), D(2024, 6, 1), D(2024, 8, 1)]
DAYS += [D(2024, 9, 30), D(2024, 12, 31), D(2025, 1, 10), D(2025, 2, 15), D(2025, 8, 1)]


@pytest.fixture
def files():
    made = {}
    for name, (trajectories, dropouts, outflows, reentries) in CASES.items():
        p = ParticipantFactory(last_name=name[:50])
        for kind, start, end in trajectories:
            Trajectory.objects.create(participant=p, kind=kind, start=start, end=end)
        for day in dropouts:
            Dropout.objects.create(participant=p, date=day)
        for day in outflows:
            Outflow.objects.create(participant=p, date=day, kind="betaald werk")
        for day in reentries:
            ReEntry.objects.create(participant=p, date=day, reason="terug")
        made[name] = p
    Participant.objects.refresh_state(D(2020, 1, 1))  # stored phases all stale on DAYS
    return made


def test_sql_and_python_agree_on_every_case_and_day(files):
    for day in DAYS:
        sql_phase = dict(Participant.objects.with_phase(day).values_list("pk", "phase"))
        sql_left = set(Participant.objects.filter(lifecycle.has_left(day)).values_list("pk", flat=True))
        running = set(
            participants_in("lopend_op_peildatum", Period.year(day.year), day, "praktijkverklaring")
        )
        for name, p in files.items():
            python_phase = lifecycle.phase_of(p, day)
            assert sql_phase[p.pk] == python_phase, (name, day)
            assert (p.pk in sql_left) == (lifecycle.exit_of(p, day) is not None), (name, day)
            assert (python_phase in (Phase.DROPPED_OUT, Phase.OUTFLOWED)) == (p.pk in sql_left), (name, day)
            # Rule 7: a running praktijkverklaring counts exactly when its holder is in it.
            if CASES[name][0][-1][0] == "praktijkverklaring":
                counted = p in running
                assert counted == (python_phase in (Phase.IN_TRAJECTORY, Phase.PAUSED)), (name, day)


def test_closed_on_and_stored_phase_follow_the_same_rule(files):
    today = D(2025, 8, 1)
    Participant.objects.refresh_state(today)
    for name, p in files.items():
        p.refresh_from_db()
        exit_ = lifecycle.exit_of(p)
        assert p.closed_on == (exit_.date if exit_ else None), name
        assert p.stored_phase == lifecycle.phase_of(p, today), name
    assert set(Participant.objects.open_files(today)) == {
        p for p in files.values() if lifecycle.exit_of(p, today) is None
    }


def test_a_dropout_dated_ahead_changes_the_phase_on_its_day(files):
    p = files["dropout dated ahead"]
    Participant.objects.filter(pk=p.pk).refresh_state(D(2025, 5, 1))
    p.refresh_from_db()
    assert (p.stored_phase, p.phase_until) == (Phase.IN_TRAJECTORY, D(2025, 6, 1))


def test_rule_7_counts_a_participant_who_re_entered(coach):
    """Trajectory 2024, dropout, re-entry 2025-01, new trajectory 2025-02: on 2025-08-01
    the participant is in a trajectory, and the report counts them as running."""
    p = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=p, kind="praktijkverklaring", start=D(2024, 2, 1))
    reason = DropoutReason.objects.get(code="anders")
    services.dropout_record(by=coach, dropout=Dropout(participant=p, date=D(2024, 6, 1), reason=reason))
    services.reentry_record(by=coach, reentry=ReEntry(participant=p, date=D(2025, 1, 10), reason="terug"))
    services.trajectory_save(
        by=coach, trajectory=Trajectory(participant=p, kind="praktijkverklaring", start=D(2025, 2, 1))
    )
    day = D(2025, 8, 1)
    assert Participant.objects.with_phase(day).get().phase == Phase.IN_TRAJECTORY
    figures = compute_figures(Period.year(2025), day)
    assert figures.lopend_op_peildatum["praktijkverklaring"] == 1
    assert figures.totals.instroom == 0  # instroom counts only the very first start (2024)
    # Before the re-entry, the file was closed and not counted.
    assert compute_figures(Period.year(2024), D(2024, 12, 31)).lopend_op_peildatum["praktijkverklaring"] == 0


def test_first_start_sql_and_python_agree(files):
    sql = dict(Participant.objects.annotate(first=lifecycle.first_start()).values_list("pk", "first"))
    for p in files.values():
        assert sql[p.pk] == lifecycle.first_start_of(p)
    # started_by: "the first start is on or before the row's date", on every exit row,
    # with a trajectory without a start (ignored) and a file without any trajectory.
    Trajectory.objects.create(participant=files["dropout dated ahead"], kind="voortraject", start=None)
    nothing = ParticipantFactory()
    Dropout.objects.create(participant=nothing, date=D(2024, 5, 1))
    Outflow.objects.create(participant=files["running"], date=D(2024, 1, 31), kind="betaald werk")
    for model in (Dropout, Outflow):
        started = set(model.objects.filter(lifecycle.started_by("date")).values_list("pk", flat=True))
        for row in model.objects.select_related("participant"):
            first = lifecycle.first_start_of(row.participant)
            assert (row.pk in started) == (first is not None and first <= row.date), row


def test_the_open_phase_test_agrees_with_the_phase(files):
    """`in_open_phase()` (the attention flags' cheap test) gives the answer of `phase()`
    for every file that has not left, before registration ends too."""
    people = dict(files)
    people["registered"] = ParticipantFactory()
    people["intake only"] = ParticipantFactory()
    Intake.objects.create(participant=people["intake only"], date=D(2024, 1, 1))
    people["paused before a trajectory"] = ParticipantFactory()
    Pause.objects.create(participant=people["paused before a trajectory"], start=D(2024, 3, 1), reason="x")
    people["trajectory ahead"] = ParticipantFactory()
    TrajectoryFactory(participant=people["trajectory ahead"], start=D(2025, 2, 1), end=None)
    for day in DAYS:
        phases = dict(Participant.objects.with_phase(day).values_list("pk", "phase"))
        in_open = set(Participant.objects.filter(lifecycle.in_open_phase(day)).values_list("pk", flat=True))
        for name, p in people.items():
            if lifecycle.exit_of(p, day) is None:
                assert (p.pk in in_open) == (phases[p.pk] in lifecycle.OPEN_PHASES), (name, day)
