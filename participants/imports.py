"""Coordinator pages for the register: upload and preview, confirm or cancel, export,
and the empty template. Uploads stay in memory and in a PendingImport row, never on disk."""

import datetime
import hashlib

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from plp.access import coordinator_required
from plp.audit import log_action, search_fingerprint

from . import register
from .models import Participant, PendingImport, Phase

STALE_AFTER = datetime.timedelta(hours=1)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register file"),
        help_text=gettext_lazy(
            "CSV (UTF-8, comma or semicolon) or Excel (.xlsx), at most 5 MB and 20,000 rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def _plan(content: bytes, name: str, mapping: dict | None = None):
    """The import plan of a file, or the file-level error message."""
    try:
        return register.plan_import(register.read_register(content, name), mapping), None
    except register.RegisterFileError as error:
        return None, str(error)


def _mapping(post) -> dict[str, dict[str, str]]:
    """The coordinator's mapping of unknown values, as posted by the preview: parallel
    lists map_column, map_value and map_to (an empty target maps nothing)."""
    mapping: dict[str, dict[str, str]] = {}
    for column, value, target in zip(
        post.getlist("map_column"), post.getlist("map_value"), post.getlist("map_to"), strict=False
    ):
        if column in register.MAPPABLE and value and target:
            mapping.setdefault(column, {})[value[:200]] = target[:50]
    return mapping


def _preview(request, plan, pending, filename) -> HttpResponse:
    unknown = []
    for column, values in plan.unknown.items():
        choices = plan.choices(column)
        by_label = {label.lower(): code for code, label in choices}
        for value, rows in values.items():
            near = register.closest(
                value,
                {code.lower(): label for code, label in choices}
                | {label.lower(): label for _code, label in choices},
            )
            suggested = by_label.get(near[0].lower()) if near else ""
            unknown.append(
                {"column": column, "value": value, "rows": rows, "choices": choices, "suggested": suggested}
            )
    return render(
        request,
        "participants/import_preview.html",
        {"plan": plan, "pending": pending, "filename": filename, "unknown": unknown},
    )


@coordinator_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a register; show the dry run. Nothing is saved yet."""
    PendingImport.objects.filter(created_at__lt=timezone.now() - STALE_AFTER).delete()
    too_big = int(request.META.get("CONTENT_LENGTH") or 0) > register.MAX_BYTES + 100_000
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if too_big:
            form.add_error(None, _("The file is larger than 5 MB."))
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            plan, error = _plan(content, upload.name)
            log_action(
                by=request.user,
                action="participants.register.previewed",
                data={
                    "ok": bool(plan and plan.ok),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "bytes": len(content),
                    **(plan.summary if plan else {}),
                },
            )
            if error:
                form.add_error("file", error)
            else:
                pending = None
                if plan.ok or plan.unknown:  # kept for the confirm, or to map unknown values
                    pending = PendingImport.objects.create(
                        user=request.user, filename=upload.name[:200], content=content
                    )
                return _preview(request, plan, pending, upload.name)
    return render(request, "participants/import_upload.html", {"form": form})


@coordinator_required
@require_POST
def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Read unknown reasons or outflow kinds as existing ones, for the whole file, and
    show the preview again. Still nothing is saved; the mapping is audited (codes and
    row counts only, never the values as typed)."""
    pending = get_object_or_404(PendingImport, pk=pk, user=request.user)
    content = bytes(pending.content)
    plan, error = _plan(content, pending.filename, _mapping(request.POST))
    if error:
        pending.delete()
        messages.error(request, error)
        return redirect("participants:import")
    log_action(
        by=request.user,
        action="participants.register.mapped",
        data={
            "ok": plan.ok,
            "sha256": hashlib.sha256(content).hexdigest(),
            "mapped": plan.mapped_codes(),
        },
    )
    if not plan.ok and not plan.unknown:
        pending.delete()
        pending = None
    return _preview(request, plan, pending, pending.filename if pending else "")


@coordinator_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the previewed file, all of it in one transaction, or nothing."""
    pending = get_object_or_404(PendingImport, pk=pk, user=request.user)
    content, name = bytes(pending.content), pending.filename
    pending.delete()
    plan, error = _plan(content, name, _mapping(request.POST))
    if error or not plan.ok:
        messages.error(
            request, _("The records changed since the preview: nothing was saved. Upload the file again.")
        )
        return redirect("participants:import")
    with transaction.atomic():
        summary = register.apply_import(plan, by=request.user)
    messages.success(
        request,
        _("Register imported: %(nieuw)s new, %(gewijzigd)s changed, %(ongewijzigd)s unchanged.") % summary,
    )
    return redirect("participants:caseload")


@coordinator_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    PendingImport.objects.filter(pk=pk, user=request.user).delete()
    messages.info(request, _("Import cancelled: nothing was saved."))
    return redirect("participants:import")


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@coordinator_required
def export(request: HttpRequest) -> HttpResponse:
    """The register of all participants, or of those matching the caseload filters."""
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    qs = Participant.objects.all()
    if request.GET.get("q"):
        qs = qs.search(request.GET["q"])
    if request.GET.get("coach", "").isdigit():
        qs = qs.filter(coach_id=int(request.GET["coach"]))
    if request.GET.get("phase") in Phase.values:
        qs = qs.in_phase([request.GET["phase"]])
    content = register.export_register(qs, fmt)
    log_action(
        by=request.user,
        action="participants.register.exported",
        data={"format": fmt, "filters": export_filters(request.GET)},
    )
    stamp = timezone.localdate().isoformat()
    return _attachment(
        content, f"plp-register-{stamp}.{fmt}", "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    )


def export_filters(params) -> dict:
    """The export's filters as the audit trail keeps them: codes and ids, and the search
    only as a fingerprint (never the names searched for)."""
    filters = {}
    if params.get("phase") in Phase.values:
        filters["phase"] = params["phase"]
    if params.get("coach", "").isdigit():
        filters["coach"] = int(params["coach"])
    return {**filters, **search_fingerprint(params.get("q", ""))}


@coordinator_required
def template(request: HttpRequest) -> HttpResponse:
    return _attachment(register.template_xlsx(), "plp-register-sjabloon.xlsx", XLSX)
