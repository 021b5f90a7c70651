"""One participant's file: registration, intake, the records of the timeline, documents,
reminders, follow-up, the data export and anonymising."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from plp.access import coordinator_required, registrar_required
from plp.audit import log_action
from plp.models import AuditEntry
from plp.navigation import safe_next
from plp.pdf import html_to_pdf
from plp.roles import (
    is_coordinator,
)

from .. import privacy, services
from ..casefile import participant_file
from ..file_head import head_html
from ..forms import (
    AttachmentForm,
    CredentialForm,
    DropoutForm,
    FollowUpForm,
    IntakeForm,
    OutflowForm,
    ParticipantForm,
    PauseEndForm,
    PauseForm,
    PlacementForm,
    ProgressEntryForm,
    ReEntryForm,
    ReminderForm,
    SignalCloseForm,
    SwitchPlacementForm,
    TrajectoryForm,
)
from ..goals import learning_context
from ..learning_html import learning_section_html
from ..models import (
    PHASE_CSS,
    Attachment,
    Credential,
    Dropout,
    FollowUp,
    Intake,
    Outflow,
    Pause,
    Phase,
    Placement,
    ProgressEntry,
    ReEntry,
    Reminder,
    Signal,
    Trajectory,
)
from ..selectors import (
    may_complete_reminder,
    may_see_sensitive,
    participant_for_user,
)
from ..timeline import timeline_html
from .common import _form_page, _log_view, _make_record_views, _record_view, _run
from .support import placement_capacity_warning


@registrar_required
def participant_create(request: HttpRequest) -> HttpResponse:
    coordinator = is_coordinator(request.user)
    form = ParticipantForm(request.POST or None, coach_choice=coordinator, number_choice=coordinator)
    if request.method == "POST" and form.is_valid():
        participant = form.instance
        if not coordinator:
            participant.coach = request.user
        if _run(
            form,
            services.participant_save,
            participant=participant,
            by=request.user,
            team=form.cleaned_data.get("team"),
            assign_number=not coordinator,
        ):
            messages.success(
                request, _("Participant %(number)s registered.") % {"number": participant.number}
            )
            return redirect(participant)
    return _form_page(request, None, form, _("New participant"))


def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk)
    sensitive = may_see_sensitive(request.user, participant)
    log_action(by=request.user, action="participants.participant.viewed", participant=participant)
    record = participant_file(participant, sensitive=sensitive)
    learning = learning_context(request.user, participant, sensitive, record["trajectories"])
    phase_label, phase_css = Phase(participant.phase).label, PHASE_CSS[participant.phase]
    coordinator = is_coordinator(request.user)
    head = head_html(
        participant,
        phase_css=phase_css,
        phase_label=phase_label,
        sensitive=sensitive,
        coordinator=coordinator,
        learning=learning["learning"],
        certificate_name=learning["certificate_name"],
    )
    access_log, access_log_more = _access_log(participant.pk) if coordinator else (None, False)
    return render(
        request,
        "participants/participant_detail.html",
        {
            "participant": participant,
            "phase_label": phase_label,
            "phase_css": phase_css,
            "head_html": head,
            "sensitive": sensitive,
            "today": timezone.localdate(),
            "access_log": access_log,
            "access_log_more": access_log_more,
            **record,
            "timeline_html": timeline_html(record["timeline"]),
            **learning,
            "learning_html": learning_section_html(participant, **_section(learning)),
        },
    )


def _section(learning: dict) -> dict:
    """The parts of `learning_context` the learning section shows."""
    return {k: learning[k] for k in ("learning", "goal_trajectories", "may_write_learning")}


ACCESS_LOG_SHOWN = 50


def _access_log(participant_id: int) -> tuple[list[dict], bool]:
    """The file's latest 50 audit entries, for coordinators, in words, and whether there
    are older ones (one entry more is read to know); each label worked out once per
    distinct role, action and result (the same few repeat)."""
    labels: dict[tuple[str, str], str] = {}

    def once(key: tuple[str, str], make) -> str:
        if key not in labels:
            labels[key] = make()
        return labels[key]

    entries = list(
        AuditEntry.objects.filter(participant_id=participant_id).defer("data", "ip")[: ACCESS_LOG_SHOWN + 1]
    )
    rows = [
        {
            "at": date_format(timezone.localtime(a.at), "SHORT_DATETIME_FORMAT"),
            "username": a.username,
            "role": once(("role", a.role), lambda a=a: a.role_label),
            "action": once(("action", a.action), lambda a=a: a.action_label),
            "record": a.record,
            "result": once(("result", a.result), a.get_result_display),
        }
        for a in entries[:ACCESS_LOG_SHOWN]
    ]
    return rows, len(entries) > ACCESS_LOG_SHOWN


def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    special = privacy.shows_special(ParticipantForm)  # not today; kept right if a field is added
    participant = participant_for_user(request, pk, lean=True, sensitive=special)
    if special and request.method == "GET":
        _log_view(request, participant, participant)
    coordinator = is_coordinator(request.user)
    form = ParticipantForm(
        request.POST or None, instance=participant, coach_choice=coordinator, number_choice=coordinator
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            services.participant_save,
            participant=form.instance,
            by=request.user,
            team=form.cleaned_data.get("team"),
        ):
            messages.success(request, _("Changes saved."))
            return redirect(participant)
    return _form_page(request, participant, form, _("Registration"))


def intake_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    instance = Intake.objects.filter(participant=participant).first()
    return _record_view(
        request,
        pk,
        model=Intake,
        form_class=IntakeForm,
        service=services.intake_record,
        arg="intake",
        title=_("Intake"),
        record_pk=instance.pk if instance else None,
        sensitive=True,
    )


trajectory_create, trajectory_edit = _make_record_views(
    Trajectory, TrajectoryForm, services.trajectory_save, "trajectory", gettext_lazy("Trajectory")
)


placement_create, placement_edit = _make_record_views(
    Placement,
    PlacementForm,
    services.placement_save,
    "placement",
    gettext_lazy("Placement"),
    after_save=placement_capacity_warning,
)


entry_create, entry_edit = _make_record_views(
    ProgressEntry,
    ProgressEntryForm,
    services.progress_entry_record,
    "entry",
    gettext_lazy("Progress entry"),
    extra_service_kwargs=lambda form: {"signal_kinds": form.cleaned_data.get("signals", [])},
)


credential_create, credential_edit = _make_record_views(
    Credential,
    CredentialForm,
    services.credential_award,
    "credential",
    gettext_lazy("Credential"),
    form_kwargs=lambda participant: {"participant": participant},
    extra_service_kwargs=lambda form: {
        "accepted_work_processes": form.cleaned_data.get("accepted_work_processes", [])
    },
)


pause_create, pause_edit = _make_record_views(
    Pause, PauseForm, services.pause_save, "pause", gettext_lazy("Pause"), sensitive=True
)


dropout_create, dropout_edit = _make_record_views(
    Dropout, DropoutForm, services.dropout_record, "dropout", gettext_lazy("Dropout"), sensitive=True
)


outflow_create, outflow_edit = _make_record_views(
    Outflow, OutflowForm, services.outflow_record, "outflow", gettext_lazy("Outflow")
)


reminder_create, reminder_edit = _make_record_views(
    Reminder,
    ReminderForm,
    services.reminder_save,
    "reminder",
    gettext_lazy("Reminder"),
    form_kwargs=lambda participant: {"participant": participant},
)


reentry_create, reentry_edit = _make_record_views(
    ReEntry, ReEntryForm, services.reentry_record, "reentry", gettext_lazy("Re-entry")
)


def pause_end(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """End a running pause (the small form on the participant page; a page of its own
    when the date needs correcting)."""
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    pause = get_object_or_404(Pause, pk=record_pk, participant=participant)
    form = PauseEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(form, services.pause_end, by=request.user, pause=pause, end=form.cleaned_data["end"]):
            messages.success(request, _("Pause ended."))
            return redirect(participant)
    intro = _("Paused since %(date)s.") % {"date": pause.start.strftime("%d-%m-%Y")}
    return _form_page(request, participant, form, _("End pause"), {"intro": intro})


def placement_switch(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True)
    current = get_object_or_404(Placement, pk=record_pk, participant=participant)
    form = SwitchPlacementForm(request.POST or None, instance=Placement(participant=participant))
    if request.method == "POST" and form.is_valid():
        if _run(form, services.placement_switch, by=request.user, current=current, new=form.instance):
            messages.success(request, _("Placement switched."))
            placement_capacity_warning(request, form.instance)
            return redirect(participant)
    return _form_page(
        request,
        participant,
        form,
        _("Switch placement"),
        {
            "intro": _(
                "The placement at %(employer)s ends the day before the new one starts. "
                "Switching is not dropout."
            )
            % {"employer": current.employer}
        },
    )


def signal_close(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    signal = get_object_or_404(Signal, pk=record_pk, participant=participant)
    if request.method == "GET":
        _log_view(request, participant, signal)  # the page names the signal's kind
    form = SignalCloseForm(request.POST or None, signal=signal)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            services.signal_close,
            by=request.user,
            signal=signal,
            closed_on=form.cleaned_data["closed_on"],
            note=form.cleaned_data["note"],
        ):
            messages.success(request, _("Signal closed."))
            return redirect(participant)
    return _form_page(
        request, participant, form, _("Close signal: %(kind)s") % {"kind": signal.get_kind_display()}
    )


@require_POST
def entry_delete(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    entry = get_object_or_404(ProgressEntry, pk=record_pk, participant=participant)
    services.record_delete(by=request.user, instance=entry)
    messages.success(request, _("Progress entry deleted."))
    return redirect(participant)


@coordinator_required
def participant_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about one participant: JSON for machines, PDF for the person."""
    participant = participant_for_user(request, pk)
    data = privacy.participant_export(participant)
    fmt = "pdf" if request.GET.get("format") == "pdf" else "json"
    log_action(
        by=request.user,
        action="participants.participant.exported",
        participant=participant,
        data={"format": fmt},
    )
    if fmt == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    else:
        pdf = html_to_pdf(
            "participants/participant_export_pdf.html",
            {"participant": participant, "data": data, "today": timezone.localdate()},
        )
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gegevens-{participant.number}.{fmt}"'
    return response


@coordinator_required
def participant_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase a participant's personal data; dates and categories stay for the figures."""
    participant = participant_for_user(request, pk, lean=True)
    if request.method == "POST" and request.POST.get("confirm") == participant.number:
        try:
            services.participant_anonymise(by=request.user, participant=participant)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The participant's personal data was erased."))
        return redirect("participants:participant-detail", pk=pk)
    if request.method == "POST":
        messages.error(request, _("Type the participant number exactly to confirm."))
    return render(request, "participants/participant_anonymise.html", {"participant": participant})


@require_POST
def reminder_done(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True)
    reminder = get_object_or_404(Reminder, pk=record_pk, participant=participant)
    reminder.participant = participant
    if not may_complete_reminder(request.user, reminder):
        log_action(
            by=request.user,
            action="participants.reminder.denied",
            participant=participant,
            result="denied",
            data={"id": reminder.pk, "path": request.path[:200], "method": request.method},
        )
        raise Http404
    services.reminder_done(by=request.user, reminder=reminder, on=timezone.localdate())
    messages.success(request, _("Reminder done: %(title)s") % {"title": reminder.title})
    return redirect(safe_next(request, participant.get_absolute_url()))


def followup_create(request: HttpRequest, pk: int, record_pk: int, months: int) -> HttpResponse:
    """Answer the question at 6 or 12 months after an outflow."""
    participant = participant_for_user(request, pk, lean=True)
    outflow = get_object_or_404(Outflow, pk=record_pk, participant=participant)
    if months not in FollowUp.MONTHS:
        raise Http404
    form = FollowUpForm(
        request.POST or None, instance=FollowUp(outflow=outflow, months=months, participant=participant)
    )
    if request.method == "POST" and form.is_valid():
        if _run(form, services.followup_record, by=request.user, followup=form.instance):
            messages.success(request, _("Follow-up saved."))
            return redirect("participants:today")
    title = _("Follow-up %(months)s months after outflow") % {"months": months}
    intro = _("%(name)s left on %(date)s: %(kind)s%(at)s.") % {
        "name": participant.full_name,
        "date": outflow.date.strftime("%d-%m-%Y"),
        "kind": outflow.get_kind_display(),
        "at": f" ({outflow.employer})" if outflow.employer else "",
    }
    return _form_page(request, participant, form, title, {"intro": intro})


def attachment_create(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            services.attachment_add,
            by=request.user,
            participant=participant,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        ):
            messages.success(request, _("Document added."))
            return redirect(participant)
    return _form_page(request, participant, form, _("Add document"))


def attachment_download(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """Serve a document only to those who may see its health details."""
    from django.http import FileResponse

    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    attachment = get_object_or_404(Attachment, pk=record_pk, participant=participant)
    if not attachment.file:
        raise Http404
    log_action(
        by=request.user, action="participants.attachment.downloaded", participant=participant, obj=attachment
    )
    ext = settings.PLP_ATTACHMENT_TYPES.get(attachment.content_type, "")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        content_type=attachment.content_type,
        filename=f"{participant.number}-{attachment.pk}{ext}",
    )


@require_POST
def attachment_delete(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    attachment = get_object_or_404(Attachment, pk=record_pk, participant=participant)
    services.attachment_delete(by=request.user, attachment=attachment)
    messages.success(request, _("Document deleted."))
    return redirect(participant)
