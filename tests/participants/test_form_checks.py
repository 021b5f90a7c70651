"""Checks found by using the app: dates that cannot lie ahead, and the audit trail in
words on the account and participant pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.forms import ParticipantForm
from plp.models import AuditEntry
from plp.roles import COORDINATOR

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
