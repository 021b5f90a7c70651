"""A register cell that has text but cannot be read (an impossible date, an unknown
code) gets its own error only: the checks between columns ("is leeg, maar ... is
ingevuld", uitval or uitstroom without a trajectory) count it as filled, and never
report it as empty."""

import pytest

from participants import register
from plp.roles import COACH
from tests.factories import UserFactory

from .test_register import BASE, csv_bytes, plan, snapshot, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = {**BASE, "deelnemernummer": "GOED-1"}


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", role=COACH)


def content(rows: list[dict], fmt: str) -> bytes:
    """The rows as a CSV or an XLSX file with every column of the format."""
    if fmt == "csv":
        return csv_bytes(rows)
    return xlsx_bytes([register.COLUMNS] + [[r.get(c, "") for c in register.COLUMNS] for r in rows])


def cells(p) -> list[tuple[int, str]]:
    """The (row, column) of every error of the plan, in order."""
    return [(row, column) for row, column, _message in p.errors]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_impossible_date_in_a_dependent_column_is_one_error(alice, fmt):
    before = snapshot()
    p = plan(content([GOOD, {**BASE, "traject": "praktijkverklaring", "traject_start": "31-02-2026"}], fmt))
    assert cells(p) == [(3, "traject_start")]
    assert p.messages() == [
        "rij 3, kolom traject_start: ongeldige datum '31-02-2026' (gebruik bijvoorbeeld 01-03-2024)"
    ]
    with pytest.raises(ValueError):
        register.apply_import(p, by=None)
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "change, column",
    [
        ({"voortraject_start": "2024-13-01", "voortraject_eind": "2024-03-01"}, "voortraject_start"),
        ({"plaatsing_start": "30-02-2024"}, "plaatsing_start"),
        ({"uitval_datum": "32-05-2024", "uitval_reden": "anders", "uitval_vervolg": "zorg"}, "uitval_datum"),
        ({"uitstroom_datum": "2024-02-30", "uitstroom_soort": "betaald werk"}, "uitstroom_datum"),
        ({"traject_start": "morgen"}, "traject_start"),
    ],
)
def test_every_unreadable_date_that_others_depend_on_is_one_error(alice, fmt, change, column):
    p = plan(content([{**BASE, **change}], fmt))
    assert cells(p) == [(2, column)], p.messages()
    assert p.messages()[0].startswith(f"rij 2, kolom {column}: ongeldige datum ")


def test_an_unreadable_trajectory_start_is_not_a_missing_trajectory(alice):
    row = {**BASE, "traject_start": "31-02-2024", "uitval_datum": "2024-05-01", "uitval_reden": "anders"}
    assert cells(plan(csv_bytes([row]))) == [(2, "traject_start")]
    voortraject = {**row, "voortraject_start": "2024-06-01", "voortraject_eind": "2024-07-01"}
    assert cells(plan(csv_bytes([voortraject]))) == [(2, "traject_start"), (2, "voortraject_start")]


def test_an_unknown_code_that_others_depend_on_is_one_error(alice):
    row = {**BASE, "uitstroom_datum": "2024-05-01", "uitstroom_soort": "ontslag"}
    assert cells(plan(csv_bytes([row]))) == [(2, "uitstroom_soort")]
    row = {**BASE, "uitval_datum": "2024-05-01", "uitval_reden": "xyz"}
    assert cells(plan(csv_bytes([row]))) == [(2, "uitval_reden")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_truly_empty_cell_is_still_reported(alice, fmt):
    p = plan(content([{**BASE, "traject_start": ""}], fmt))
    assert p.messages() == ["rij 2, kolom traject_start: is leeg, maar traject is ingevuld"]


def test_an_unreadable_cell_counts_as_filled_for_the_column_it_needs(alice):
    row = {**BASE, "traject": "", "traject_start": "31-02-2024"}
    assert plan(csv_bytes([row])).messages() == [
        "rij 2, kolom traject: is leeg, maar traject_start is ingevuld",
        "rij 2, kolom traject_start: ongeldige datum '31-02-2024' (gebruik bijvoorbeeld 01-03-2024)",
    ]
