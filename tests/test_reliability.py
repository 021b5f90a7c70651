"""Reliability against real processes (issue 14): gunicorn, the worker and a database of
the engine this run tests (a SQLite file, or a scratch database on the PostgreSQL server),
driven by the scenarios of `bash dev chaos` (plp/chaos/). The PostgreSQL restart runs
only in `bash dev chaos` (it restarts a cluster of its own)."""

import pytest
from django.conf import settings
from django.db import connection

from plp import chaos

SQLITE = connection.vendor == "sqlite"
# One server for the module: its tests run in one process of a parallel run.
pytestmark = pytest.mark.xdist_group("chaos-site")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chaos")
    if SQLITE:
        url = f"sqlite:///{tmp / 'db.sqlite3'}"
    else:
        import psycopg

        s = settings.DATABASES["default"]
        name = f"{s['NAME'].removeprefix('test_')}_chaos"
        server = f"postgresql://{s['USER']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')
        url = f"{server}/{name}".replace("postgresql://", "postgres://")
    site = chaos.Site("sqlite" if SQLITE else "postgresql", url, tmp).setup()
    site.port = site.gunicorn()
    yield site
    site.close()
    if not SQLITE:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check(result: chaos.Result) -> None:
    print(result.line())
    assert result.ok, result.line()


@pytest.mark.skipif(not SQLITE, reason="the embedded database's concurrency")
def test_eight_writers_and_the_worker_share_a_sqlite_file(site):
    """8 threads log contact moments and edit participants for 10 s while the worker
    renders a report PDF: no error ("database is locked"), every write present."""
    check(chaos.scenario_writes(site, seconds=10, threads=8))


def test_two_coaches_saving_the_same_record_at_once(site):
    """100 races through HTTP: one save wins, the other gets the conflict message with
    what was typed; never both saved (a silent overwrite)."""
    check(chaos.scenario_races(site, site.port, races=100))


def test_a_killed_worker_s_pdf_job_is_finished_by_the_next_worker(site):
    check(chaos.scenario_worker_killed(site, site.port, bound=60))


def test_an_upload_to_read_only_storage_says_so_and_leaves_nothing(site):
    check(chaos.scenario_readonly_media(site, site.port))
