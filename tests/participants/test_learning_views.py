import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import LearningGoal, Observation, ObservationStep
from participants.services import learning
from plp.roles import PEER_EXPERT
from tests.factories import LearningGoalFactory, TrajectoryFactory, UserFactory, WorkProcessFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def trajectory(participant):
    return TrajectoryFactory(participant=participant, start=D(2024, 2, 1))


def test_coach_picks_goals_from_two_files(coach_client, participant, trajectory):
    a, b = WorkProcessFactory(), WorkProcessFactory()
    assert a.qualification != b.qualification
    url = reverse("participants:goals-pick", args=[participant.pk, trajectory.pk])
    page = coach_client.get(url)
    assert a.title in page.content.decode() and b.title in page.content.decode()
    response = coach_client.post(url, {"work_processes": [a.pk, b.pk]})
    assert response.status_code == 302
    assert set(trajectory.goals.values_list("work_process", flat=True)) == {a.pk, b.pk}


def test_quick_observation_form(coach_client, participant, trajectory):
    g1, g2 = LearningGoalFactory(trajectory=trajectory), LearningGoalFactory(trajectory=trajectory)
    url = reverse("participants:observation-create", args=[participant.pk, trajectory.pk])
    page = coach_client.get(url)
    assert page.context["form"]["date"].value() == timezone.localdate()
    assert f'name="goal_{g1.pk}"' in page.content.decode()
    response = coach_client.post(
        url,
        {
            "date": "2024-03-04",
            "observer": "coach",
            f"goal_{g1.pk}": "3",
            f"goal_{g2.pk}": "",
            "action": "Tilt",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    obs = Observation.objects.get()
    assert obs.action == "Tilt" and list(obs.steps.values_list("goal", "step")) == [(g1.pk, 3)]


def test_empty_observation_is_refused_and_input_kept(coach_client, participant, trajectory):
    LearningGoalFactory(trajectory=trajectory)
    url = reverse("participants:observation-create", args=[participant.pk, trajectory.pk])
    response = coach_client.post(url, {"date": "2024-03-04", "observer": "coach", "note": "  "})
    assert response.status_code == 200
    assert "Geef voor ten minste" in response.content.decode() or response.context["form"].errors
    assert not Observation.objects.exists()


def test_peer_expert_sees_steps_not_starr(client, participant, trajectory, coach):
    goal = LearningGoalFactory(trajectory=trajectory)
    learning.observation_record(
        by=coach,
        participant=participant,
        trajectory=trajectory,
        date=D(2024, 3, 1),
        observer="coach",
        steps={goal.pk: 4},
        situation="GEHEIM-STARR",
    )
    peer = UserFactory(role=PEER_EXPERT)
    participant.team.add(peer)
    client.force_login(peer)
    for url in (
        reverse("participants:learning", args=[participant.pk, trajectory.pk]),
        reverse("participants:participant-detail", args=[participant.pk]),
    ):
        body = client.get(url).content.decode()
        assert goal.work_process.code in body and "GEHEIM-STARR" not in body
    assert (
        client.get(
            reverse("participants:observation-create", args=[participant.pk, trajectory.pk])
        ).status_code
        == 404
    )


def test_matrix_shows_current_step_and_path(coach_client, participant, trajectory, coach):
    goal = LearningGoalFactory(trajectory=trajectory)
    for day, step in ((1, 1), (8, 3), (15, 2)):
        learning.observation_record(
            by=coach,
            participant=participant,
            trajectory=trajectory,
            date=D(2024, 3, day),
            observer="coach",
            steps={goal.pk: step},
        )
    page = coach_client.get(reverse("participants:participant-detail", args=[participant.pk]))
    table = page.context["learning"][0]
    assert table.rows[0].step == 2 and table.rows[0].last_seen == D(2024, 3, 15)
    assert "Stappen in de tijd: 1, 3, 2" in page.content.decode() or "1, 3, 2" in page.content.decode()
    assert ObservationStep.objects.count() == 3 and LearningGoal.objects.count() == 1


def test_caseload_ready_for_judgment(coach_client, participant, trajectory, coach):
    from tests.factories import ParticipantFactory

    g1, g2 = LearningGoalFactory(trajectory=trajectory), LearningGoalFactory(trajectory=trajectory)
    other = ParticipantFactory(coach=coach)
    LearningGoalFactory(trajectory=TrajectoryFactory(participant=other))

    def record(goal, step, day):
        learning.observation_record(
            by=coach,
            participant=participant,
            trajectory=trajectory,
            date=D(2024, 3, day),
            observer="coach",
            steps={goal.pk: step},
        )

    record(g1, 4, 1)
    record(g2, 4, 2)
    record(g2, 3, 3)  # dropped back: not ready
    url = reverse("participants:caseload") + "?flag=ready"
    assert list(coach_client.get(url).context["page"].object_list) == []
    record(g2, 4, 4)
    rows = coach_client.get(url).context["page"].object_list
    assert [p.pk for p in rows] == [participant.pk] and rows[0].ready
    assert "Klaar voor oordeel" in coach_client.get(reverse("participants:caseload")).content.decode()


def test_credential_records_the_accepted_work_processes_as_a_list(coach_client, participant, trajectory):
    from participants.models import Credential

    g1, g2 = LearningGoalFactory(trajectory=trajectory), LearningGoalFactory(trajectory=trajectory)
    url = reverse("participants:credential-create", args=[participant.pk])
    page = coach_client.get(url)
    assert set(page.context["form"].fields["accepted_work_processes"].queryset) == {
        g1.work_process,
        g2.work_process,
    }
    response = coach_client.post(
        url,
        {
            "kind": "praktijkverklaring",
            "trajectory": trajectory.pk,
            "awarded_on": "2024-06-01",
            "accepted_work_processes": [g1.work_process.pk],
            "work_processes": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(Credential.objects.get().accepted_work_processes.all()) == [g1.work_process]
