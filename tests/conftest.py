import fcntl
import functools
import io
import json
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from pytest_django.fixtures import validate_django_db

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
# not the rollups (ProgressDay, FigureEvent, FigureMonth, QualityIssue, LessonDay: the database's
# triggers rebuild them from the records).
DEMO_DUMP = ["auth.user", "auth.group", "participants", "reporting", "plp"]
DEMO_DUMP_EXCLUDE = [
    "participants.progressday",
    "participants.figureevent",
    "participants.figuremonth",
    "participants.qualityissue",
    "participants.lessonday",
    "participants.openphaseday",
    "participants.coachopenfiles",
    "participants.pendingimport",
    "reporting.pdfjob",
]


@pytest.fixture(scope="session")
def demo_dump(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo once per run, kept as a fixture file: loading it takes about a second,
    seeding it (through every service) 10 to 80 s on PostgreSQL. The workers of a parallel
    run (pytest-xdist) share it: the first to need it seeds, the others wait for the file.
    Its rows fit every worker's database: users by name, the rest by primary key on top of
    the same migrations."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above the workers' own
    path = root / "demo.json"
    with open(root / "demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            partial = root / "demo.json.partial"
            with django_db_blocker.unblock(), transaction.atomic():
                call_command("seed_demo", stdout=io.StringIO())
                call_command(
                    "dumpdata",
                    *DEMO_DUMP,
                    exclude=DEMO_DUMP_EXCLUDE,
                    natural_foreign=True,
                    natural_primary=True,
                    output=str(partial),
                    verbosity=0,
                )
                transaction.set_rollback(True)
            partial.rename(path)
    return path


@functools.cache
def demo_records(path: str) -> tuple[list, list]:
    """The dump, read once a run: the records with a natural primary key (groups and users,
    found by name) and the others (stored with their own primary key)."""
    records = json.loads(Path(path).read_text())
    return [r for r in records if "pk" not in r], [r for r in records if "pk" in r]


def load_demo(dump) -> None:
    """The demo data, as `seed_demo` makes it (tests/participants/test_seed_demo.py runs the
    command itself), loaded as `loaddata` would: raw rows with the dump's own timestamps,
    the database's triggers firing, sequences reset after. `loaddata` saves row by row and
    looks up the user of every reference: 15,000 queries, 20 to 60 s on PostgreSQL on a
    busy 2-core machine. This inserts a table in a few statements and looks each user up
    once."""
    natural, records = demo_records(str(dump))
    with transaction.atomic():
        for obj in serializers.deserialize("python", natural):
            obj.save()
        found = {}

        def pk_of(model, key: list):
            if (model, tuple(key)) not in found:
                found[model, tuple(key)] = model._default_manager.get_by_natural_key(*key).pk
            return found[model, tuple(key)]

        resolved = []
        for record in records:
            model = apps.get_model(record["model"])
            fields = {}
            for name, value in record["fields"].items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    value = [pk_of(field.related_model, v) if isinstance(v, list) else v for v in value]
                elif field.is_relation and isinstance(value, list):
                    value = pk_of(field.related_model, value)
                fields[name] = value
            resolved.append({**record, "fields": fields})
        by_model = {}
        for obj in serializers.deserialize("python", resolved):
            by_model.setdefault(type(obj.object), []).append(obj)
        for model, objs in by_model.items():
            assert not model._meta.parents, f"{model} inherits a table: insert its parent first"
            fields = [f for f in model._meta.local_concrete_fields if not f.generated]
            # Rows already there (reference data from the migrations) are updated, as
            # loaddata does; the others inserted.
            there = set(
                model._base_manager.filter(pk__in=[o.object.pk for o in objs]).values_list("pk", flat=True)
            )
            for o in objs:
                if o.object.pk in there:
                    o.save()
            new = [o for o in objs if o.object.pk not in there]
            rows = [o.object for o in new]
            size = max(connection.ops.bulk_batch_size(fields, rows), 1)
            for start in range(0, len(rows), size):
                # What Model.save_base(raw=True) does for one row, for a batch of rows.
                model._base_manager._insert(rows[start : start + size], fields=fields, raw=True)
            for field in model._meta.local_many_to_many:
                source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
                field.remote_field.through.objects.bulk_create(
                    field.remote_field.through(**{source: o.object.pk, target: pk})
                    for o in new
                    for pk in o.m2m_data.get(field.name, [])
                )
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(by_model)):
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def dutch():
    """Each test starts in Dutch, as a request does: a request with the English cookie
    leaves English active in the test's thread."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()


FLUSHED = []  # transactional tests that have run in this process


@pytest.fixture(autouse=True)
def migration_data_kept(request):
    """A transactional test (a live server, a worker that commits) ends by emptying every
    table, the reference data of the migrations too, so a plain `db` test after it in the
    same process would miss that data. pytest-django runs transactional tests after the
    others; a parallel run must keep that order in each worker (see `bash dev test`)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker and any(validate_django_db(marker)[:2])  # transaction, reset_sequences
    )
    if (marker or "db" in request.fixturenames) and not transactional and FLUSHED:
        pytest.fail(f"runs after {FLUSHED[0]}, which emptied the database: run it earlier")
    yield
    if transactional:
        FLUSHED.append(request.node.nodeid)
