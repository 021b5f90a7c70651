"""Background tasks (django-tasks; the database backend and `manage.py db_worker` in
production, inline in tests)."""

from django_tasks import task

from . import services


@task()
def render_edition_pdf(job_id: int) -> None:
    services.pdf_job_run(job_id)
