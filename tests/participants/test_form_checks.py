"""Checks found by using the app: dates that cannot lie ahead, and the audit trail in
words on the account and participant pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.forms import ParticipantForm
from participants.models import (
    Credential,
    Dropout,
    DropoutReason,
    FollowUp,
    Outflow,
    Pause,
    ProgressEntry,
    Reminder,
)
from plp.models import AuditEntry
from plp.roles import COORDINATOR
from tests.factories import OrganisationFactory, OutflowFactory, PauseFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["birth_date", "registration_date"])
def test_a_birth_or_registration_date_in_the_future_is_refused(field):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {
        "number": "PLP-2026-900",
        "first_name": "Sanne",
        "last_name": "Jansen",
        "registration_date": "2026-01-05",
    }
    data[field] = tomorrow.isoformat()
    form = ParticipantForm(data)
    assert not form.is_valid()
    assert "kan niet in de toekomst liggen" in form.errors[field][0]
    assert form[field].value() == tomorrow.isoformat()  # what was typed is kept


def test_account_activity_and_access_history_show_words_not_codes(
    coordinator_client, coordinator, participant
):
    coordinator_client.get(participant.get_absolute_url())
    entry = AuditEntry.objects.filter(action="participants.participant.viewed").first()
    assert entry.action_label == "Deelnemer: bekeken" and entry.role_label == "Coördinator"
    assert AuditEntry(action="auth.user.role_changed").action_label == "Gebruiker: rol gewijzigd"
    assert AuditEntry(action="something.unknown").action_label == "something.unknown"
    page = coordinator_client.get(reverse("participants:user-edit", args=[coordinator.pk])).content.decode()
    assert "Deelnemer: bekeken" in page and "participants.participant.viewed" not in page
    detail = coordinator_client.get(participant.get_absolute_url()).content.decode()
    assert "<td>Coördinator</td><td>Deelnemer: bekeken</td>" in detail
    assert COORDINATOR not in detail.split("Inzagegeschiedenis")[1].split("</table>")[0].replace(
        "Coördinator", ""
    )


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def test_exits_awards_and_answers_cannot_lie_ahead(coach_client, participant):
    """A dropout, outflow, certificate or follow-up answer dated tomorrow is refused with
    the typed text kept: saved, it made the file contradict itself (still "in trajectory"
    with its trajectories ended, and the exit buttons refusing the real date)."""
    TrajectoryFactory(participant=participant, start=datetime.date(2024, 2, 1))
    employer = OrganisationFactory(name="Spaarne Werkt")
    pk = participant.pk
    posts = [
        (
            "dropout-create",
            {"date": _tomorrow(), "reason": DropoutReason.objects.first().pk, "explanation": "typed"},
            Dropout,
        ),
        (
            "outflow-create",
            {"date": _tomorrow(), "kind": "betaald werk", "employer": employer.pk, "job_title": "typed"},
            Outflow,
        ),
        (
            "credential-create",
            {"kind": "praktijkverklaring", "awarded_on": _tomorrow(), "issuer": ""},
            Credential,
        ),
    ]
    for name, data, model in posts:
        url = reverse(f"participants:{name}", args=[pk])
        page = coach_client.get(url).content.decode()
        assert f'max="{timezone.localdate().isoformat()}"' in page, name  # the phone's picker stops at today
        response = coach_client.post(url, data)
        assert response.status_code == 200, name
        assert "De datum kan niet in de toekomst liggen." in response.content.decode(), name
        assert _tomorrow() in response.content.decode(), name  # what was typed is kept
        assert not model.objects.exists(), name
    outflow = OutflowFactory(participant=participant, date=datetime.date(2024, 5, 1), employer=employer)
    url = reverse("participants:followup-create", args=[pk, outflow.pk, 6])
    response = coach_client.post(url, {"answered_on": _tomorrow(), "still_active": "1", "notes": "typed"})
    assert "De datum kan niet in de toekomst liggen." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_pause_cannot_end_in_the_future_but_may_be_planned(coach_client, participant):
    pause = PauseFactory(participant=participant, start=datetime.date(2024, 4, 1))
    url = reverse("participants:pause-end", args=[participant.pk, pause.pk])
    response = coach_client.post(url, {"end": _tomorrow()})
    assert response.status_code == 200
    assert "geplande einddatum" in response.content.decode()
    pause.refresh_from_db()
    assert pause.end is None  # the coach can still end it on the real day
    assert coach_client.post(url, {"end": timezone.localdate().isoformat()}).status_code == 302
    response = coach_client.post(
        reverse("participants:pause-create", args=[participant.pk]),
        {"start": _tomorrow(), "planned_end": "2099-01-01", "reason": "Operatie gepland"},
    )
    assert response.status_code == 302 and Pause.objects.filter(reason="Operatie gepland").exists()


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_a_date_outside_1900_to_2100_is_refused(coach_client, participant, typed):
    """A typo in the year (0001, 9999) is not a date in a case file: it headed the
    timeline as 31-12-9999."""
    entry = coach_client.post(
        reverse("participants:entry-create", args=[participant.pk]),
        {"date": typed, "kind": "gesprek", "duration_minutes": 30, "notes": "typed"},
    )
    reminder = coach_client.post(
        reverse("participants:reminder-create", args=[participant.pk]),
        {"title": "Bellen", "due_on": typed, "assigned_to": participant.coach_id},
    )
    assert reminder.status_code == 200
    assert "Vul een datum tussen 1900 en 2100 in." in reminder.content.decode()
    assert entry.status_code == 200
    past = typed < "1900"  # a contact moment ahead has its own message
    assert ("Vul een datum tussen 1900 en 2100 in." in entry.content.decode()) is past
    assert ("kan niet in de toekomst liggen" in entry.content.decode()) is not past
    assert not ProgressEntry.objects.exists() and not Reminder.objects.exists()


def test_an_absurd_duration_gets_the_duration_message(coach_client, participant):
    response = coach_client.post(
        reverse("participants:entry-create", args=[participant.pk]),
        {
            "date": "2024-03-01",
            "kind": "gesprek",
            "duration_minutes": "99999999999999999999",
            "notes": "typed",
        },
    )
    html = response.content.decode()
    assert "De duur moet tussen 1 en 1440 minuten liggen." in html and "9223372036854775807" not in html
    assert not ProgressEntry.objects.exists()
