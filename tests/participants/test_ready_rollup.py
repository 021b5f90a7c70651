"""The stored latest step of each learning goal and each participant's readiness for
judgment (kept by triggers, migration 0027) equal what the records give, however the
records are written: save, bulk_create, queryset update and delete, a step moved to
another goal, a goal moved to another trajectory, cascades, and rows saved from a stale
copy."""

import datetime
from collections import defaultdict

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.models import (
    LearningGoal,
    Observation,
    ObservationStep,
    Participant,
    Trajectory,
)
from tests.factories import ParticipantFactory, QualificationFileFactory, WorkProcessFactory

pytestmark = pytest.mark.django_db
D = datetime.date
ONGOING, STOPPED = Trajectory.Outcome.ONGOING, "gestopt"


def live_latest() -> dict[int, int | None]:
    """Each goal's step at its latest observation (by date, then record), in Python."""
    latest: dict[int, int | None] = dict.fromkeys(LearningGoal.objects.values_list("pk", flat=True))
    for goal, step in ObservationStep.objects.order_by("date", "pk").values_list("goal_id", "step"):
        latest[goal] = step
    return latest


def live_ready() -> set[int]:
    """Participants whose running trajectories have goals, every one at step 4."""
    latest = live_latest()
    steps = defaultdict(list)
    for goal, pid in LearningGoal.objects.filter(trajectory__outcome=ONGOING).values_list(
        "pk", "trajectory__participant_id"
    ):
        steps[pid].append(latest[goal])
    return {pid for pid, s in steps.items() if s and all(x == 4 for x in s)}


def assert_stored_is_live():
    assert dict(LearningGoal.objects.values_list("pk", "latest_step")) == live_latest()
    assert (
        set(Participant.objects.filter(ready_for_judgment=True).values_list("pk", flat=True)) == live_ready()
    )


class Writer:
    def __init__(self, bulk: bool):
        self.bulk = bulk
        self.people = [ParticipantFactory() for _ in range(3)]
        qualification = QualificationFileFactory()
        self.wps = [WorkProcessFactory(qualification=qualification) for _ in range(3)]

    def save(self, rows):
        if self.bulk:
            return type(rows[0]).objects.bulk_create(rows)
        for row in rows:
            row.save()
        return rows

    def pick(self, model, i):
        rows = list(model.objects.order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def trajectory(self, who, i):
        p = Participant.objects.filter(pk=self.people[who].pk).first()
        if p is None:
            return None
        found = list(Trajectory.objects.filter(participant=p).order_by("pk"))
        if i < len(found):
            return found[i]
        outcome = ONGOING if i % 3 else STOPPED
        return self.save([Trajectory(participant=p, kind="praktijkverklaring", outcome=outcome)])[0]

    def goal(self, trajectory, wp):
        goal = LearningGoal.objects.filter(trajectory=trajectory, work_process=self.wps[wp]).first()
        return goal or self.save([LearningGoal(trajectory=trajectory, work_process=self.wps[wp])])[0]

    def steps(self, who, t, day, given):
        """One observation giving a step to some goals of one trajectory."""
        trajectory = self.trajectory(who, t)
        if trajectory is None:
            return
        obs = Observation.objects.create(
            participant_id=trajectory.participant_id, trajectory=trajectory, date=day, observer="coach"
        )
        rows = [
            ObservationStep(
                observation=obs,
                goal=self.goal(trajectory, wp),
                step=step,
                date=day,
                participant=obs.participant,
            )
            for wp, step in given.items()
        ]
        if rows:
            self.save(rows)

    def change(self, what, i, day, step):
        s, g, t = self.pick(ObservationStep, i), self.pick(LearningGoal, i), self.pick(Trajectory, i)
        match what:
            case "step" if s:
                ObservationStep.objects.filter(pk=s.pk).update(step=step)
            case "date" if s:
                s.date = day
                s.save()
            case "move_step" if s:  # to a goal that has no step of this observation
                taken = ObservationStep.objects.filter(observation=s.observation_id).values("goal")
                other = LearningGoal.objects.exclude(pk__in=taken).order_by("pk")
                if other.exists():
                    ObservationStep.objects.filter(pk=s.pk).update(goal=other[i % other.count()])
            case "delete_step" if s:
                ObservationStep.objects.filter(pk=s.pk).delete()
            case "delete_steps" if g:
                ObservationStep.objects.filter(goal__trajectory=g.trajectory_id).delete()
            case "delete_goal" if g:
                g.delete()
            case "move_goal" if g:
                taken = LearningGoal.objects.filter(work_process=g.work_process_id).values("trajectory")
                other = Trajectory.objects.exclude(pk__in=taken).order_by("pk")
                if other.exists():
                    LearningGoal.objects.filter(pk=g.pk).update(trajectory=other[i % other.count()])
            case "new_goal" if t:
                free = [wp for wp in self.wps if not t.goals.filter(work_process=wp).exists()]
                if free:
                    self.save([LearningGoal(trajectory=t, work_process=free[i % len(free)])])
            case "outcome" if t:
                ongoing = t.outcome != ONGOING
                Trajectory.objects.filter(pk=t.pk).update(
                    outcome=ONGOING if ongoing else STOPPED, end=None if ongoing else day
                )
            case "move_trajectory" if t:
                Trajectory.objects.filter(pk=t.pk).update(participant=self.pick(Participant, i))
            case "delete_trajectory" if t:
                t.delete()
            case "delete_participant":
                Participant.objects.filter(pk=self.people[i % 3].pk).delete()
            case "stale" if g:  # rows read before their records changed, then saved
                goal = LearningGoal.objects.get(pk=g.pk)
                person = Participant.objects.get(pk=goal.trajectory.participant_id)
                obs = Observation.objects.create(
                    participant=person, trajectory_id=goal.trajectory_id, date=day, observer="coach"
                )
                ObservationStep.objects.create(
                    observation=obs, goal=goal, step=step, date=day, participant=person
                )
                goal.assignment = "Anders"
                goal.save()
                person.save()


day = st.integers(0, 20).map(lambda n: D(2024, 3, 1) + datetime.timedelta(days=n))
observation = st.tuples(
    st.integers(0, 2),
    st.integers(0, 2),
    day,
    st.dictionaries(st.integers(0, 2), st.sampled_from([1, 2, 3, 4, 4, 4]), max_size=3),
)
change = st.tuples(
    st.sampled_from(
        [
            "step",
            "date",
            "move_step",
            "delete_step",
            "delete_steps",
            "delete_goal",
            "move_goal",
            "new_goal",
            "outcome",
            "move_trajectory",
            "delete_trajectory",
            "delete_participant",
            "stale",
        ]
    ),
    st.integers(0, 99),
    day,
    st.sampled_from([1, 3, 4]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    observations=st.lists(observation, min_size=1, max_size=12),
    changes=st.lists(change, max_size=6),
    bulk=st.booleans(),
)
def test_stored_ready_is_what_the_records_give(db, observations, changes, bulk):
    with transaction.atomic():
        writer = Writer(bulk)
        for who, t, d, given_steps in observations:
            writer.steps(who, t, d, given_steps)
        assert_stored_is_live()
        for c in changes:
            writer.change(*c)
            assert_stored_is_live()
        transaction.set_rollback(True)


def test_a_tie_on_the_date_goes_to_the_later_record(db):
    writer = Writer(bulk=False)
    writer.steps(0, 1, D(2024, 3, 1), {0: 4})  # a new running trajectory
    writer.steps(0, 0, D(2024, 3, 1), {0: 2})  # the same one
    goal = LearningGoal.objects.get()
    assert goal.latest_step == 2 and not Participant.objects.filter(ready_for_judgment=True).exists()
    ObservationStep.objects.filter(step=2).update(date=D(2024, 2, 1))
    goal.refresh_from_db()
    assert goal.latest_step == 4
    assert list(Participant.objects.filter(ready_for_judgment=True)) == [writer.people[0]]
    assert_stored_is_live()


def test_a_row_saved_from_a_stale_copy_keeps_the_stored_values(db):
    writer = Writer(bulk=False)
    writer.steps(0, 1, D(2024, 3, 1), {0: 4})
    goal, person = LearningGoal.objects.get(), Participant.objects.get(pk=writer.people[0].pk)
    assert goal.latest_step == 4 and person.ready_for_judgment
    writer.steps(0, 0, D(2024, 3, 2), {0: 2})  # fell back, after the copies were read
    goal.assignment = "Anders"
    goal.save()
    person.save()
    assert LearningGoal.objects.get().latest_step == 2
    assert not Participant.objects.get(pk=person.pk).ready_for_judgment
    goal.latest_step, person.ready_for_judgment = 4, True
    LearningGoal.objects.bulk_update([goal], ["latest_step"])
    Participant.objects.filter(pk=person.pk).update(ready_for_judgment=True)
    assert_stored_is_live()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_keeps_the_stored_values(db):
    from plp.bench.bulk import Table

    writer = Writer(bulk=False)
    writer.steps(0, 1, D(2024, 3, 1), {0: 2, 1: 4})
    obs = Observation.objects.create(
        participant=writer.people[0],
        trajectory=Trajectory.objects.get(),
        date=D(2024, 3, 9),
        observer="coach",
    )
    goal = LearningGoal.objects.get(latest_step=2)
    Table(ObservationStep, ["observation_id", "goal_id", "step", "date", "participant_id"]).write(
        [f"{obs.pk}\t{goal.pk}\t4\t2024-03-09\t{writer.people[0].pk}"]
    )
    assert list(Participant.objects.filter(ready_for_judgment=True)) == [writer.people[0]]
    assert_stored_is_live()
