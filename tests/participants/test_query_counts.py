"""The caseload and the participant page run a fixed number of queries, whatever the
number of participants or entries. Pinned at two sizes so N+1 cannot come back."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CredentialFactory,
    ParticipantFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def fill_caseload(coach, n):
    for p in ParticipantFactory.create_batch(n, coach=coach):
        TrajectoryFactory(participant=p)
        PlacementFactory(participant=p)
        ProgressEntryFactory(participant=p)
        SignalFactory(participant=p)


def count(client, url, **params) -> int:
    client.get(url, params)  # warm: the session renewal write happens at most once a minute
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "a"}, {"flag": "signals"}, {"page": 2}])
def test_caseload_queries_do_not_grow(coach_client, coach, params):
    url = reverse("participants:caseload")
    fill_caseload(coach, 5)
    small = count(coach_client, url, **params)
    fill_caseload(coach, 195)
    assert count(coach_client, url, **params) == small <= (7 if "q" in params else 6)


def fill_ready(coach, n):
    """n participants ready for judgment: one goal, observed at step 4."""
    from participants.models import Observation, ObservationStep
    from tests.factories import LearningGoalFactory

    for p in ParticipantFactory.create_batch(n, coach=coach):
        goal = LearningGoalFactory(trajectory=TrajectoryFactory(participant=p))
        obs = Observation.objects.create(participant=p, trajectory=goal.trajectory, date=D(2024, 3, 1))
        ObservationStep.objects.create(observation=obs, goal=goal, step=4, date=obs.date, participant=p)


def test_ready_for_judgment_queries_do_not_grow(coach_client, coach):
    url = reverse("participants:caseload")
    fill_ready(coach, 3)
    small = count(coach_client, url, flag="ready")
    fill_ready(coach, 40)
    assert count(coach_client, url, flag="ready") == small <= 6
    assert coach_client.get(url, {"flag": "ready"}).context["page"].paginator.count == 43


def test_coordinator_caseload_queries_do_not_grow(coordinator_client, coach):
    url = reverse("participants:caseload")
    fill_caseload(coach, 5)
    small = count(coordinator_client, url)
    fill_caseload(coach, 195)
    assert count(coordinator_client, url) == small <= 6


def test_participant_page_queries_do_not_grow(coach_client, participant):
    url = participant.get_absolute_url()
    t = TrajectoryFactory(participant=participant)
    PlacementFactory(participant=participant)
    CredentialFactory(participant=participant, trajectory=t)

    def add_entries(n):
        for i in range(n):
            e = ProgressEntryFactory(participant=participant, date=D(2024, 1, 1) + datetime.timedelta(days=i))
            SignalFactory(participant=participant, entry=e)

    add_entries(5)
    small = count(coach_client, url)
    add_entries(195)
    assert count(coach_client, url) == small <= 10  # 10: the learning goals of the trajectory


def test_participant_page_learning_matrix_queries_do_not_grow(coach_client, participant, coach):
    """The matrix costs two queries (goals, steps) with 1 goal or 30 and 200 observations."""
    from participants.services import learning
    from tests.factories import LearningGoalFactory

    t = TrajectoryFactory(participant=participant, start=D(2024, 1, 1))
    url = participant.get_absolute_url()
    first = LearningGoalFactory(trajectory=t)
    learning.observation_record(
        by=coach,
        participant=participant,
        trajectory=t,
        date=D(2024, 1, 2),
        observer="coach",
        steps={first.pk: 1},
    )
    small = count(coach_client, url)
    goals = [first] + [LearningGoalFactory(trajectory=t) for _ in range(29)]
    for i in range(199):
        learning.observation_record(
            by=coach,
            participant=participant,
            trajectory=t,
            date=D(2024, 1, 3) + datetime.timedelta(days=i),
            observer="coach",
            steps={goals[i % 30].pk: 1 + i % 4, goals[(i + 7) % 30].pk: 1 + (i + 1) % 4},
        )
    assert count(coach_client, url) == small == 11
    learning_url = reverse("participants:learning", args=[participant.pk, t.pk])
    small_page = count(coach_client, learning_url)
    learning.observation_record(
        by=coach,
        participant=participant,
        trajectory=t,
        date=D(2024, 9, 1),
        observer="coach",
        steps={first.pk: 4},
    )
    assert count(coach_client, learning_url) == small_page
