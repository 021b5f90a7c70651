"""The reporting app; connects the PDF task's failure receiver and names, in the audit
trail, the figure a trace showed."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"

    def ready(self):
        from django_tasks_db.compat import task_finished

        from plp.models import AUDIT_RECORD_NAMES

        from .tasks import pdf_task_finished

        task_finished.connect(pdf_task_finished, dispatch_uid="reporting-pdf-task-finished")
        AUDIT_RECORD_NAMES["reporting.figure.traced"] = traced_figure


def traced_figure(data: dict) -> str:
    """The name of the figure a `reporting.figure.traced` entry showed ("Dropout"); its
    code when the figure or its kind is gone."""
    from .figures import FIGURES
    from .report import figure_label

    figure = data.get("figure", "")
    if figure not in FIGURES:
        return figure
    if figure == "uitval_per_reden":
        # The reason by its code: its label is a database row, and the account page names
        # up to 100 entries (no query per entry).
        return f"{figure_label('uitval')}: {data.get('key', '') or '-'}"
    try:
        return str(figure_label(figure, data.get("key", "")))
    except (KeyError, ValueError):  # a kind the labels no longer know
        return figure
