import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants.models import Observation, ObservationStep
from participants.services import learning
from plp.models import AuditEntry
from tests.factories import LearningGoalFactory, TrajectoryFactory, WorkProcessFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def goal(participant):
    return LearningGoalFactory(trajectory=TrajectoryFactory(participant=participant, start=D(2024, 2, 1)))


def record(goal, by, on=D(2024, 3, 1), steps=None, **texts):
    t = goal.trajectory
    return learning.observation_record(
        by=by,
        participant=t.participant,
        trajectory=t,
        date=on,
        observer=Observation.Observer.COACH,
        steps={goal.pk: 2} if steps is None else steps,
        **texts,
    )


def test_observation_copies_date_and_participant_and_audits(goal, coach):
    obs = record(goal, coach, situation="In de kantine.")
    step = ObservationStep.objects.get()
    assert (step.observation, step.goal, step.step, step.date, step.participant_id) == (
        obs,
        goal,
        2,
        D(2024, 3, 1),
        goal.trajectory.participant_id,
    )
    entry = AuditEntry.objects.get(action="participants.observation.created")
    assert entry.data == {"steps": {str(goal.pk): 2}}
    assert entry.user == coach and obs.author == coach


def test_observation_needs_a_step_or_text(goal, coach):
    with pytest.raises(ValidationError):
        record(goal, coach, steps={}, situation="  ")
    record(goal, coach, steps={}, reflection="Ging goed.")
    assert Observation.objects.count() == 1


@pytest.mark.parametrize("step", [0, 5])
def test_steps_are_one_to_four(goal, coach, step):
    with pytest.raises(ValidationError):
        record(goal, coach, steps={goal.pk: step})
    assert not Observation.objects.exists()


def test_observation_dates_within_trajectory_and_not_in_future(goal, coach):
    with pytest.raises(ValidationError) as e:
        record(goal, coach, on=D(2024, 1, 31))
    assert "date" in e.value.message_dict
    with pytest.raises(ValidationError):
        record(goal, coach, on=timezone.localdate() + datetime.timedelta(days=1))
    record(goal, coach, on=D(2024, 2, 1))


def test_goal_of_another_trajectory_is_refused(goal, coach):
    other = LearningGoalFactory()
    with pytest.raises(ValidationError):
        record(goal, coach, steps={other.pk: 3})
    assert not Observation.objects.exists()


def test_goals_only_on_credential_trajectories(participant, coach):
    t = TrajectoryFactory(participant=participant, kind="voortraject")
    with pytest.raises(ValidationError):
        learning.goals_add(by=coach, trajectory=t, work_processes=[WorkProcessFactory()])


def test_goals_add_skips_existing_and_audits(goal, coach):
    wp = WorkProcessFactory()
    made = learning.goals_add(
        by=coach,
        trajectory=goal.trajectory,
        work_processes=[goal.work_process, wp],
        assignments={wp.pk: "Kassa."},
    )
    assert [g.work_process for g in made] == [wp] and made[0].assignment == "Kassa."
    assert AuditEntry.objects.filter(action="participants.learninggoal.created").count() == 1


def test_goal_with_evidence_cannot_be_removed(goal, coach):
    record(goal, coach)
    with pytest.raises(ValidationError):
        learning.goal_delete(by=coach, goal=goal)


def test_mentor_link_passes_its_own_audit(goal):
    record_kwargs = dict(audit_action="participants.observation.created_by_mentor", audit_data={"link": 7})
    t = goal.trajectory
    obs = learning.observation_record(
        by=None,
        participant=t.participant,
        trajectory=t,
        date=D(2024, 3, 2),
        observer=Observation.Observer.MENTOR_LINK,
        steps={goal.pk: 3},
        **record_kwargs,
    )
    entry = AuditEntry.objects.get(action="participants.observation.created_by_mentor")
    assert entry.user is None and entry.data["link"] == 7 and obs.author is None
