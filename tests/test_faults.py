"""Faults that are not the user's (issue 14): the database busy or down, two saves at the
same moment, read-only document storage, a worker that died. Without real processes;
tests/test_reliability.py runs the same faults against gunicorn and the worker."""

import datetime
import errno
import os

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.forms import PLPForm
from participants.models import Attachment, Participant, ProgressEntry
from plp.models import AuditEntry
from tests.conftest import form_version

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
UNAVAILABLE = "Er is niets opgeslagen: de database is op dit moment bezet of niet bereikbaar."
CONFLICT = "Iemand anders heeft dit gegeven gewijzigd"


def registration(participant, **changes) -> dict:
    return {
        "number": participant.number,
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "registration_date": participant.registration_date.isoformat(),
        **changes,
    }


def test_database_settings_for_concurrency_and_restarts():
    """SQLite waits for the write lock instead of failing; connections are checked before
    reuse, so a restarted PostgreSQL costs no request after it is back."""
    db = settings.DATABASES["default"]
    assert db["CONN_HEALTH_CHECKS"] is True and db["CONN_MAX_AGE"] > 0
    assert db["ENGINE"] in ("plp.sqlite_backend", "django.db.backends.postgresql")
    if connection.vendor == "sqlite":
        options = db["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
        assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.parametrize(
    "error", [OperationalError("database is locked"), InterfaceError("connection closed")]
)
def test_a_save_the_database_refuses_keeps_what_was_typed(coach_client, participant, monkeypatch, error):
    def unavailable(**kwargs):
        raise error

    monkeypatch.setattr(services, "participant_save", unavailable)
    url = reverse("participants:participant-edit", args=[participant.pk])
    data = registration(participant, phone="06-12345678", lock=form_version(coach_client, url))
    response = coach_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 503
    assert UNAVAILABLE in html and 'value="06-12345678"' in html and "<form" in html
    assert Participant.objects.get().phone != "06-12345678"


def test_organisation_and_account_forms_keep_what_was_typed_too(coordinator_client, coach, monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "reference_save", locked)
    monkeypatch.setattr(services, "account_save", locked)
    url = reverse("participants:managed-create", args=["organisation"])
    response = coordinator_client.post(url, {"name": "Bakkerij Getypt", "kind": "employer", "active": "on"})
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode() and 'value="Bakkerij Getypt"' in response.content.decode()
    url = reverse("participants:user-edit", args=[coach.pk])
    data = {
        "username": coach.username,
        "first_name": "Getypte",
        "last_name": "Naam",
        "email": "x@example.org",
    }
    response = coordinator_client.post(
        url, {**data, "role": "coach", "lock": form_version(coordinator_client, url)}
    )
    assert response.status_code == 503 and 'value="Getypte"' in response.content.decode()


def test_a_contact_moment_the_database_refuses_keeps_its_notes(coach_client, participant, monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("participants.services.records._save", locked)  # inside progress_entry_record
    url = reverse("participants:entry-create", args=[participant.pk])
    data = {
        "date": "2025-03-03",
        "kind": "coaching",
        "duration_minutes": "45",
        "notes": "Lang gesprek over werk",
    }
    response = coach_client.post(url, data)
    assert response.status_code == 503
    assert "Lang gesprek over werk" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_an_unreachable_database_gives_the_503_page(coach_client, monkeypatch):
    def down(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", down)
    coach_client.raise_request_exception = False
    response = coach_client.get(reverse("participants:caseload"))
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "PLP is tijdelijk niet beschikbaar" in html and "Probeer het over 10 seconden opnieuw" in html


def test_other_errors_stay_500(coach_client, monkeypatch):
    def broken(self):
        raise RuntimeError("bug")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", broken)
    coach_client.raise_request_exception = False
    assert coach_client.get(reverse("participants:caseload")).status_code == 500


def test_a_save_between_the_check_and_the_write_is_a_conflict(
    client, coach, other_coach, participant, monkeypatch
):
    """Two saves at the same moment both pass the form's check before either has written;
    the check under the row lock in the save's transaction catches the second."""
    participant.team.add(other_coach)
    url = reverse("participants:participant-edit", args=[participant.pk])
    client.force_login(coach)
    version = form_version(client, url)
    check = PLPForm.check_still_current

    def colleague_saves_first(form):
        Participant.objects.filter(pk=participant.pk).update(phone="06-11111111")
        check(form)

    monkeypatch.setattr(PLPForm, "check_still_current", colleague_saves_first)
    response = client.post(url, registration(participant, phone="06-22222222", lock=version))
    html = response.content.decode()
    assert response.status_code == 200 and CONFLICT in html and 'value="06-22222222"' in html
    assert (
        Participant.objects.get().phone != "06-22222222"
    )  # (the colleague's update rolled back with it here)


def upload(client, participant, name="scan.png", content=PDF, title="Getekende overeenkomst"):
    return client.post(
        reverse("participants:attachment-create", args=[participant.pk]),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize("name", ["scan.png", "overeenkomst", "brief.PDF.exe"])
def test_a_document_is_stored_under_a_server_name_with_the_detected_extension(
    coach_client, participant, name
):
    assert upload(coach_client, participant, name).status_code == 302
    doc = Attachment.objects.get()
    stored = os.path.basename(doc.file.name)
    assert stored.endswith(".pdf") and len(stored) == 32 + 4 and doc.original_name == name
    assert os.path.exists(doc.file.path)


def test_read_only_document_storage_gives_a_message_and_leaves_nothing(
    coach_client, participant, monkeypatch
):
    written = []

    def read_only(self, name, content):
        written.append(name)
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(FileSystemStorage, "_save", read_only)
    response = upload(coach_client, participant, title="Getypte titel")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Het document kon niet worden opgeslagen" in html and "Getypte titel" in html
    assert not Attachment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="participants.attachment").exists()
    assert written and not os.path.exists(os.path.join(settings.PLP_PRIVATE_ROOT, written[0]))


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def pdf_task(demo, coordinator, django_capture_on_commit_callbacks):
    """A PDF job queued on the database backend, claimed by a worker."""
    from django_tasks_db.models import DBTaskResult

    from reporting.services import pdf_job_start

    with override_settings(TASKS=DATABASE_TASKS), django_capture_on_commit_callbacks(execute=True):
        job = pdf_job_start(by=coordinator, edition=demo)
    task = DBTaskResult.objects.get()
    task.claim("gone-host:1:abc")
    return job, task


@pytest.fixture
def demo(db):
    """A report edition (no records needed: the PDF is never rendered here)."""
    from reporting.models import ReportEdition

    return ReportEdition.objects.create(
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        reference_date=datetime.date(2024, 12, 31),
    )


@override_settings(TASKS=DATABASE_TASKS)
def test_a_task_whose_worker_died_is_queued_again(pdf_task):
    from plp.worker import recover_abandoned

    job, task = pdf_task
    task.worker_ids = [f"{__import__('socket').gethostname()[:40]}:999999999:dead"]
    task.save()
    assert recover_abandoned("default", "this-worker") == (1, 0)
    task.refresh_from_db()
    assert task.status == "READY"


@override_settings(TASKS=DATABASE_TASKS)
def test_a_task_that_keeps_killing_its_worker_is_marked_failed(pdf_task, django_capture_on_commit_callbacks):
    from plp.worker import recover_abandoned

    job, task = pdf_task
    task.worker_ids = ["a:1:x", "b:2:y", "gone-host:3:z"]
    task.started_at = timezone.now() - datetime.timedelta(hours=2)
    task.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_abandoned("default", "this-worker") == (0, 1)
    job.refresh_from_db()
    assert job.status == "failed" and "worker stopped" in job.error


@override_settings(TASKS=DATABASE_TASKS)
def test_a_running_task_of_a_live_worker_is_left_alone(pdf_task):
    from plp.worker import recover_abandoned

    job, task = pdf_task
    task.worker_ids = [f"{__import__('socket').gethostname()[:40]}:{os.getppid()}:alive"]
    task.save()
    assert recover_abandoned("default", "this-worker") == (0, 0)


def test_the_worker_waits_out_a_database_outage(monkeypatch):
    from django_tasks_db.management.commands.db_worker import Worker

    from plp import worker

    calls = []

    def run(self):
        calls.append("run")
        if calls.count("run") < 3:
            raise OperationalError("connection refused")

    monkeypatch.setattr(Worker, "run", run)
    monkeypatch.setattr(worker, "recover_abandoned", lambda *args: (0, 0))
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: calls.append(seconds))
    w = worker.ResilientWorker(
        queue_names=["default"],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w",
        excluded_queue_names=[],
    )
    w.run()
    assert calls == ["run", 0.5, "run", 1.0, "run"]


def test_a_job_busy_for_long_says_the_worker_stopped(demo, coordinator_client):
    from reporting.models import PdfJob

    job = PdfJob.objects.create(edition=demo, status="running", step="pages", progress=40)
    url = reverse("reporting:pdf-job", args=[job.pk])
    assert "lijkt gestopt" not in coordinator_client.get(url).content.decode()
    PdfJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    html = coordinator_client.get(url).content.decode()
    assert "lijkt gestopt" in html and reverse("reporting:pdf-job-create", args=[demo.pk]) in html
