"""Writes of the reporting app: freezing an edition and checking it against today."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.services import log_action

from .figures import Period, compute_figures
from .models import ReportEdition
from .pdf import render_pdf
from .report import report_context


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def edition_period(edition: ReportEdition) -> Period:
    return Period(edition.period_start, edition.period_end)


def edition_figures(edition: ReportEdition) -> dict:
    """Today's figures for the edition's period and reference date, as JSON data."""
    return compute_figures(edition_period(edition), edition.reference_date).as_json()


def edition_pdf(edition: ReportEdition) -> bytes:
    """The stored PDF of a final edition; a fresh rendering of a draft."""
    if edition.is_final:
        return bytes(edition.pdf)
    return render_pdf(report_context(edition_period(edition), edition.reference_date, edition))


@transaction.atomic
def edition_finalise(*, by, edition: ReportEdition) -> ReportEdition:
    """Freeze an edition: store its figures and PDF with SHA-256 checksums. A final
    edition cannot be edited any more; it can be compared with today's records."""
    edition = ReportEdition.objects.select_for_update().get(pk=edition.pk)
    if edition.is_final:
        raise ValidationError(_("This edition is already final."))
    figures = edition_figures(edition)
    pdf = render_pdf(report_context(edition_period(edition), edition.reference_date, edition))
    edition.figures_json = figures
    edition.figures_sha256 = hashlib.sha256(canonical(figures)).hexdigest()
    edition.pdf = pdf
    edition.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    edition.status = ReportEdition.Status.FINAL
    edition.finalised_at = timezone.now()
    edition.finalised_by = by
    edition.save()
    log_action(
        by=by,
        action="reporting.edition.finalised",
        obj=edition,
        data={"figures_sha256": edition.figures_sha256, "pdf_sha256": edition.pdf_sha256},
    )
    return edition


def edition_differences(edition: ReportEdition) -> list[str]:
    """For a final edition: the top-level figures that today's records give differently."""
    current = edition_figures(edition)
    if hashlib.sha256(canonical(current)).hexdigest() == edition.figures_sha256:
        return []
    frozen = edition.figures_json or {}
    return sorted(
        key for key in current if canonical({key: current[key]}) != canonical({key: frozen.get(key)})
    )
