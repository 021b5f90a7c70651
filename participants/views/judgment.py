"""The summary judgment for the school (write, send: frozen with its PDF's SHA-256, a
change makes a new version) and the ervaringscertificaat for the participant. Every
download is audited like an export."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from plp.audit import log_action

from .. import judgments
from ..learning_forms import JudgmentForm
from ..models import Judgment
from ..selectors import participant_for_user
from ..services import learning
from .common import _run, _unavailable
from .learning import _trajectory


def judgment_edit(request: HttpRequest, pk: int, trajectory_pk: int) -> HttpResponse:
    """Write the judgment (prefilled from the evidence); "send" freezes it with its PDF."""
    participant, trajectory = _trajectory(request, pk, trajectory_pk, write=True)
    versions = list(trajectory.judgments.order_by("-version"))
    draft = versions[0] if versions and not versions[0].is_sent else None
    proposals = judgments.proposals(trajectory)
    form = JudgmentForm(request.POST or None, proposals=proposals, draft=draft)
    if request.method == "GET" and draft:
        log_action(
            by=request.user,
            action="participants.judgment.viewed",
            participant=participant,
            data={"id": draft.pk},
        )
    if request.method == "POST" and form.is_valid():
        saved = {}

        def save_and_maybe_send(**kwargs):
            saved["judgment"] = learning.judgment_save(**kwargs)
            if "send" in request.POST:
                learning.judgment_send(
                    by=request.user, judgment=saved["judgment"], render=judgments.judgment_pdf
                )

        if _run(
            form,
            save_and_maybe_send,
            by=request.user,
            trajectory=trajectory,
            items=form.items(),
            mentor_name=form.cleaned_data["mentor_name"],
            signed_on=form.cleaned_data["signed_on"],
        ):
            if "send" in request.POST:
                messages.success(
                    request, _("Summary judgment frozen as sent. Download the PDF for the school.")
                )
            else:
                messages.success(request, _("Summary judgment saved."))
            return redirect("participants:judgment", pk=participant.pk, trajectory_pk=trajectory.pk)
    return render(
        request,
        "participants/judgment_form.html",
        {
            "form": form,
            "participant": participant,
            "trajectory": trajectory,
            "versions": versions,
            "draft": draft,
        },
        status=503 if _unavailable(form) else 200,
    )


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def judgment_download(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """The judgment's PDF: the frozen one once sent, a draft rendered now before that."""
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    judgment = get_object_or_404(
        Judgment.objects.select_related("trajectory"), pk=record_pk, participant=participant
    )
    content = bytes(judgment.pdf) if judgment.is_sent else judgments.judgment_pdf(judgment)
    if not content:
        raise Http404
    log_action(
        by=request.user,
        action="participants.judgment.exported",
        participant=participant,
        obj=judgment,
        data={"version": judgment.version, "sent": judgment.is_sent, "pdf_sha256": judgment.pdf_sha256},
    )
    status = "" if judgment.is_sent else "-concept"
    return _pdf_response(
        content, f"samenvattend-oordeel-{participant.number}-v{judgment.version}{status}.pdf"
    )


def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The ervaringscertificaat for the participant, made now from the learning goals."""
    participant = participant_for_user(request, pk, lean=True)
    content = judgments.certificate_pdf(participant)
    log_action(by=request.user, action="participants.certificate.exported", participant=participant, data={})
    return _pdf_response(content, f"ervaringscertificaat-{participant.number}.pdf")
