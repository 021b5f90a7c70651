import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from plp.access import account_manager_required, coordinator_required, deny, registrar_required
from plp.audit import log_action, search_fingerprint
from plp.errors import DATABASE_ERRORS
from plp.models import AuditEntry
from plp.navigation import safe_next
from plp.roles import (
    ROLE_LABELS,
    account_role,
    grantable_roles,
    is_coordinator,
    may_manage_account,
    sees_signals,
)

from . import privacy, quality, services
from .forms import (
    AttachmentForm,
    CredentialForm,
    DropoutForm,
    DropoutReasonForm,
    FollowUpForm,
    IntakeForm,
    MentorForm,
    OrganisationForm,
    OutflowForm,
    ParticipantForm,
    PauseForm,
    PlacementForm,
    PLPForm,
    ProgressEntryForm,
    ReEntryForm,
    ReminderForm,
    SignalCloseForm,
    SwitchPlacementForm,
    TrajectoryForm,
    UserForm,
    coaches,
)
from .models import (
    PHASE_CSS,
    Attachment,
    Credential,
    Dropout,
    DropoutReason,
    FollowUp,
    Intake,
    Mentor,
    Organisation,
    Outflow,
    Participant,
    Pause,
    Phase,
    Placement,
    ProgressEntry,
    ReEntry,
    Reminder,
    Signal,
    Trajectory,
)
from .querysets import attention
from .selectors import (
    may_complete_reminder,
    may_see_sensitive,
    participant_file,
    participant_for_user,
    reminders_due,
    role_changes,
    with_flags,
)

logger = logging.getLogger(__name__)
User = get_user_model()
PAGE_SIZE = 25
COACH_SELECT_MAX = 100

FLAGS = {
    "signals": gettext_lazy("Open signals"),
    "no_contact": gettext_lazy("No contact in 14 days"),
    "placement_ending": gettext_lazy("Placement ends within 14 days"),
    "quality": gettext_lazy("Incomplete or inconsistent data"),
}


def caseload(request: HttpRequest) -> HttpResponse:
    """ "My participants" for a coach; every participant for a coordinator."""
    coordinator = is_coordinator(request.user)
    qs = Participant.objects.for_user(request.user)
    q = request.GET.get("q", "").strip()
    phase = request.GET.get("phase", "")
    flag = request.GET.get("flag", "")
    check = None
    coach_id = request.GET.get("coach", "")
    flags = attention(timezone.localdate())
    if not coordinator:
        # Signals are special data: only of the participants the user coaches.
        flags["signals"] &= Q(coach=request.user)
    if flag in flags:
        qs = qs.with_phase().with_overview().filter(flags[flag])
    if q:
        qs = qs.search(q)
        log_action(by=request.user, action="participants.participant.searched", data=search_fingerprint(q))
    if phase in Phase.values:
        qs = qs.in_phase([phase])
    elif not phase:
        qs = qs.open_files()
    if flag == "quality":
        check = next((c for c in quality.checks() if c.code == request.GET.get("check")), None)
        qs = qs.filter(check.participants() if check else quality.participants_failing())
    coach_choices, coach_text = [], False
    if coordinator:
        # A select of thousands of coaches costs more than the page itself: above
        # COACH_SELECT_MAX the filter becomes a text field (username or last name).
        coach_choices = list(
            coaches()
            .order_by("first_name", "username")
            .values_list("pk", "first_name", "last_name", "username")[: COACH_SELECT_MAX + 1]
        )
        coach_text = len(coach_choices) > COACH_SELECT_MAX
        if coach_text:
            coach_choices = []
        if coach_id.isdigit():
            qs = qs.filter(coach_id=int(coach_id))
        elif coach_id == "none":
            qs = qs.filter(coach__isnull=True)
        elif coach_id:
            qs = qs.filter(Q(coach__username__iexact=coach_id) | Q(coach__last_name__iexact=coach_id))
    # The page's ids first (an index walk), then the overview for those 25 rows only: the
    # count and OFFSET then skip the per-row subqueries, and deep pages stay cheap.
    page = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = Participant.objects.with_overview().select_related("coach").in_bulk(ids)
    page.object_list = with_flags([rows[pk] for pk in ids])
    detail_url = reverse("participants:participant-detail", args=[0]).replace("/0/", "/%d/")
    for p in page.object_list:  # precomputed: no template include or reverse() per row
        p.url = detail_url % p.pk
        if not may_see_sensitive(request.user, p):
            p.open_signals = None
        p.phase_label, p.phase_css = Phase(p.phase).label, PHASE_CSS[p.phase]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/participant_list.html",
        {
            "page": page,
            "q": q,
            "phase": phase,
            "flag": flag,
            "check": check,
            "coach_id": coach_id,
            "phases": Phase.choices,
            "flags": {k: v for k, v in FLAGS.items() if k != "signals" or sees_signals(request.user)},
            "coach_choices": coach_choices,
            "coach_text": coach_text,
            "querystring": query.urlencode(),
        },
    )


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
    return render(
        request,
        "participants/participant_detail.html",
        {
            "participant": participant,
            "phase_label": Phase(participant.phase).label,
            "phase_css": PHASE_CSS[participant.phase],
            "sensitive": sensitive,
            "today": timezone.localdate(),
            "access_log": AuditEntry.objects.filter(participant_id=participant.pk)[:50]
            if is_coordinator(request.user)
            else None,
            **participant_file(participant, sensitive=sensitive),
        },
    )


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


def _run(form, service: Callable, **kwargs) -> bool:
    """The save path of every form: call a service and put what went wrong on the form, so
    the page comes back with what was typed. Checks the form's version again with the
    row locked, in the service's transaction (two saves at the same moment: the second
    gets the conflict message). A database that is busy or down is not the user's fault:
    nothing is saved, the input is kept, and the page says to try again (HTTP 503)."""
    try:
        with transaction.atomic():
            if isinstance(form, PLPForm):
                form.check_still_current()
            service(**kwargs)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    except DATABASE_ERRORS:
        logger.warning("Save failed: database unavailable (%s)", service.__name__, exc_info=True)
        form.add_error(
            None,
            ValidationError(
                _(
                    "Nothing was saved: the database is busy or cannot be reached at the moment. "
                    "What you typed is kept below; save again in a moment."
                ),
                code="unavailable",
            ),
        )
        return False
    return True


def _unavailable(form) -> bool:
    """The save failed because the database was busy or down (see `_run`)."""
    return form.is_bound and any(
        e.code == "unavailable" for e in form.errors.as_data().get(NON_FIELD_ERRORS, [])
    )


def _form_page(request, participant, form, title, extra=None) -> HttpResponse:
    return render(
        request,
        "participants/form.html",
        {"form": form, "title": title, "participant": participant, **(extra or {})},
        status=503 if _unavailable(form) else 200,
    )


def _record_view(
    request: HttpRequest,
    pk: int,
    *,
    model: type[Model],
    form_class,
    service: Callable,
    arg: str,
    title: str,
    record_pk: int | None = None,
    form_kwargs: Callable | None = None,
    extra_service_kwargs: Callable | None = None,
    sensitive: bool = False,
) -> HttpResponse:
    """Create or edit one record of a participant's file through its service. With
    `sensitive` (pauses, dropout), and for editing any record whose form shows a field
    classified special in privacy.py (intake, notes, reminders), the page is for the
    assigned coach and coordinators; opening such a record is audited as a view."""
    shows_special = bool(record_pk) and privacy.shows_special(form_class)
    participant = participant_for_user(request, pk, lean=True, sensitive=sensitive or shows_special)
    instance = (
        get_object_or_404(model, pk=record_pk, participant=participant)
        if record_pk
        else model(participant=participant)
    )
    if shows_special and request.method == "GET":
        _log_view(request, participant, instance)
    kwargs = form_kwargs(participant) if form_kwargs else {}
    form = form_class(request.POST or None, instance=instance, **kwargs)
    if request.method == "POST" and form.is_valid():
        extra = extra_service_kwargs(form) if extra_service_kwargs else {}
        if _run(form, service, by=request.user, **{arg: form.instance}, **extra):
            messages.success(request, _("%(what)s saved.") % {"what": title})
            return redirect(safe_next(request) or participant)
    return _form_page(request, participant, form, title)


def _log_view(request: HttpRequest, participant: Participant, record: Model) -> None:
    """Audit the opening of a record that holds special category data, like the
    participant page does: ids and codes only, never the record's text."""
    log_action(
        by=request.user,
        action=f"participants.{record._meta.model_name}.viewed",
        participant=participant,
        data={"id": record.pk},
    )


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


def _make_record_views(model, form_class, service, arg, title, **options):
    """A create and an edit view. Editing a record whose form shows special category data
    (its notes) is for the assigned coach and coordinators only (see `_record_view`)."""

    def create(request: HttpRequest, pk: int) -> HttpResponse:
        return _record_view(
            request,
            pk,
            model=model,
            form_class=form_class,
            service=service,
            arg=arg,
            title=str(title),
            **options,
        )

    def edit(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
        return _record_view(
            request,
            pk,
            model=model,
            form_class=form_class,
            service=service,
            arg=arg,
            title=str(title),
            record_pk=record_pk,
            **options,
        )

    return create, edit


trajectory_create, trajectory_edit = _make_record_views(
    Trajectory, TrajectoryForm, services.trajectory_save, "trajectory", gettext_lazy("Trajectory")
)
placement_create, placement_edit = _make_record_views(
    Placement, PlacementForm, services.placement_save, "placement", gettext_lazy("Placement")
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


def placement_switch(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True)
    current = get_object_or_404(Placement, pk=record_pk, participant=participant)
    form = SwitchPlacementForm(request.POST or None, instance=Placement(participant=participant))
    if request.method == "POST" and form.is_valid():
        if _run(form, services.placement_switch, by=request.user, current=current, new=form.instance):
            messages.success(request, _("Placement switched."))
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


# Coordinator pages: organisations, mentors, dropout reasons, accounts.

MANAGED = {
    "organisation": (
        Organisation,
        OrganisationForm,
        gettext_lazy("Organisations"),
        ["name", "get_kind_display", "role", "active"],
    ),
    "mentor": (
        Mentor,
        MentorForm,
        gettext_lazy("Workplace mentors"),
        ["name", "organisation", "email", "active"],
    ),
    "reason": (
        DropoutReason,
        DropoutReasonForm,
        gettext_lazy("Dropout reasons"),
        ["label", "code", "active"],
    ),
}


def _managed(kind: str):
    if kind not in MANAGED:
        raise Http404
    return MANAGED[kind]


@coordinator_required
def managed_list(request: HttpRequest, kind: str) -> HttpResponse:
    model, _form, title, columns = _managed(kind)
    qs = model.objects.all()
    if model is Mentor:
        qs = qs.select_related("organisation")
    if model is Organisation and request.GET.get("kind") in Organisation.Kind.values:
        qs = qs.filter(kind=request.GET["kind"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        (obj, [getattr(obj, c)() if callable(getattr(obj, c)) else getattr(obj, c) for c in columns])
        for obj in page
    ]
    headers = [
        model._meta.get_field(c).verbose_name
        if not c.startswith("get_")
        else model._meta.get_field(c[4:-8]).verbose_name
        for c in columns
    ]
    return render(
        request,
        "participants/managed_list.html",
        {
            "page": page,
            "rows": rows,
            "headers": headers,
            "title": title,
            "kind": kind,
            "kinds": Organisation.Kind.choices if model is Organisation else None,
        },
    )


@coordinator_required
@transaction.atomic
def managed_edit(request: HttpRequest, kind: str, record_pk: int | None = None) -> HttpResponse:
    model, form_class, title, _columns = _managed(kind)
    instance = get_object_or_404(model, pk=record_pk) if record_pk else None
    form = form_class(request.POST or None, instance=instance)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.reference_save, by=request.user, obj=form.instance)
    ):
        messages.success(request, _("%(what)s saved.") % {"what": form.instance})
        return redirect("participants:managed-list", kind=kind)
    return render(
        request,
        "participants/form.html",
        {"form": form, "title": str(instance) if instance else model._meta.verbose_name.capitalize()},
        status=503 if _unavailable(form) else 200,
    )


@account_manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.prefetch_related("groups").order_by("-is_active", "username")
    q = request.GET.get("q", "").strip()
    for word in q.split():
        users = users.filter(
            Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    for u in page:
        u.manageable = may_manage_account(request.user, u)
        u.role_label = ROLE_LABELS.get(account_role(u), "–")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/user_list.html",
        {
            "page": page,
            "q": q,
            "querystring": query.urlencode(),
            "role_changes": role_changes(limit=20) if is_coordinator(request.user) else None,
        },
    )


@account_manager_required
def user_edit(request: HttpRequest, user_pk: int | None = None) -> HttpResponse:
    """Create or change an account. Administrators reach only the accounts of coaches and
    peer experts (not their own); coordinators every account but a superuser's."""
    instance = get_object_or_404(User, pk=user_pk) if user_pk else None
    if instance and not may_manage_account(request.user, instance):
        deny(request)
    if instance and request.method == "POST" and "reset_2fa" in request.POST:
        from plp.accounts import devices_reset

        devices_reset(by=request.user, user=instance)
        messages.success(
            request,
            _("Two-step login of %(username)s was reset: they set it up again at the next login.")
            % {"username": instance.username},
        )
        return redirect("participants:user-edit", user_pk=instance.pk)
    form = UserForm(
        request.POST or None,
        instance=instance,
        roles=grantable_roles(request.user),
        own=instance is not None and instance.pk == request.user.pk,
    )
    if request.method == "POST" and form.is_valid():
        role_changed = instance is not None and "role" in form.changed_data
        user = form.instance
        if _run(
            form,
            services.account_save,
            by=request.user,
            user=user,
            role=form.cleaned_data.get("role"),
            password=form.cleaned_data.get("password1") or None,
        ):
            if instance and (not user.is_active or role_changed):
                from plp.security import end_user_sessions

                end_user_sessions(user)
            messages.success(request, _("Account %(username)s saved.") % {"username": user.username})
            return redirect("participants:user-list")
    coordinator = is_coordinator(request.user)
    return render(
        request,
        "participants/form.html",
        {
            "form": form,
            "title": instance.username if instance else _("New account"),
            "reset_2fa": bool(instance),
            # What an account did names participants and the records viewed: coordinators only.
            "activity": (
                AuditEntry.objects.filter(user_id=instance.pk)[:100] if instance and coordinator else None
            ),
            "role_changes": role_changes(account=instance) if instance and coordinator else None,
        },
        status=503 if _unavailable(form) else 200,
    )


@coordinator_required
def participant_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about one participant: JSON for machines, PDF for the person."""
    from django.http import JsonResponse

    from plp.pdf import html_to_pdf

    from .privacy import participant_export as export_data

    participant = participant_for_user(request, pk)
    data = export_data(participant)
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


def today(request: HttpRequest) -> HttpResponse:
    """The coach's day: reminders due, and their participants who need attention."""
    day = timezone.localdate()
    reminders = reminders_due(request.user, day + datetime.timedelta(days=7))
    soon = day + datetime.timedelta(days=settings.PLP_PLACEMENT_ENDING_DAYS)
    pause_ending = Pause.objects.filter(participant=OuterRef("pk"), end__gte=day, end__lte=soon)
    flags = attention(day)
    needing = with_flags(
        list(
            Participant.objects.filter(coach=request.user)
            .open_files(day)
            .with_phase(day)
            .with_overview(day)
            .annotate(pause_ending=Exists(pause_ending))
            .filter(flags["signals"] | flags["no_contact"] | flags["placement_ending"] | Q(pause_ending=True))
            .order_by("last_contact", "last_name")[:100]
        ),
        day,
    )
    return render(
        request,
        "participants/today.html",
        {
            "today": day,
            "reminders": reminders,
            "attention": needing,
            "followups": services.followups_due(request.user, day),
        },
    )


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
