"""The counting rules against hand-built cases, boundaries included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.figures import NO_REASON, Period, compute_figures, participants_in, target_figures
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
BOTH = Period(D(2024, 1, 1), D(2025, 12, 31))


def row(figures, year):
    return next(r for r in figures.years if r.year == year)


def test_instroom_counts_the_first_trajectory_start_once():
    p = ParticipantFactory()
    TrajectoryFactory(
        participant=p, kind="voortraject", start=D(2024, 12, 31), end=D(2025, 1, 31), outcome="behaald"
    )
    TrajectoryFactory(participant=p, kind="praktijkverklaring", start=D(2025, 2, 1))
    f = compute_figures(BOTH)
    assert (row(f, 2024).instroom, row(f, 2025).instroom, f.totals.instroom) == (1, 0, 1)
    assert row(f, 2024).voortraject == 1
    assert row(f, 2025).trajecten["praktijkverklaring"] == 1
    assert compute_figures(Y2025).totals.instroom == 0
    assert list(participants_in("instroom", BOTH)) == [p]


def test_year_boundaries_31_december_and_1_january():
    a = TrajectoryFactory(start=D(2024, 12, 31))
    b = TrajectoryFactory(start=D(2025, 1, 1))
    f = compute_figures(BOTH)
    assert (row(f, 2024).instroom, row(f, 2025).instroom) == (1, 1)
    assert list(participants_in("instroom", BOTH.clip(2024))) == [a.participant]
    assert list(participants_in("instroom", BOTH.clip(2025))) == [b.participant]


def test_a_period_that_is_not_a_calendar_year():
    TrajectoryFactory(start=D(2024, 3, 31))
    TrajectoryFactory(start=D(2024, 4, 1))
    TrajectoryFactory(start=D(2024, 6, 30))
    TrajectoryFactory(start=D(2024, 7, 1))
    q2 = Period(D(2024, 4, 1), D(2024, 6, 30))
    f = compute_figures(q2)
    assert f.totals.instroom == 2 and [r.year for r in f.years] == [2024]


def test_trajectory_counts_each_participant_once_per_kind():
    p = ParticipantFactory()
    TrajectoryFactory(participant=p, start=D(2025, 1, 1), end=D(2025, 2, 1), outcome="overgestapt")
    TrajectoryFactory(participant=p, start=D(2025, 3, 1))
    assert compute_figures(Y2025).totals.trajecten["praktijkverklaring"] == 1


def test_totals_count_distinct_participants_over_the_period():
    p = ParticipantFactory()
    TrajectoryFactory(participant=p, start=D(2024, 5, 1), end=D(2024, 6, 1), outcome="gestopt")
    TrajectoryFactory(participant=p, start=D(2025, 5, 1))
    f = compute_figures(BOTH)
    assert row(f, 2024).trajecten["praktijkverklaring"] == row(f, 2025).trajecten["praktijkverklaring"] == 1
    assert f.totals.trajecten["praktijkverklaring"] == 1


def test_still_active_at_the_reference_date():
    ref = D(2025, 8, 1)
    TrajectoryFactory(start=D(2025, 1, 1), end=ref, outcome="behaald")  # ends on the date: not active
    TrajectoryFactory(start=D(2025, 1, 1), end=D(2025, 8, 2), outcome="behaald")
    dropout_next_day = TrajectoryFactory(start=D(2025, 1, 1))
    DropoutFactory(participant=dropout_next_day.participant, date=D(2025, 8, 2))
    dropout_on_ref = TrajectoryFactory(start=D(2025, 1, 1))
    DropoutFactory(participant=dropout_on_ref.participant, date=ref)
    outflow_before = TrajectoryFactory(start=D(2025, 1, 1))
    OutflowFactory(participant=outflow_before.participant, date=D(2025, 7, 1))
    paused = TrajectoryFactory(start=D(2025, 1, 1))
    PauseFactory(participant=paused.participant, start=D(2025, 7, 1))
    TrajectoryFactory(start=ref, kind="voortraject")
    TrajectoryFactory(start=D(2025, 8, 2), kind="voortraject")
    f = compute_figures(Y2025, ref)
    assert f.lopend_op_peildatum["praktijkverklaring"] == 3
    assert f.lopend_op_peildatum["voortraject"] == 1
    traced = participants_in("lopend_op_peildatum", Y2025, ref, "praktijkverklaring")
    assert dropout_next_day.participant in traced and paused.participant in traced
    assert dropout_on_ref.participant not in traced and traced.count() == 3


def test_dropout_outflow_reasons_and_employers():
    t = TrajectoryFactory(start=D(2024, 1, 1))
    DropoutFactory(participant=t.participant, date=D(2025, 3, 1))
    t2 = TrajectoryFactory(start=D(2024, 1, 1))
    DropoutFactory(participant=t2.participant, date=D(2025, 3, 1), reason=None)
    employer = OrganisationFactory(name="Spaarne Werkt")
    for kind, title in [("beschut werk", "Kloosterkeuken"), ("detachering", "Receptie"), ("anders", "")]:
        o = TrajectoryFactory(start=D(2024, 1, 1))
        OutflowFactory(
            participant=o.participant, date=D(2025, 6, 1), kind=kind, employer=employer, job_title=title
        )
    f = compute_figures(Y2025)
    assert f.totals.uitval == 2
    assert f.totals.uitval_per_reden["anders"] == 1
    assert f.totals.uitval_per_reden[NO_REASON] == 1
    assert f.totals.uitval_per_reden["mismatch"] == 0
    assert (f.totals.uitstroom, f.totals.uitstroom_werk_of_opleiding) == (3, 2)
    assert f.totals.uitstroom_per_soort["beschut werk"] == 1
    (emp,) = f.werkgevers_met_uitstroom
    assert (emp.werkgever, emp.aantal, emp.functies) == ("Spaarne Werkt", 3, ("Kloosterkeuken", "Receptie"))
    assert compute_figures(Y2024).totals.uitval == 0
    assert participants_in("uitval_per_reden", Y2025, key=NO_REASON).get() == t2.participant
    assert participants_in("werkgever", Y2025, key="Spaarne Werkt").count() == 3


def test_dropout_the_day_after_the_period():
    t = TrajectoryFactory(start=D(2025, 1, 1))
    DropoutFactory(participant=t.participant, date=D(2026, 1, 1))
    assert compute_figures(Y2025).totals.uitval == 0


def test_awarded_and_hours():
    CredentialFactory(kind="praktijkverklaring", awarded_on=D(2025, 1, 1))
    CredentialFactory(kind="praktijkverklaring", awarded_on=D(2024, 12, 31))
    ProgressEntryFactory(date=D(2025, 5, 1), kind="les", duration_minutes=60)
    ProgressEntryFactory(date=D(2025, 5, 2), kind="les", duration_minutes=30)
    ProgressEntryFactory(date=D(2024, 5, 2), kind="les", duration_minutes=30)
    f = compute_figures(Y2025)
    assert f.totals.behaald["praktijkverklaring"] == 1
    assert f.uren["les"] == 1.5
    assert f.uren["coaching"] == 0


def test_json_keys_are_the_interface():
    data = compute_figures(BOTH, D(2025, 8, 1)).as_json()
    assert set(data) == {
        "period",
        "reference_date",
        "years",
        "totals",
        "lopend_op_peildatum",
        "werkgevers_met_uitstroom",
        "uren",
        "lesuren",
        "deelnemersuren_lessen",
        "leerwerkplekken_gerealiseerd",
        "ondersteuning_gestart",
        "ondersteuning_geregeld",
    }
    assert data["period"] == {"from": "2024-01-01", "to": "2025-12-31"}
    assert set(data["years"][0]) == {
        "year",
        "instroom",
        "voortraject",
        "trajecten",
        "behaald",
        "uitval",
        "uitval_per_reden",
        "uitval_per_vervolgroute",
        "uitstroom",
        "uitstroom_per_soort",
        "uitstroom_werk_of_opleiding",
        "uitstroom_duurzaam",
        "werkprocessen_beheerst",
        "deelnemers_met_beheerst_werkproces",
        "gegroeid",
    }
    assert set(data["years"][0]["trajecten"]) == {
        "praktijkverklaring",
        "ervaringscertificaat",
        "deelcertificaat",
    }
    assert set(data["years"][0]["uitval_per_reden"]) == {
        "instapniveau",
        "persoonlijk",
        "mismatch",
        "leerbaarheid",
        "anders",
    }
    assert set(data["years"][0]["uitstroom_per_soort"]) == {
        "betaald werk",
        "beschut werk",
        "participatiebaan",
        "detachering",
        "vervolgopleiding",
        "anders",
    }
    assert set(data["lopend_op_peildatum"]) == {
        "voortraject",
        "praktijkverklaring",
        "ervaringscertificaat",
        "deelcertificaat",
    }


def test_query_count_does_not_grow_with_participants_or_years():
    def add(n):
        for i in range(n):
            t = TrajectoryFactory(start=D(2022 + i % 4, 2, 1))
            DropoutFactory(participant=t.participant, date=D(2025, 4, 1))
            OutflowFactory(participant=TrajectoryFactory(start=D(2024, 1, 1)).participant, date=D(2025, 4, 1))
            ProgressEntryFactory(participant=t.participant, date=D(2025, 3, 1))

    four_years = Period(D(2022, 1, 1), D(2025, 12, 31))
    add(3)
    with CaptureQueriesContext(connection) as small:
        compute_figures(four_years)
    add(60)
    with CaptureQueriesContext(connection) as large:
        compute_figures(four_years)
    with CaptureQueriesContext(connection) as one_year:
        compute_figures(Y2025)
    assert len(small) == len(large) == len(one_year) <= 18  # 12 + 2 (rules 10-11) + 4 (rules 12-15)


@pytest.mark.parametrize("period", [Y2024, Y2025, BOTH, Period(D(2024, 7, 1), D(2025, 6, 30))])
def test_target_figures_are_the_totals_of_compute_figures(demo, period):
    totals = compute_figures(period).totals
    assert target_figures(period) == {
        "instroom": totals.instroom,
        "voortraject": totals.voortraject,
        **totals.trajecten,
        "uitstroom_werk_of_opleiding": totals.uitstroom_werk_of_opleiding,
        "leerwerkplekken_gerealiseerd": compute_figures(period).leerwerkplekken_gerealiseerd,
    }
    assert totals.instroom and totals.uitstroom_werk_of_opleiding  # the demo programme is not empty
