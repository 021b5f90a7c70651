"""A backup restored into a scratch database gives the same report figures and the same
participant pages (the restore drill)."""

import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from participants.models import Participant
from reporting.figures import Period, compute_figures
from tests.conftest import load_demo

ROOT = Path(__file__).resolve().parents[1]


def figures_from(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "render_report",
            "--from",
            "2022-01-01",
            "--to",
            "2025-12-31",
            "--peildatum",
            "2025-08-01",
            "--format",
            "json",
            "-o",
            "-",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_give_identical_figures(tmp_path, demo_dump):
    load_demo(demo_dump)
    live = compute_figures(
        Period(datetime.date(2022, 1, 1), datetime.date(2025, 12, 31)), datetime.date(2025, 8, 1)
    ).as_json()
    backup = tmp_path / "plp.backup"
    call_command("backup_db", str(backup), stdout=io.StringIO())
    assert backup.stat().st_size > 0
    if connection.vendor == "sqlite":
        restored = tmp_path / "restored.sqlite3"
        shutil.copy(backup, restored)  # restore = put the file back
        url = f"sqlite:///{restored}"
    else:
        s = connection.settings_dict
        base = ["--host", s["HOST"] or "localhost", "--port", str(s["PORT"] or 5432), "--username", s["USER"]]
        scratch = f"{s['NAME']}_restore"
        subprocess.run(["dropdb", "--if-exists", *base, scratch], check=True)
        subprocess.run(["createdb", *base, scratch], check=True)
        subprocess.run(["pg_restore", "--no-owner", *base, "--dbname", scratch, str(backup)], check=True)
        url = f"postgres://{s['USER']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{scratch}"
    assert figures_from(url) == live
    sample = list(Participant.objects.exclude(coach=None).order_by("pk").values_list("pk", flat=True))[::6][
        :6
    ]
    assert len(sample) >= 4
    assert pages_from(url, sample) == {pk: page(pk) for pk in sample}


PAGES = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
from participants.models import Participant
setup_test_environment()
pages = {}
for p in Participant.objects.filter(pk__in=%r).select_related("coach"):
    client = Client()
    client.force_login(p.coach)
    pages[p.pk] = client.get(p.get_absolute_url()).content.decode()
print(json.dumps(pages))
"""


def normalised(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def page(pk: int) -> str:
    """A participant's page as their coach sees it."""
    participant = Participant.objects.select_related("coach").get(pk=pk)
    client = Client()
    client.force_login(participant.coach)
    response = client.get(participant.get_absolute_url())
    assert response.status_code == 200
    return normalised(response.content.decode())


def pages_from(database_url: str, pks: list[int]) -> dict:
    """The same pages, served from another database (same settings as this test run)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "plp.test_settings"}
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", PAGES % pks],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    return {int(pk): normalised(html) for pk, html in json.loads(out.stdout).items()}
