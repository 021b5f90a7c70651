import datetime

import pytest

from participants import privacy
from participants.models import Judgment, JudgmentItem, Observation, ObservationStep
from participants.services import learning, participant_anonymise
from reporting.figures import Period, compute_figures
from tests.factories import LearningGoalFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date
BOTH = Period(D(2024, 1, 1), D(2025, 12, 31))


@pytest.fixture
def evidence(participant, coach):
    t = TrajectoryFactory(participant=participant, start=D(2024, 2, 1))
    goal = LearningGoalFactory(trajectory=t)
    for day, step in ((1, 2), (20, 4)):
        learning.observation_record(
            by=coach,
            participant=participant,
            trajectory=t,
            date=D(2024, 3, day),
            observer="coach",
            steps={goal.pk: step},
            situation="Thuis gaat het slecht",
            reflection="Slaapt weinig",
        )
    j = learning.judgment_save(
        by=coach,
        trajectory=t,
        items={goal.pk: (True, "Ondanks zorgen thuis.", [])},
        mentor_name="Henk",
        signed_on=D(2024, 4, 1),
    )
    learning.judgment_send(by=coach, judgment=j, render=lambda _j: b"%PDF-1.7 Sanne Jansen")
    return t, goal


def test_anonymising_erases_starr_text_and_keeps_steps_and_figures(evidence, participant, coordinator):
    before = compute_figures(BOTH).as_json()
    participant_anonymise(by=coordinator, participant=participant)
    for o in Observation.objects.all():
        assert [getattr(o, f) for f in Observation.TEXT_FIELDS] == [""] * 6
    assert list(ObservationStep.objects.order_by("date").values_list("date", "step")) == [
        (D(2024, 3, 1), 2),
        (D(2024, 3, 20), 4),
    ]
    j = Judgment.objects.get()
    assert (j.mentor_name, j.pdf, j.signed_on) == ("", None, D(2024, 4, 1))
    item = JudgmentItem.objects.get()
    assert (item.motivation, item.mastered) == ("", True)
    assert compute_figures(BOTH).as_json() == before


def test_data_subject_export_includes_the_learning_route(evidence, participant):
    data = privacy.participant_export(participant)
    observations = data["observaties"]
    assert len(observations) == 2 and observations[0]["situatie"] == "Thuis gaat het slecht"
    assert len(data["stappen"]) == 2
    assert data["samenvattende oordelen"][0]["versie"] == 1
    assert data["oordelen over werkprocessen"][0]["motivatie"] == "Ondanks zorgen thuis."
