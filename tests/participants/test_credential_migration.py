import importlib

import pytest

from tests.factories import CredentialFactory, LearningGoalFactory, TrajectoryFactory, WorkProcessFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("participants.migrations.0021_credential_work_processes_to_list")


def test_free_text_becomes_the_list_and_the_rest_is_kept(participant):
    from django.apps import apps

    t = TrajectoryFactory(participant=participant)
    wp1 = LearningGoalFactory(trajectory=t, work_process=WorkProcessFactory(code="B1-K1-W2")).work_process
    wp2 = LearningGoalFactory(
        trajectory=t, work_process=WorkProcessFactory(code="B1-K2-W1", title="Slaat goederen op")
    ).work_process
    c = CredentialFactory(
        participant=participant,
        trajectory=t,
        work_processes="B1-K1-W2 Ontvangt goederen\nslaat goederen op \nWerkt samen met collega's",
    )
    migration.forwards(apps, None)
    c.refresh_from_db()
    assert set(c.accepted_work_processes.all()) == {wp1, wp2}
    assert c.work_processes == "Werkt samen met collega's"
    migration.backwards(apps, None)
    c.refresh_from_db()
    assert "B1-K1-W2" in c.work_processes and "Werkt samen met collega's" in c.work_processes
