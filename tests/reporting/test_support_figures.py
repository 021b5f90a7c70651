"""Rules 12-15 against hand-built cases, boundaries included."""

import datetime

import pytest

from reporting.figures import Period, compute_figures, participants_in
from tests.factories import DropoutFactory, ParticipantFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date
Y2024, Y2025 = Period.year(2024), Period.year(2025)
BOTH = Period(D(2024, 1, 1), D(2025, 12, 31))


def row(figures, year):
    return next(r for r in figures.years if r.year == year)


def dropped(date, route):
    p = ParticipantFactory()
    TrajectoryFactory(participant=p, start=D(2024, 1, 1))
    DropoutFactory(participant=p, date=date, route=route)
    return p


def test_dropout_per_route_per_year_and_in_the_totals():
    a = dropped(D(2024, 12, 31), "dagbesteding")
    b = dropped(D(2025, 1, 1), "dagbesteding")
    dropped(D(2025, 6, 1), "onbekend")
    dropped(D(2026, 1, 1), "zorg")  # the day after the period
    f = compute_figures(BOTH)
    assert row(f, 2024).uitval_per_vervolgroute["dagbesteding"] == 1
    assert row(f, 2025).uitval_per_vervolgroute == {
        "dagbesteding": 1,
        "individuele_begeleiding": 0,
        "opleiding_of_werk": 0,
        "zorg": 0,
        "geen": 0,
        "onbekend": 1,
    }
    assert f.totals.uitval_per_vervolgroute["dagbesteding"] == 2
    assert f.totals.uitval_per_vervolgroute["zorg"] == 0
    assert sum(f.totals.uitval_per_vervolgroute.values()) == f.totals.uitval
    assert set(participants_in("uitval_per_vervolgroute", BOTH, key="dagbesteding")) == {a, b}
    assert list(participants_in("uitval_per_vervolgroute", Y2025, key="dagbesteding")) == [b]
    data = f.as_json()
    assert data["totals"]["uitval_per_vervolgroute"]["dagbesteding"] == 2
    assert data["years"][0]["uitval_per_vervolgroute"]["dagbesteding"] == 1
