"""Support needs: recorded and settled by the assigned coach or a coordinator, on the
"Nu" card and on Vandaag, never shown to peer experts, erased by anonymising."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import privacy, services
from participants.models import Organisation, SupportNeed
from plp.models import AuditEntry
from plp.roles import PEER_EXPERT
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def partner(db):
    return OrganisationFactory(name="Sociaal wijkteam Noord", kind=Organisation.Kind.CHAIN_PARTNER)


def need(participant, **kwargs):
    return SupportNeed.objects.create(
        participant=participant, **{"kind": "vervoer", "since": timezone.localdate(), **kwargs}
    )


def test_record_and_settle_through_the_pages(coach_client, coach, participant, partner):
    url = reverse("participants:supportneed-create", args=[participant.pk])
    data = {
        "kind": "financien",
        "description": "Schulden bij de zorgverzekeraar",
        "since": "2024-02-01",
        "partner": partner.pk,
        "contact_person": "Fatima",
    }
    assert coach_client.post(url, data).status_code == 302
    n = SupportNeed.objects.get()
    assert (n.status, n.closed_on, n.created_by) == ("open", None, coach)
    page = coach_client.get(participant.get_absolute_url()).content.decode()
    assert "Financiën en schulden" in page and "Sociaal wijkteam Noord" in page
    settle = reverse("participants:supportneed-settle", args=[participant.pk, n.pk])
    response = coach_client.post(settle, {"status": "geregeld", "closed_on": "2024-01-31"})
    assert response.status_code == 200 and "voordat hij begon" in response.content.decode()
    assert coach_client.post(settle, {"status": "geregeld", "closed_on": "2024-03-01"}).status_code == 302
    n.refresh_from_db()
    assert (n.status, n.closed_on) == ("geregeld", D(2024, 3, 1))
    actions = list(
        AuditEntry.objects.filter(action__startswith="participants.supportneed").values_list("action", "data")
    )
    assert ("participants.supportneed.settled", {"status": "geregeld"}) in actions
    assert "Schulden" not in json.dumps(actions)
    assert coach_client.post(settle, {"status": "geregeld", "closed_on": "2024-03-02"}).status_code == 200


def test_only_chain_partners_and_a_closed_need_has_a_date(coordinator, participant):
    employer = OrganisationFactory(kind=Organisation.Kind.EMPLOYER)
    with pytest.raises(ValidationError):
        services.support_need_save(
            by=coordinator,
            need=SupportNeed(participant=participant, kind="wonen", since=D(2024, 1, 1), partner=employer),
        )
    with pytest.raises(ValidationError):
        services.support_need_save(
            by=coordinator,
            need=SupportNeed(participant=participant, kind="wonen", since=D(2024, 1, 1), status="geregeld"),
        )
    with pytest.raises(ValidationError):
        services.support_need_save(
            by=coordinator,
            need=SupportNeed(
                participant=participant,
                kind="wonen",
                since=D(2024, 2, 1),
                status="geregeld",
                closed_on=D(2024, 1, 1),
            ),
        )
    with pytest.raises(ValidationError):
        services.support_need_save(
            by=coordinator,
            need=SupportNeed(
                participant=participant, kind="wonen", since=timezone.localdate() + datetime.timedelta(1)
            ),
        )
    assert not SupportNeed.objects.exists()


def test_peer_experts_never_see_support_needs(client, participant):
    need(participant, description="Schulden")
    peer = UserFactory(username="peer", role=PEER_EXPERT)
    participant.team.add(peer)
    client.force_login(peer)
    page = client.get(participant.get_absolute_url()).content.decode()
    assert "Ondersteuningsvraag" not in page and "Vervoer" not in page and "Schulden" not in page


def test_vandaag_lists_needs_open_longer_than_30_days(coach_client, participant, other_coach):
    today = timezone.localdate()
    need(participant, kind="wonen", since=today - datetime.timedelta(days=31))
    need(participant, kind="vervoer", since=today - datetime.timedelta(days=30))
    need(
        participant,
        kind="dagstructuur",
        since=today - datetime.timedelta(days=90),
        status="geregeld",
        closed_on=today,
    )
    html = coach_client.get(reverse("participants:today")).content.decode()
    assert "langer dan 30 dagen" in html and "Wonen" in html
    assert "Vervoer" not in html and "Dagstructuur" not in html
    coach_client.force_login(other_coach)
    assert "Wonen" not in coach_client.get(reverse("participants:today")).content.decode()


def test_anonymising_erases_the_text_and_keeps_kinds_and_dates(coordinator, participant, partner):
    need(
        participant,
        kind="financien",
        since=D(2024, 2, 1),
        description="Schulden",
        partner=partner,
        contact_person="Fatima",
    )
    data = json.dumps(privacy.participant_export(participant))
    assert "Schulden" in data and "Fatima" in data
    services.participant_anonymise(by=coordinator, participant=participant)
    n = SupportNeed.objects.get()
    assert (n.kind, n.since, n.status) == ("financien", D(2024, 2, 1), "open")
    assert (n.description, n.partner, n.contact_person) == ("", None, "")
