"""Writes of the reporting app: freezing an edition, checking it against today, and
making its PDF in the background."""

import datetime
import hashlib
import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plp.audit import log_action

from .figures import Period, compute_figures
from .models import Deliverable, PdfJob, ProjectYear, ReportEdition, Risk, WorkPlanTask
from .pdf import render_pdf
from .report import report_context
from .tasks import render_edition_pdf

logger = logging.getLogger(__name__)
PDF_JOB_KEEP = datetime.timedelta(days=1)


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
    """Freeze an edition: store its figures (JSON) and the PDF made from those same
    figures with the final status on its cover, each with a SHA-256 checksum; audited as
    `reporting.edition.finalised` with both checksums. A final edition cannot be edited
    any more; it can be compared with today's records."""
    edition = ReportEdition.objects.select_for_update().get(pk=edition.pk)
    if edition.is_final:
        raise ValidationError(_("This edition is already final."))
    computed = compute_figures(edition_period(edition), edition.reference_date)
    figures = computed.as_json()
    # The PDF is rendered as the final edition it becomes (no "draft" on its cover), in
    # the report's language (Dutch) whatever language the coordinator who finalises uses.
    edition.status = ReportEdition.Status.FINAL
    edition.finalised_at = timezone.now()
    edition.finalised_by = by
    with translation.override(settings.LANGUAGE_CODE):
        context = report_context(edition_period(edition), edition.reference_date, edition, figures=computed)
        pdf = render_pdf(context)
    edition.figures_json = figures
    edition.figures_sha256 = hashlib.sha256(canonical(figures)).hexdigest()
    edition.pdf = pdf
    edition.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    edition.save()
    log_action(
        by=by,
        action="reporting.edition.finalised",
        obj=edition,
        data={"figures_sha256": edition.figures_sha256, "pdf_sha256": edition.pdf_sha256},
    )
    return edition


def _check_draft(edition: ReportEdition) -> None:
    if edition.pk and ReportEdition.objects.filter(pk=edition.pk, status=ReportEdition.Status.FINAL).exists():
        raise ValidationError(_("A final edition cannot be changed."))


@transaction.atomic
def edition_save(*, by, edition: ReportEdition) -> ReportEdition:
    """Create or change a draft edition (its period, reference date and chapter texts)."""
    _check_draft(edition)
    adding = edition._state.adding
    edition.full_clean()
    edition.save()
    log_action(by=by, action=f"reporting.edition.{'created' if adding else 'changed'}", obj=edition)
    return edition


CHAPTER_FIELDS = (
    "title",
    "organisation_name",
    "funder_id",
    "introduction",
    "goal_approach",
    "team",
    "communication",
    "lessons",
    "dropout_narrative",
    "logo",
    "logo_type",
)


def edition_draft_from(source: ReportEdition | None, **dates) -> ReportEdition:
    """A new, unsaved edition with the chapter texts of `source` (when given)."""
    edition = ReportEdition(**dates)
    for field in CHAPTER_FIELDS if source else ():
        setattr(edition, field, getattr(source, field))
    return edition


@transaction.atomic
def edition_create_copy(*, by, edition: ReportEdition, source: ReportEdition) -> ReportEdition:
    """Create a new draft `edition` (its chapter texts as the form holds them) and copy
    the work-plan tasks, risks and deliverables of `source` into it: new rows, so
    editing the copy leaves `source`, final or not, untouched. Audited as
    `reporting.edition.created` and `reporting.edition.copied` (ids and counts only)."""
    if not edition._state.adding:
        raise ValidationError(_("Only a new edition can be copied from another one."))
    edition_save(by=by, edition=edition)
    counts = {}
    for model, related in ((WorkPlanTask, "tasks"), (Risk, "risks"), (Deliverable, "deliverables")):
        copies = []
        for item in getattr(source, related).all():
            item.pk = None
            item._state.adding = True
            item.edition = edition
            item.full_clean()
            copies.append(item)
        model.objects.bulk_create(copies)
        counts[related] = len(copies)
    log_action(by=by, action="reporting.edition.copied", obj=edition, data={"from": source.pk, **counts})
    return edition


@transaction.atomic
def item_save(*, by, item: WorkPlanTask | Risk | Deliverable) -> WorkPlanTask | Risk | Deliverable:
    """Add or change a work-plan task, risk or deliverable of a draft edition."""
    _check_draft(item.edition)
    adding = item._state.adding
    item.full_clean()
    item.save()
    log_action(
        by=by,
        action=f"reporting.{item._meta.model_name}.{'created' if adding else 'changed'}",
        obj=item,
        data={"edition": item.edition_id},
    )
    return item


@transaction.atomic
def item_delete(*, by, item: WorkPlanTask | Risk | Deliverable) -> None:
    _check_draft(item.edition)
    log_action(
        by=by,
        action=f"reporting.{item._meta.model_name}.deleted",
        obj=item,
        data={"edition": item.edition_id},
    )
    item.delete()


@transaction.atomic
def project_year_save(*, by, project_year: ProjectYear) -> ProjectYear:
    """Create or change a project year and its targets."""
    adding = project_year._state.adding
    project_year.full_clean()
    project_year.save()
    log_action(by=by, action=f"reporting.projectyear.{'created' if adding else 'changed'}", obj=project_year)
    return project_year


def edition_differences(edition: ReportEdition) -> list[str]:
    """For a final edition: the top-level figures that today's records give differently."""
    current = edition_figures(edition)
    if hashlib.sha256(canonical(current)).hexdigest() == edition.figures_sha256:
        return []
    frozen = edition.figures_json or {}
    return sorted(
        key for key in current if canonical({key: current[key]}) != canonical({key: frozen.get(key)})
    )


@transaction.atomic
def pdf_job_start(*, by, edition: ReportEdition) -> PdfJob:
    """Queue a PDF of a draft `edition` for the background worker; jobs older than a day
    go. A final edition has its frozen PDF only: it refuses (ValidationError)."""
    if ReportEdition.objects.select_for_update().get(pk=edition.pk).is_final:
        raise ValidationError(_("This edition is final: its PDF is frozen and no new PDF can be made."))
    PdfJob.objects.filter(created_at__lt=timezone.now() - PDF_JOB_KEEP).delete()
    job = PdfJob.objects.create(edition=edition, requested_by=by)
    log_action(by=by, action="reporting.edition.pdf_requested", obj=edition, data={"job": job.pk})
    transaction.on_commit(lambda: render_edition_pdf.enqueue(job.pk))
    return job
