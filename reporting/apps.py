"""The reporting app; connects the PDF task's failure receiver."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"

    def ready(self):
        from django_tasks_db.compat import task_finished

        from .tasks import pdf_task_finished

        task_finished.connect(pdf_task_finished, dispatch_uid="reporting-pdf-task-finished")
