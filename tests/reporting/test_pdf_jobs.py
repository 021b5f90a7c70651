"""A report's PDF made in the background with its progress shown: through the inline
backend (as in tests) and through the database backend and its worker (as in production)."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reporting.models import PdfJob
from tests.reporting.test_report import pdf_text

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def start(client, edition, capture):
    with capture(execute=True):
        response = client.post(reverse("reporting:pdf-job-create", args=[edition.pk]))
    job = PdfJob.objects.latest("created_at")
    assert response.status_code == 302 and response.url == reverse("reporting:pdf-job", args=[job.pk])
    return job


def test_make_pdf_shows_progress_then_the_download(
    demo, coordinator_client, django_capture_on_commit_callbacks, tmp_path
):
    page = coordinator_client.get(demo.get_absolute_url()).content.decode()
    assert reverse("reporting:pdf-job-create", args=[demo.pk]) in page
    job = start(coordinator_client, demo, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.step, job.progress, job.error) == ("done", "done", 100, "")
    assert 5 <= job.pages <= 60
    html = coordinator_client.get(reverse("reporting:pdf-job", args=[job.pk])).content.decode()
    assert f"{job.pages} pagina" in html and "hx-trigger" not in html
    assert "op de achtergrond gemaakt" not in html  # done: no "being made" any more
    download = coordinator_client.get(reverse("reporting:pdf-job-download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(download.content, tmp_path)
    assert "Instroom" in text and f"Pagina {job.pages} van {job.pages}" in text
    # The edition page offers the ready PDF.
    assert (
        reverse("reporting:pdf-job-download", args=[job.pk])
        in coordinator_client.get(demo.get_absolute_url()).content.decode()
    )


@override_settings(TASKS=DUMMY_TASKS)
def test_a_waiting_job_polls_and_says_when_the_worker_seems_absent(
    demo, coordinator_client, django_capture_on_commit_callbacks
):
    job = start(coordinator_client, demo, django_capture_on_commit_callbacks)
    url = reverse("reporting:pdf-job", args=[job.pk])
    fragment = coordinator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith(f'<div id="pdf-job" hx-get="{url}" hx-trigger="every 1s"')
    assert "<progress" in fragment and "<nav" not in fragment and "db_worker" not in fragment
    assert coordinator_client.get(reverse("reporting:pdf-job-download", args=[job.pk])).status_code == 404
    PdfJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    assert "db_worker" in coordinator_client.get(url).content.decode()


@override_settings(TASKS=DATABASE_TASKS)
@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_the_database_worker_makes_the_pdf(demo, coordinator_client, django_capture_on_commit_callbacks):
    job = start(coordinator_client, demo, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "queued"
    call_command("db_worker", batch=True, stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    job.refresh_from_db()
    assert job.status == "done" and bytes(job.pdf).startswith(b"%PDF-")


def test_a_failure_is_shown_not_raised(
    demo, coordinator_client, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(html, resources=None):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("reporting.tasks.html_document", broken)
    job = start(coordinator_client, demo, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.step, job.error) == ("failed", "pages", "no fonts")
    html = coordinator_client.get(reverse("reporting:pdf-job", args=[job.pk])).content.decode()
    assert "kon niet worden gemaakt" in html and reverse("reporting:pdf-job-create", args=[demo.pk]) in html


@override_settings(TASKS=DUMMY_TASKS)
def test_jobs_older_than_a_day_are_removed(demo, coordinator_client, django_capture_on_commit_callbacks):
    old = start(coordinator_client, demo, django_capture_on_commit_callbacks)
    PdfJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    new = start(coordinator_client, demo, django_capture_on_commit_callbacks)
    assert list(PdfJob.objects.all()) == [new]
