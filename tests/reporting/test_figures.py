"""The counting rules of DOMAIN.md against hand-built cases, boundaries included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.figures import Period, compute_figures
from tests.factories import (
    CredentialFactory,
    DropoutFactory,
    OrganisationFactory,
    OutflowFactory,
    ParticipantFactory,
    PauseFactory,
    ProgressEntryFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
Y2024, Y2025 = Period.year(2024), Period.year(2025)


def test_instroom_counts_the_first_trajectory_start_once():
    p = ParticipantFactory()
    TrajectoryFactory(
        participant=p, kind="voortraject", start=D(2024, 12, 31), end=D(2025, 1, 31), outcome="behaald"
    )
    TrajectoryFactory(participant=p, kind="praktijkverklaring", start=D(2025, 2, 1))
    assert compute_figures(Y2024).instroom == 1
    assert compute_figures(Y2025).instroom == 0
    assert compute_figures(Y2025).trajectories["praktijkverklaring"] == 1
    assert compute_figures(Y2024).voortraject == 1
    assert compute_figures(Period(D(2024, 1, 1), D(2025, 12, 31))).instroom == 1


def test_year_boundaries_31_december_and_1_january():
    TrajectoryFactory(start=D(2024, 12, 31))
    TrajectoryFactory(start=D(2025, 1, 1))
    assert compute_figures(Y2024).instroom == 1
    assert compute_figures(Y2025).instroom == 1


def test_trajectory_counts_each_participant_once_per_kind():
    p = ParticipantFactory()
    TrajectoryFactory(participant=p, start=D(2025, 1, 1), end=D(2025, 2, 1), outcome="overgestapt")
    TrajectoryFactory(participant=p, start=D(2025, 3, 1))
    assert compute_figures(Y2025).trajectories["praktijkverklaring"] == 1


def test_still_active_at_the_reference_date():
    ref = D(2025, 8, 1)
    ends_on_ref = TrajectoryFactory(start=D(2025, 1, 1), end=ref, outcome="behaald")
    ends_after = TrajectoryFactory(start=D(2025, 1, 1), end=D(2025, 8, 2), outcome="behaald")
    dropout_next_day = TrajectoryFactory(start=D(2025, 1, 1))
    DropoutFactory(participant=dropout_next_day.participant, date=D(2025, 8, 2))
    dropout_on_ref = TrajectoryFactory(start=D(2025, 1, 1))
    DropoutFactory(participant=dropout_on_ref.participant, date=ref)
    outflow_before = TrajectoryFactory(start=D(2025, 1, 1))
    OutflowFactory(participant=outflow_before.participant, date=D(2025, 7, 1))
    paused = TrajectoryFactory(start=D(2025, 1, 1))
    PauseFactory(participant=paused.participant, start=D(2025, 7, 1))
    starts_on_ref = TrajectoryFactory(start=ref, kind="voortraject")
    TrajectoryFactory(start=D(2025, 8, 2), kind="voortraject")  # starts after
    f = compute_figures(Y2025, ref)
    # ends_after, dropout_next_day, paused are still active; ends_on_ref is not.
    assert f.active_at_reference["praktijkverklaring"] == 3
    assert f.active_at_reference["voortraject"] == 1
    assert ends_on_ref and starts_on_ref and ends_after


def test_dropout_outflow_and_reasons():
    t = TrajectoryFactory(start=D(2024, 1, 1))
    DropoutFactory(participant=t.participant, date=D(2025, 3, 1))
    t2 = TrajectoryFactory(start=D(2024, 1, 1))
    DropoutFactory(participant=t2.participant, date=D(2025, 3, 1), reason=None)
    employer = OrganisationFactory(name="Spaarne Werkt")
    for kind, title in [("beschut_werk", "Kloosterkeuken"), ("detachering", "Receptie"), ("anders", "")]:
        o = TrajectoryFactory(start=D(2024, 1, 1))
        OutflowFactory(
            participant=o.participant, date=D(2025, 6, 1), kind=kind, employer=employer, job_title=title
        )
    f = compute_figures(Y2025)
    assert f.dropout == 2
    assert f.dropout_by_reason == {"Anders": 1, "": 1}
    assert (f.outflow, f.outflow_work_or_education) == (3, 2)
    assert f.outflow_by_kind["beschut_werk"] == 1
    assert f.employers[0].employer == "Spaarne Werkt"
    assert f.employers[0].job_titles == ("Kloosterkeuken", "Receptie")
    assert compute_figures(Y2024).dropout == 0


def test_awarded_and_hours():
    CredentialFactory(kind="praktijkverklaring", awarded_on=D(2025, 1, 1))
    CredentialFactory(kind="praktijkverklaring", awarded_on=D(2024, 12, 31))
    ProgressEntryFactory(date=D(2025, 5, 1), kind="les", duration_minutes=60)
    ProgressEntryFactory(date=D(2025, 5, 2), kind="les", duration_minutes=30)
    ProgressEntryFactory(date=D(2024, 5, 2), kind="les", duration_minutes=30)
    f = compute_figures(Y2025)
    assert f.awarded["praktijkverklaring"] == 1
    assert f.minutes_by_entry_kind["les"] == 90
    assert f.minutes_by_entry_kind["coaching"] == 0


def test_query_count_does_not_grow_with_participants():
    def add(n):
        for _ in range(n):
            t = TrajectoryFactory(start=D(2025, 2, 1))
            DropoutFactory(participant=t.participant, date=D(2025, 4, 1))
            ProgressEntryFactory(participant=t.participant, date=D(2025, 3, 1))

    add(3)
    with CaptureQueriesContext(connection) as small:
        compute_figures(Y2025)
    add(60)
    with CaptureQueriesContext(connection) as large:
        compute_figures(Y2025)
    assert len(small) == len(large) <= 12
