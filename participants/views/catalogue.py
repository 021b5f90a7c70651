"""The catalogue of qualification files and their work processes, for coordinators: list,
create and edit, and the import (upload and preview, confirm or cancel)."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plp.access import coordinator_required
from plp.audit import log_action

from .. import catalogue
from ..imports import STALE_AFTER
from ..learning_forms import CatalogueUploadForm, QualificationFileForm, WorkProcessForm
from ..models import PendingImport, QualificationFile, WorkProcess
from ..services import learning
from .common import _run, _unavailable


@coordinator_required
def qualification_list(request: HttpRequest) -> HttpResponse:
    files = QualificationFile.objects.annotate(n=Count("work_processes")).order_by("title", "crebo")
    return render(request, "participants/qualification_list.html", {"files": files})


@coordinator_required
def qualification_edit(request: HttpRequest, record_pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(QualificationFile, pk=record_pk) if record_pk else QualificationFile()
    form = QualificationFileForm(request.POST or None, instance=instance)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, learning.qualification_save, by=request.user, qualification=form.instance)
    ):
        messages.success(request, _("%(what)s saved.") % {"what": form.instance})
        return redirect("participants:qualification-edit", record_pk=form.instance.pk)
    return render(
        request,
        "participants/qualification_edit.html",
        {
            "form": form,
            "title": str(instance) if record_pk else _("New qualification file"),
            "work_processes": instance.work_processes.all() if record_pk else None,
            "file": instance if record_pk else None,
        },
        status=503 if _unavailable(form) else 200,
    )


@coordinator_required
def work_process_edit(request: HttpRequest, record_pk: int, wp_pk: int | None = None) -> HttpResponse:
    qualification = get_object_or_404(QualificationFile, pk=record_pk)
    instance = (
        get_object_or_404(WorkProcess, pk=wp_pk, qualification=qualification)
        if wp_pk
        else WorkProcess(qualification=qualification)
    )
    form = WorkProcessForm(request.POST or None, instance=instance)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, learning.work_process_save, by=request.user, work_process=form.instance)
    ):
        messages.success(request, _("%(what)s saved.") % {"what": form.instance})
        return redirect("participants:qualification-edit", record_pk=qualification.pk)
    return render(
        request,
        "participants/form.html",
        {
            "form": form,
            "title": str(instance) if wp_pk else _("New work process"),
            "intro": str(qualification),
        },
        status=503 if _unavailable(form) else 200,
    )


def _try(content: bytes, *, by, dry_run: bool):
    try:
        return catalogue.import_catalogue(content, by=by, dry_run=dry_run), None
    except catalogue.CatalogueFileError as error:
        return None, str(error)


@coordinator_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload a catalogue file and see what it would change. Nothing is saved yet."""
    learning.pending_imports_expire(before=timezone.now() - STALE_AFTER)
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(catalogue.MAX_BYTES + 1)
        plan, error = _try(content, by=request.user, dry_run=True)
        log_action(
            by=request.user,
            action="participants.catalogue.previewed",
            data={"ok": bool(plan and plan.ok), "bytes": len(content), **(plan.summary if plan else {})},
        )
        if error:
            form.add_error("file", error)
        else:
            pending = (
                learning.pending_import_add(by=request.user, name=upload.name, content=content)
                if plan.ok
                else None
            )
            return render(
                request,
                "participants/catalogue_preview.html",
                {"plan": plan, "pending": pending, "filename": upload.name},
            )
    return render(request, "participants/catalogue_import.html", {"form": form})


@coordinator_required
@require_POST
def catalogue_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the previewed file: all of it, or nothing."""
    pending = get_object_or_404(PendingImport, pk=pk, user=request.user)
    content = bytes(pending.content)
    learning.pending_import_drop(pending=pending)
    plan, error = _try(content, by=request.user, dry_run=False)
    if error or not plan.ok:
        messages.error(
            request, _("The catalogue changed since the preview: nothing was saved. Upload the file again.")
        )
        return redirect("participants:catalogue-import")
    log_action(
        by=request.user,
        action="participants.catalogue.imported",
        data={"sha256": plan.sha256, **plan.summary},
    )
    f, w = plan.files, plan.work_processes
    messages.success(
        request,
        _(
            "Catalogue imported: %(fn)s new and %(fc)s changed qualification files, "
            "%(wn)s new and %(wc)s changed work processes."
        )
        % {"fn": f["new"], "fc": f["changed"], "wn": w["new"], "wc": w["changed"]},
    )
    return redirect("participants:qualification-list")


@coordinator_required
@require_POST
def catalogue_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pending = PendingImport.objects.filter(pk=pk, user=request.user).first()
    if pending:
        learning.pending_import_drop(pending=pending)
    messages.info(request, _("Import cancelled: nothing was saved."))
    return redirect("participants:catalogue-import")
