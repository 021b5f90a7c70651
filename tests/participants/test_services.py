import datetime

import pytest
from django.core.exceptions import ValidationError

from participants import services
from participants.models import (
    Credential,
    Dropout,
    DropoutReason,
    Outflow,
    Participant,
    Pause,
    Placement,
    ProgressEntry,
    ReEntry,
    Trajectory,
)
from plp.models import AuditEntry
from tests.factories import OrganisationFactory, PlacementFactory, SignalFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def start(participant, by, kind="praktijkverklaring", on=D(2024, 2, 1)):
    return services.trajectory_save(
        by=by, trajectory=Trajectory(participant=participant, kind=kind, start=on)
    )


def dropout(participant, by, on=D(2024, 5, 1)):
    return services.dropout_record(
        by=by,
        dropout=Dropout(participant=participant, date=on, reason=DropoutReason.objects.get(code="anders")),
    )


def test_trajectory_save_writes_an_audit_entry(participant, coach):
    t = start(participant, coach)
    entry = AuditEntry.objects.get(action="participants.trajectory.created")
    assert (entry.user, entry.participant_id, entry.username) == (coach, participant.pk, "alice")
    assert t.pk


def test_no_dropout_without_a_trajectory(participant, coach):
    with pytest.raises(ValidationError):
        dropout(participant, coach)
    assert not Dropout.objects.exists()


def test_no_dropout_before_the_first_trajectory_start(participant, coach):
    start(participant, coach, on=D(2024, 2, 1))
    with pytest.raises(ValidationError) as error:
        dropout(participant, coach, on=D(2024, 1, 31))
    assert "date" in error.value.message_dict
    dropout(participant, coach, on=D(2024, 2, 1))


def test_no_outflow_before_the_first_trajectory_start(participant, coach):
    start(participant, coach, on=D(2024, 2, 1))
    outflow = Outflow(participant=participant, date=D(2024, 1, 1), kind="betaald werk")
    with pytest.raises(ValidationError):
        services.outflow_record(by=coach, outflow=outflow)
    assert not Outflow.objects.exists()


def test_first_trajectory_cannot_move_after_an_exit(participant, coach):
    t = start(participant, coach, on=D(2024, 2, 1))
    dropout(participant, coach, on=D(2024, 3, 1))
    t.refresh_from_db()
    t.start, t.end = D(2024, 3, 15), D(2024, 3, 20)
    with pytest.raises(ValidationError):
        services.trajectory_save(by=coach, trajectory=t)
    t.refresh_from_db()
    assert t.start == D(2024, 2, 1)


def test_dropout_ends_running_trajectory_placement_and_pause(participant, coach):
    t = start(participant, coach)
    p = services.placement_save(
        by=coach,
        placement=Placement(participant=participant, employer=OrganisationFactory(), start=D(2024, 2, 1)),
    )
    services.pause_save(by=coach, pause=Pause(participant=participant, start=D(2024, 4, 1), reason="ziek"))
    dropout(participant, coach, on=D(2024, 5, 1))
    t.refresh_from_db()
    p.refresh_from_db()
    assert (t.end, t.outcome) == (D(2024, 5, 1), "gestopt")
    assert p.end == D(2024, 5, 1)
    assert Pause.objects.get().end == D(2024, 5, 1)
    assert Participant.objects.with_phase(D(2024, 6, 1)).get().phase == "dropped_out"


def test_no_new_trajectory_after_dropout_without_reentry(participant, coach):
    start(participant, coach)
    dropout(participant, coach, on=D(2024, 5, 1))
    with pytest.raises(ValidationError):
        start(participant, coach, on=D(2024, 9, 1))
    with pytest.raises(ValidationError):  # re-entry before the dropout
        services.reentry_record(
            by=coach, reentry=ReEntry(participant=participant, date=D(2024, 4, 1), reason="x")
        )
    services.reentry_record(
        by=coach, reentry=ReEntry(participant=participant, date=D(2024, 8, 1), reason="Terug")
    )
    with pytest.raises(ValidationError):  # not before the re-entry
        start(participant, coach, on=D(2024, 7, 1))
    start(participant, coach, on=D(2024, 9, 1))
    assert Participant.objects.with_phase(D(2024, 10, 1)).get().phase == "in_trajectory"


def test_reentry_needs_an_exit(participant, coach):
    start(participant, coach)
    with pytest.raises(ValidationError):
        services.reentry_record(
            by=coach, reentry=ReEntry(participant=participant, date=D(2024, 8, 1), reason="x")
        )


def test_a_pause_is_not_dropout(participant, coach):
    t = start(participant, coach)
    services.pause_save(by=coach, pause=Pause(participant=participant, start=D(2024, 4, 1), reason="ziek"))
    t.refresh_from_db()
    assert t.end is None
    assert not Dropout.objects.exists()
    assert Participant.objects.with_phase(D(2024, 4, 2)).get().phase == "paused"


def test_overlapping_pauses_are_refused(participant, coach):
    services.pause_save(by=coach, pause=Pause(participant=participant, start=D(2024, 4, 1), reason="a"))
    with pytest.raises(ValidationError):
        services.pause_save(by=coach, pause=Pause(participant=participant, start=D(2024, 5, 1), reason="b"))


def test_placements_may_not_overlap(participant, coach):
    PlacementFactory(participant=participant, start=D(2024, 1, 1), end=D(2024, 6, 30))
    with pytest.raises(ValidationError):
        services.placement_save(
            by=coach,
            placement=Placement(participant=participant, employer=OrganisationFactory(), start=D(2024, 6, 1)),
        )


def test_switching_placement_ends_the_current_one_and_is_not_dropout(participant, coach):
    start(participant, coach)
    current = PlacementFactory(participant=participant, start=D(2024, 2, 1))
    new = Placement(
        participant=participant, employer=OrganisationFactory(name="Zorgbalans"), start=D(2024, 6, 1)
    )
    services.placement_switch(by=coach, current=current, new=new)
    current.refresh_from_db()
    assert current.end == D(2024, 5, 31)
    assert Placement.objects.filter(end__isnull=True).get().employer.name == "Zorgbalans"
    assert not Dropout.objects.exists()
    assert AuditEntry.objects.filter(action="participants.placement.switched").count() == 1


def test_progress_entry_opens_signals_that_stay_open_until_closed(participant, coach):
    entry = ProgressEntry(participant=participant, date=D(2024, 3, 1), kind="coaching", duration_minutes=45)
    services.progress_entry_record(by=coach, entry=entry, signal_kinds=["stress", "schulden"])
    assert entry.author == coach
    signals = list(participant.signals.order_by("kind"))
    assert [s.kind for s in signals] == ["schulden", "stress"]
    assert all(s.is_open for s in signals)
    services.signal_close(by=coach, signal=signals[0], closed_on=D(2024, 3, 20), note="Budgetcoach")
    signals[0].refresh_from_db()
    assert (signals[0].closed_by, signals[0].is_open) == (coach, False)
    with pytest.raises(ValidationError):
        services.signal_close(by=coach, signal=signals[0], closed_on=D(2024, 3, 21))


def test_signal_cannot_close_before_it_was_raised(participant, coach):
    signal = SignalFactory(participant=participant, raised_on=D(2024, 3, 1))
    with pytest.raises(ValidationError):
        services.signal_close(by=coach, signal=signal, closed_on=D(2024, 2, 1))


def test_credential_marks_its_trajectory_achieved(participant, coach):
    t = TrajectoryFactory(participant=participant, start=D(2024, 2, 1))
    services.credential_award(
        by=coach,
        credential=Credential(participant=participant, trajectory=t, kind=t.kind, awarded_on=D(2024, 9, 1)),
    )
    t.refresh_from_db()
    assert (t.outcome, t.end) == ("behaald", D(2024, 9, 1))


def test_service_failure_leaves_no_trace(participant, coach):
    start(participant, coach)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        dropout(participant, coach, on=D(2023, 1, 1))
    assert AuditEntry.objects.count() == before
    assert participant.trajectories.get().end is None


def test_a_re_entry_can_be_corrected_between_the_exit_and_the_next(participant, coach):
    import datetime

    from django.core.exceptions import ValidationError

    from participants.models import Dropout, DropoutReason, ReEntry, Trajectory

    D = datetime.date
    reason = DropoutReason.objects.get(code="anders")
    services.trajectory_save(
        by=coach,
        trajectory=Trajectory(participant=participant, kind="praktijkverklaring", start=D(2024, 2, 1)),
    )
    services.dropout_record(
        by=coach, dropout=Dropout(participant=participant, date=D(2024, 6, 1), reason=reason)
    )
    reentry = services.reentry_record(
        by=coach, reentry=ReEntry(participant=participant, date=D(2024, 9, 1), reason="terug")
    )
    services.dropout_record(
        by=coach, dropout=Dropout(participant=participant, date=D(2025, 3, 1), reason=reason)
    )
    reentry.date = D(2024, 8, 1)
    services.reentry_record(by=coach, reentry=reentry)
    assert ReEntry.objects.get().date == D(2024, 8, 1)
    for wrong in (D(2024, 5, 1), D(2025, 3, 1)):  # before the exit it answers; after the next one
        reentry.date = wrong
        with pytest.raises(ValidationError):
            services.reentry_record(by=coach, reentry=reentry)
    assert ReEntry.objects.get().date == D(2024, 8, 1)
