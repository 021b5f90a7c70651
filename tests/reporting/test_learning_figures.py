"""Rules 10-11 (work processes mastered, growth) against hand-built cases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.models import ObservationStep
from reporting.figures import Period, compute_figures, participants_in
from tests.factories import LearningGoalFactory, ParticipantFactory, TrajectoryFactory, WorkProcessFactory

pytestmark = pytest.mark.django_db
D = datetime.date
BOTH = Period(D(2024, 1, 1), D(2025, 12, 31))


def row(figures, year):
    return next(r for r in figures.years if r.year == year)


def steps(goal, *pairs):
    """Steps as the observation service stores them (no observation needed for rules 10-11)."""
    from participants.models import Observation

    for date, step in pairs:
        t = goal.trajectory
        obs = Observation.objects.create(participant=t.participant, trajectory=t, date=date, observer="coach")
        ObservationStep.objects.create(
            observation=obs, goal=goal, step=step, date=date, participant=t.participant
        )


def goal_for(participant, wp=None, start=D(2023, 1, 1)):
    t = TrajectoryFactory(participant=participant, start=start)
    return LearningGoalFactory(trajectory=t, work_process=wp or WorkProcessFactory())


def test_first_step_4_on_31_december_and_1_january():
    a, b = ParticipantFactory(), ParticipantFactory()
    steps(goal_for(a), (D(2024, 6, 1), 3), (D(2024, 12, 31), 4), (D(2025, 3, 1), 4))
    steps(goal_for(b), (D(2025, 1, 1), 4))
    f = compute_figures(BOTH)
    assert (row(f, 2024).werkprocessen_beheerst, row(f, 2025).werkprocessen_beheerst) == (1, 1)
    assert (
        row(f, 2024).deelnemers_met_beheerst_werkproces,
        row(f, 2025).deelnemers_met_beheerst_werkproces,
    ) == (
        1,
        1,
    )
    assert (f.totals.werkprocessen_beheerst, f.totals.deelnemers_met_beheerst_werkproces) == (2, 2)
    assert list(participants_in("werkprocessen_beheerst", BOTH.clip(2024))) == [a]
    assert list(participants_in("deelnemers_met_beheerst_werkproces", BOTH.clip(2025))) == [b]


def test_a_drop_from_4_to_3_and_back_counts_once():
    p = ParticipantFactory()
    g = goal_for(p)
    steps(g, (D(2024, 3, 1), 2), (D(2024, 4, 1), 4), (D(2024, 5, 1), 3), (D(2025, 2, 1), 4))
    f = compute_figures(BOTH)
    assert (row(f, 2024).werkprocessen_beheerst, row(f, 2025).werkprocessen_beheerst) == (1, 0)
    assert f.totals.werkprocessen_beheerst == 1
    # Growth: 2->4 in 2024, 3->4 in 2025 (higher than the step just before); the participant once per period.
    assert (row(f, 2024).gegroeid, row(f, 2025).gegroeid, f.totals.gegroeid) == (1, 1, 1)


def test_pairs_count_per_work_process_and_participants_once():
    p = ParticipantFactory()
    wp = WorkProcessFactory()
    steps(goal_for(p, wp, start=D(2023, 1, 1)), (D(2024, 2, 1), 4))
    # The same work process again in a later trajectory: not a second pair.
    steps(goal_for(p, wp, start=D(2024, 6, 1)), (D(2024, 7, 1), 4))
    steps(goal_for(p), (D(2024, 8, 1), 4))
    f = compute_figures(BOTH)
    assert (f.totals.werkprocessen_beheerst, f.totals.deelnemers_met_beheerst_werkproces) == (2, 1)


def test_growth_needs_a_previous_observation_of_that_work_process():
    p, q = ParticipantFactory(), ParticipantFactory()
    steps(goal_for(p), (D(2024, 3, 1), 3))  # a first observation is not growth
    steps(goal_for(p), (D(2023, 12, 1), 1), (D(2024, 1, 10), 2))  # previous step in an earlier year
    steps(goal_for(q), (D(2024, 3, 1), 3), (D(2024, 4, 1), 3), (D(2024, 5, 1), 2))  # same or lower
    f = compute_figures(BOTH)
    assert (row(f, 2024).gegroeid, f.totals.gegroeid) == (1, 1)
    assert list(participants_in("gegroeid", BOTH)) == [p]
    assert f.as_json()["totals"]["gegroeid"] == 1
    assert {"werkprocessen_beheerst", "deelnemers_met_beheerst_werkproces", "gegroeid"} <= set(
        f.as_json()["years"][0]
    )


def test_learning_figures_in_constant_queries():
    def add(n):
        for _ in range(n):
            steps(goal_for(ParticipantFactory()), (D(2024, 2, 1), 2), (D(2025, 2, 1), 4))

    add(2)
    with CaptureQueriesContext(connection) as small:
        compute_figures(BOTH)
    add(30)
    with CaptureQueriesContext(connection) as large:
        compute_figures(BOTH)
    assert len(small) == len(large)
    assert compute_figures(BOTH).totals.gegroeid == 32


def test_learning_figures_are_traceable_in_the_overview(coordinator_client):
    from django.urls import reverse

    p = ParticipantFactory(first_name="Traceer", last_name="Mij")
    steps(goal_for(p), (D(2024, 2, 1), 2), (D(2024, 3, 1), 4))
    url = reverse("reporting:trace") + "?figure=gegroeid&from=2024-01-01&to=2024-12-31"
    response = coordinator_client.get(url)
    assert response.status_code == 200 and "Traceer" in response.content.decode()
    overview = coordinator_client.get(
        reverse("reporting:overview") + "?start=2024-01-01&end=2024-12-31&peildatum=2024-12-31"
    )
    assert "figure=werkprocessen_beheerst" in overview.content.decode()


def test_the_trace_of_work_processes_mastered_shows_the_pairs_it_counts(coordinator_client):
    """Rule 10 counts (participant, work process) pairs: its trace says how many and names
    each participant's work processes, so the number clicked is on the page."""
    from django.urls import reverse

    p, q = ParticipantFactory(), ParticipantFactory()
    first, second = WorkProcessFactory(code="B1-K1-W1"), WorkProcessFactory(code="B1-K1-W2")
    steps(goal_for(p, first), (D(2024, 2, 1), 4))
    steps(goal_for(p, second), (D(2024, 3, 1), 4))
    steps(goal_for(q, first), (D(2024, 4, 1), 4))
    f = compute_figures(BOTH.clip(2024))
    assert f.totals.werkprocessen_beheerst == 3
    url = reverse("reporting:trace") + "?figure=werkprocessen_beheerst&from=2024-01-01&to=2024-12-31"
    html = coordinator_client.get(url).content.decode()
    assert "3 werkprocessen voor het eerst beheerst in de periode" in html
    assert "<td>B1-K1-W1, B1-K1-W2</td>" in html and "2 deelnemers" in html
