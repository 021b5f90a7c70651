"""Report PDFs in the background (django-tasks; the database backend and `manage.py
db_worker` in production, inline in tests): the task, its steps shown as progress, and
what marks a job failed when its worker died. `services.pdf_job_start` queues a job."""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus

from plp.pdf import html_document

from .figures import Period
from .models import PdfJob
from .pdf import REPORT_TEMPLATE, with_resources
from .report import report_context

logger = logging.getLogger(__name__)


@task()
def render_edition_pdf(job_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):  # no language is stored on the job: Dutch
        pdf_job_run(job_id)


def _job_step(job_id: int, step: str, progress: int, **fields) -> None:
    PdfJob.objects.filter(pk=job_id).update(step=step, progress=progress, **fields)


def pdf_job_run(job_id: int) -> None:
    """Render a job's PDF, recording each step so the coordinator sees progress. A
    failure is stored on the job and logged, not raised into the worker."""
    edition = PdfJob.objects.select_related("edition").get(pk=job_id).edition
    Step = PdfJob.Step
    step, progress = Step.FIGURES, 5
    try:
        _job_step(job_id, step, progress, status=PdfJob.Status.RUNNING)
        context = report_context(
            Period(edition.period_start, edition.period_end), edition.reference_date, edition
        )
        step, progress = Step.LAYOUT, 25
        _job_step(job_id, step, progress)
        context, resources = with_resources(context)
        html = render_to_string(REPORT_TEMPLATE, context)
        step, progress = Step.PAGES, 40
        _job_step(job_id, step, progress)
        document = html_document(html, resources).render()
        step, progress = Step.WRITING, 85
        _job_step(job_id, step, progress, pages=len(document.pages))
        pdf = document.write_pdf()
    except Exception as exc:
        logger.exception("PDF job %s failed at %s", job_id, step)
        _job_step(
            job_id,
            step,
            progress,
            status=PdfJob.Status.FAILED,
            error=str(exc)[:1000],
            finished_at=timezone.now(),
        )
        return
    _job_step(job_id, Step.DONE, 100, status=PdfJob.Status.DONE, pdf=pdf, finished_at=timezone.now())


def pdf_task_finished(sender, task_result, **kwargs) -> None:
    """task_finished receiver: a PDF task that failed outside pdf_job_run (its worker died
    too often, see plp.worker) marks its job failed, so the page stops saying "busy"."""
    if task_result.status != TaskResultStatus.FAILED or task_result.task.func is not render_edition_pdf.func:
        return
    PdfJob.objects.filter(pk=task_result.args[0]).exclude(
        status__in=[PdfJob.Status.DONE, PdfJob.Status.FAILED]
    ).update(
        status=PdfJob.Status.FAILED,
        error="The background worker stopped while making this PDF.",
        finished_at=timezone.now(),
    )
