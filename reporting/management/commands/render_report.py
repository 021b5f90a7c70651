"""render_report --from 2022-01-01 --to 2025-12-31 --peildatum 2025-08-01 --format pdf|json|html -o FILE
[--language en] (Dutch by default, the funder's language)"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from reporting.figures import Period, compute_figures
from reporting.models import ReportEdition
from reporting.pdf import render_pdf
from reporting.report import report_context


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (use YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Render the funder report for a period as PDF, JSON (figures) or HTML."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="start", required=True, type=iso_date, help="first day, YYYY-MM-DD"
        )
        parser.add_argument("--to", dest="end", required=True, type=iso_date, help="last day, YYYY-MM-DD")
        parser.add_argument("--peildatum", type=iso_date, help="reference date (default: --to)")
        parser.add_argument("--format", choices=["pdf", "json", "html"], default="pdf")
        parser.add_argument("-o", "--output", required=True, help="file to write, - for standard output")
        parser.add_argument("--edition", type=int, help="take title and narrative from this edition")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=f"language of the report (default: {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, start, end, peildatum, format, output, edition, language, **options):
        if end < start:
            raise CommandError("--to must be on or after --from.")
        period = Period(start, end)
        reference_date = peildatum or end
        edition_obj = None
        if edition is not None:
            edition_obj = ReportEdition.objects.filter(pk=edition).first()
            if edition_obj is None:
                raise CommandError(f"No report edition with id {edition}.")
        with translation.override(language):
            if format == "json":
                data = compute_figures(period, reference_date).as_json()
                content = json.dumps(data, ensure_ascii=False, indent=2).encode()
            else:
                context = report_context(period, reference_date, edition_obj)
                if format == "pdf":
                    content = render_pdf(context)
                else:
                    content = render_to_string("reporting/report_pdf.html", context).encode()
        if output == "-":
            self.stdout.buffer.write(content) if hasattr(self.stdout, "buffer") else self.stdout.write(
                content.decode(errors="replace")
            )
        else:
            Path(output).write_bytes(content)
            self.stderr.write(f"Wrote {output} ({len(content):,} bytes).")
