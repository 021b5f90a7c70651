"""Background tasks (django-tasks; the database backend and `manage.py db_worker` in
production, inline in tests)."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from . import services


@task()
def render_edition_pdf(job_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):  # no language is stored on the job: Dutch
        services.pdf_job_run(job_id)
