import os

import pytest

from plp.roles import COACH, COORDINATOR

from .factories import ParticipantFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def coach(db):
    return UserFactory(username="alice", role=COACH)


@pytest.fixture
def other_coach(db):
    return UserFactory(username="bob", role=COACH)


@pytest.fixture
def coordinator(db):
    return UserFactory(username="charlie", role=COORDINATOR)


@pytest.fixture
def participant(coach):
    return ParticipantFactory(coach=coach, first_name="Sanne", last_name="Jansen")


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def form_version(client, url) -> str:
    """The version token of an edit form, as a browser would post it back."""
    return client.get(url).context["form"]["lock"].value()
