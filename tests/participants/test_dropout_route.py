"""The route after dropout: a code on the dropout, in the form, the register and the
migration of existing records."""

import datetime

import pytest
from django.urls import reverse

from participants import register
from participants.models import Dropout, DropoutRoute, Participant
from plp.roles import COACH
from tests.factories import UserFactory

from .test_register import BASE, csv_bytes, plan, run

pytestmark = pytest.mark.django_db
D = datetime.date
DROPPED = {**BASE, "uitval_datum": "2024-05-01", "uitval_reden": "anders"}


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", role=COACH)


@pytest.mark.parametrize(
    "typed, code",
    [
        ("dagbesteding", "dagbesteding"),
        (" Individuele Begeleiding ", "individuele_begeleiding"),
        ("individuele_begeleiding", "individuele_begeleiding"),
        ("ANDERE OPLEIDING OF WERK", "opleiding_of_werk"),
        ("Zorg of behandeling", "zorg"),
        ("geen", "geen"),
        ("", "onbekend"),
    ],
)
def test_route_is_code_or_label_any_case_and_empty_is_unknown(alice, typed, code):
    run(csv_bytes([{**DROPPED, "uitval_vervolg": typed}]))
    assert Dropout.objects.get().route == code


def test_an_unknown_route_is_named_by_row_and_column(alice):
    p = plan(csv_bytes([{**DROPPED, "uitval_vervolg": "naar huis"}]))
    assert p.messages()[0].startswith("rij 2, kolom uitval_vervolg: onbekend vervolg na uitval 'naar huis'")


def test_a_route_without_dropout_date_is_an_error(alice):
    p = plan(csv_bytes([{**BASE, "uitval_vervolg": "zorg"}]))
    assert "rij 2, kolom uitval_datum: is leeg, maar uitval_vervolg is ingevuld" in p.messages()


def test_old_files_without_the_column_still_import(alice):
    columns = [c for c in register.COLUMNS if c != "uitval_vervolg"]
    run(csv_bytes([DROPPED], columns=columns))
    assert Dropout.objects.get().route == DropoutRoute.UNKNOWN


def test_an_empty_cell_keeps_the_route_and_export_then_import_changes_nothing(alice):
    run(csv_bytes([{**DROPPED, "uitval_vervolg": "Dagbesteding"}]))
    run(csv_bytes([{**DROPPED, "uitval_vervolg": ""}]))
    assert Dropout.objects.get().route == "dagbesteding"
    for fmt in ("csv", "xlsx"):
        content = register.export_register(Participant.objects.all(), fmt)
        assert plan(content).summary == {"nieuw": 0, "gewijzigd": 0, "ongewijzigd": 1}
    assert b"dagbesteding" in register.export_register(Participant.objects.all(), "csv")
    changed = plan(csv_bytes([{**DROPPED, "uitval_vervolg": "zorg"}]))
    assert changed.rows[0].changes == ["uitval_vervolg"]


def test_the_dropout_form_records_the_route(coach_client, participant):
    from tests.factories import TrajectoryFactory

    TrajectoryFactory(participant=participant, start=D(2024, 1, 1))
    url = reverse("participants:dropout-create", args=[participant.pk])
    reason = register.importing.DropoutReason.objects.get(code="anders")
    response = coach_client.post(
        url,
        {"date": "2024-05-01", "reason": reason.pk, "route": "zorg", "follow_up": "GGZ", "explanation": ""},
    )
    assert response.status_code == 302
    dropout = Dropout.objects.get()
    assert (dropout.route, dropout.follow_up) == ("zorg", "GGZ")


def test_existing_dropouts_get_unknown_and_keep_their_text():
    """Migration 0020 adds the column with this default for every existing row."""
    field = Dropout._meta.get_field("route")
    assert field.default == DropoutRoute.UNKNOWN and not field.null
