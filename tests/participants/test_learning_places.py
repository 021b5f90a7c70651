"""Learning places per employer: the coordinator's page (taken now, free, who) and the
placement form's warning when an employer has no free place."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import LearningPlace, Organisation
from plp.models import AuditEntry
from tests.factories import OrganisationFactory, ParticipantFactory, PlacementFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="Ecosol", kind=Organisation.Kind.EMPLOYER)


def test_coordinator_records_places_and_sees_taken_and_free(coordinator_client, employer):
    today = timezone.localdate()
    url = reverse("participants:learningplace-create")
    data = {"employer": employer.pk, "title": "Groenvoorziening", "places": 2, "start": "2024-01-01"}
    response = coordinator_client.post(url, {**data, "end": "2023-12-31"})
    assert response.status_code == 200 and not LearningPlace.objects.exists()  # ends before it starts
    assert coordinator_client.post(url, data).status_code == 302
    assert AuditEntry.objects.filter(action="participants.learningplace.created").exists()
    LearningPlace.objects.create(
        employer=employer, title="Oud", places=4, start=D(2020, 1, 1), end=D(2020, 12, 31)
    )
    p = ParticipantFactory(first_name="Sanne")
    PlacementFactory(participant=p, employer=employer, start=today - datetime.timedelta(days=10))
    PlacementFactory(employer=employer, start=D(2020, 1, 1), end=D(2020, 6, 1))  # ended
    html = coordinator_client.get(reverse("participants:learningplace-list")).content.decode()
    assert "2 aangeboden" in html and "1 bezet" in html and "1 vrij" in html
    assert p.get_absolute_url() in html


def test_page_queries_do_not_grow(coordinator_client, django_assert_max_num_queries):
    def add(n):
        for _i in range(n):
            e = OrganisationFactory(kind=Organisation.Kind.EMPLOYER)
            LearningPlace.objects.create(employer=e, title="Werk", places=1, start=D(2024, 1, 1))
            PlacementFactory(employer=e, start=D(2024, 2, 1))

    add(2)
    url = reverse("participants:learningplace-list")
    coordinator_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        coordinator_client.get(url)
    add(20)
    with CaptureQueriesContext(connection) as large:
        coordinator_client.get(url)
    assert len(small) == len(large)


def test_placement_form_warns_but_saves_when_no_place_is_free(coach_client, participant, employer):
    TrajectoryFactory(participant=participant, start=D(2024, 1, 1))
    LearningPlace.objects.create(employer=employer, title="Groen", places=1, start=D(2024, 1, 1))
    PlacementFactory(employer=employer, start=D(2024, 1, 1))  # someone else takes the one place
    url = reverse("participants:placement-create", args=[participant.pk])
    start = timezone.localdate().isoformat()
    response = coach_client.post(url, {"employer": employer.pk, "start": start}, follow=True)
    assert participant.placements.count() == 1
    assert "geen vrije leerwerkplek" in response.content.decode()
