"""The stored phase: kept by the services, valid until the next start or end of a
trajectory or pause, and never trusted outside the days it holds for."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from participants import services
from participants.models import Participant, Pause, Trajectory
from participants.selectors import set_phases
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DAYS = [D(2024, 1, 15), D(2024, 2, 1), D(2024, 3, 31), D(2024, 4, 1), D(2024, 4, 30), D(2024, 5, 1)]
DAYS += [D(2024, 6, 30), D(2024, 7, 1), D(2025, 1, 1)]


@pytest.fixture
def file(participant, coach):
    """Voortraject Feb-Mar, praktijkverklaring from April to June with a pause in April."""
    for kind, start, end in [
        ("voortraject", D(2024, 2, 1), D(2024, 3, 31)),
        ("praktijkverklaring", D(2024, 4, 1), D(2024, 6, 30)),
    ]:
        services.trajectory_save(
            by=coach,
            trajectory=Trajectory(
                participant=participant, kind=kind, start=start, end=end, outcome="behaald"
            ),
        )
    services.pause_save(
        by=coach,
        pause=Pause(participant=participant, start=D(2024, 4, 10), end=D(2024, 4, 20), reason="ziek"),
    )
    return participant


def phases_on(days):
    return [Participant.objects.with_phase(day).get().phase for day in days]


def test_refresh_stores_the_phase_and_the_next_change(file):
    Participant.objects.refresh_state(D(2024, 3, 15))
    file.refresh_from_db()
    assert (file.stored_phase, file.phase_on, file.phase_until) == (
        "pre_trajectory",
        D(2024, 3, 15),
        D(2024, 4, 1),
    )
    Participant.objects.refresh_state(D(2024, 4, 12))
    file.refresh_from_db()
    assert (file.stored_phase, file.phase_until) == ("paused", D(2024, 4, 21))
    Participant.objects.refresh_state(D(2024, 8, 1))
    file.refresh_from_db()
    assert (file.stored_phase, file.phase_until) == ("completed", None)


def test_the_stored_phase_gives_the_same_answer_as_computing_it_on_every_day(file):
    Participant.objects.update(phase_on=None)  # nothing stored: computed from the records
    truth = phases_on(DAYS)
    assert truth[:4] == ["registered", "pre_trajectory", "pre_trajectory", "in_trajectory"]
    for stored_on in DAYS:
        Participant.objects.refresh_state(stored_on)
        assert phases_on(DAYS) == truth, stored_on
        for day, phase in zip(DAYS, truth, strict=True):
            assert list(Participant.objects.in_phase([phase], day)) == [file]
            row = Participant.objects.get()  # fetched without with_phase(), as the pages do
            assert row.stored_phase_holds(day) == (not Participant.objects.phase_stale(day).exists())
            set_phases([row], day)
            assert row.phase == phase, (stored_on, day)
            others = [p for p in ("paused", "in_trajectory", "completed") if p != phase]
            assert not Participant.objects.in_phase(others, day).exists()


def test_a_stored_phase_that_holds_is_read_not_computed(file):
    # Proof that lists use the stored value: a (deliberately wrong) stored phase that
    # holds today wins over the records; once it expires, the records decide again.
    today = D(2024, 5, 15)
    Participant.objects.update(stored_phase="outflowed", phase_on=today, phase_until=D(2024, 5, 20))
    assert Participant.objects.with_phase(today).get().phase == "outflowed"
    assert Participant.objects.with_phase(D(2024, 5, 20)).get().phase == "in_trajectory"
    assert Participant.objects.with_phase(D(2024, 5, 14)).get().phase == "in_trajectory"


def test_services_keep_the_stored_phase(participant, coach):
    _services_keep_the_stored_phase(coach)


def test_one_clock_in_the_hour_before_amsterdam_midnight(participant, coach):
    """At 23:30 UTC it is already tomorrow in Amsterdam: the services, the stored phase and
    this test all read the day from timezone.localdate()."""
    with time_machine.travel(datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC), tick=False):
        assert timezone.localdate() == D(2026, 1, 16)
        _services_keep_the_stored_phase(coach)


def _services_keep_the_stored_phase(coach):
    participant = services.participant_save(by=coach, participant=ParticipantFactory.build(coach=coach))
    assert Participant.objects.get(pk=participant.pk).stored_phase == "registered"
    today = timezone.localdate()
    services.trajectory_save(
        by=coach, trajectory=Trajectory(participant=participant, kind="praktijkverklaring", start=today)
    )
    participant.refresh_from_db()
    assert (participant.stored_phase, participant.phase_on, participant.phase_until) == (
        "in_trajectory",
        today,
        None,
    )
    pause = services.pause_save(by=coach, pause=Pause(participant=participant, start=today, reason="ziek"))
    participant.refresh_from_db()
    assert participant.stored_phase == "paused"
    services.record_delete(by=coach, instance=pause)
    participant.refresh_from_db()
    assert participant.stored_phase == "in_trajectory"


def test_refresh_phases_updates_expired_rows_only(file, capsys):
    Participant.objects.refresh_state(D(2024, 3, 15))  # expired on 1 April 2024
    fresh = ParticipantFactory()
    Participant.objects.filter(pk=fresh.pk).refresh_state()
    call_command("refresh_phases")
    file.refresh_from_db()
    assert (file.stored_phase, file.phase_on) == ("completed", timezone.localdate())
    assert "fase van 1 deelnemer(s) bijgewerkt" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_connections_run_without_jit():
    # JIT compiled the phase filter's CASE for 450 ms before running it in 5 ms (10k).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
