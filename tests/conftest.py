import io
import os

import pytest
from django.core.management import call_command
from django.db import transaction

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


# What the demo dump holds: the demo's records and accounts, not Django's own tables, and
# not ProgressDay (the database's triggers rebuild it from the contact moments).
DEMO_DUMP = ["auth.user", "auth.group", "participants", "reporting", "plp"]
DEMO_DUMP_EXCLUDE = ["participants.progressday", "participants.pendingimport", "reporting.pdfjob"]


@pytest.fixture(scope="session")
def demo_dump(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo once per run, kept as a fixture file: loading it takes about a second,
    seeding it (through every service) about seven on PostgreSQL."""
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        call_command(
            "dumpdata",
            *DEMO_DUMP,
            exclude=DEMO_DUMP_EXCLUDE,
            natural_foreign=True,
            natural_primary=True,
            output=str(path),
            verbosity=0,
        )
        transaction.set_rollback(True)
    return path


def load_demo(dump) -> None:
    """The demo data, as `seed_demo` makes it (tests/participants/test_seed_demo.py runs the
    command itself)."""
    call_command("loaddata", str(dump), verbosity=0)


@pytest.fixture(autouse=True)
def dutch():
    """Each test starts in Dutch, as a request does: a request with the English cookie
    leaves English active in the test's thread."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()
