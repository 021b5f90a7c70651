"""Pages about what surrounds the participant: support needs (and group lessons and
learning places). Support needs are special category data: the assigned coach and
coordinators only."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plp.access import coordinator_required, registrar_required
from plp.audit import log_action, search_fingerprint
from plp.navigation import safe_next

from .. import services
from ..forms_support import (
    GroupLessonForm,
    LearningPlaceForm,
    SupportNeedForm,
    SupportNeedSettleForm,
    posted_ids,
)
from ..models import GroupLesson, LearningPlace, LessonAttendance, Participant, SupportNeed
from ..selectors import participant_for_user
from ..support_selectors import (
    INVITE_RESULTS,
    InviteSearch,
    free_places,
    invite_candidates,
    invite_filters,
    learning_places_overview,
)
from .common import _form_page, _log_view, _make_record_views, _run, _unavailable

supportneed_create, supportneed_edit = _make_record_views(
    SupportNeed,
    SupportNeedForm,
    services.support_need_save,
    "need",
    gettext_lazy("Support need"),
    sensitive=True,
)


def supportneed_settle(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    need = get_object_or_404(SupportNeed, pk=record_pk, participant=participant)
    if request.method == "GET":
        _log_view(request, participant, need)
    form = SupportNeedSettleForm(request.POST or None, need=need)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            services.support_need_settle,
            by=request.user,
            need=need,
            status=form.cleaned_data["status"],
            closed_on=form.cleaned_data["closed_on"],
        ):
            messages.success(request, _("Support need closed."))
            return redirect(safe_next(request) or participant)
    return _form_page(
        request, participant, form, _("Close support need: %(kind)s") % {"kind": need.get_kind_display()}
    )


def started_period(request: HttpRequest) -> tuple[datetime.date, datetime.date] | None:
    """The period of `?from=&to=` (ISO dates, first on or before last), None without
    one; ValueError when it is given but not a valid period."""
    first, last = request.GET.get("from", ""), request.GET.get("to", "")
    if not first and not last:
        return None
    start, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    if end < start:
        raise ValueError("The period ends before it starts.")
    return start, end


@coordinator_required
def learningplace_list(request: HttpRequest) -> HttpResponse:
    """Leerwerkplekken: per employer the places, how many are taken now and free. With
    `?from=&to=` only the places that start in that period: the trace of the figure
    "leerwerkplekken gerealiseerd", whose number the page repeats."""
    day = timezone.localdate()
    try:
        started = started_period(request)
    except ValueError:
        started = None
        messages.error(request, _("The period in the link is not valid; all learning places are shown."))
    rows = learning_places_overview(day, started)
    return render(
        request,
        "participants/learningplace_list.html",
        {
            "rows": rows,
            "today": day,
            "started": started,
            "totals": {
                "capacity": sum(r.capacity for r in rows),
                "taken": sum(r.taken for r in rows),
                "free": sum(r.free for r in rows),
                "listed": sum(r.listed for r in rows),
            },
        },
    )


@coordinator_required
def learningplace_edit(request: HttpRequest, record_pk: int | None = None) -> HttpResponse:
    place = get_object_or_404(LearningPlace, pk=record_pk) if record_pk else LearningPlace()
    form = LearningPlaceForm(request.POST or None, instance=place)
    if request.method == "POST" and form.is_valid():
        if _run(form, services.learning_place_save, by=request.user, place=form.instance):
            messages.success(request, _("Learning places saved."))
            return redirect("participants:learningplace-list")
    return _form_page(request, None, form, _("Learning places"))


def placement_capacity_warning(request: HttpRequest, placement) -> None:
    """After a placement is saved: warn (not refuse) when its employer has no free place."""
    if placement.end is not None and placement.end < timezone.localdate():
        return
    capacity, taken = free_places(placement.employer_id, max(placement.start, timezone.localdate()))
    if taken > capacity:
        messages.warning(
            request,
            _(
                "%(employer)s has no free learning place: %(capacity)s offered, %(taken)s taken now. "
                "Record the place under Learning places."
            )
            % {"employer": placement.employer, "capacity": capacity, "taken": taken},
        )


@registrar_required
def lesson_list(request: HttpRequest) -> HttpResponse:
    """Group lessons: the coming ones first, then the past ones, with invited and present."""
    day = timezone.localdate()
    lessons = GroupLesson.objects.annotate(
        invited=Count("attendances"), present=Count("attendances", filter=Q(attendances__present=True))
    )
    coming = list(lessons.filter(date__gte=day).order_by("date", "start_time", "pk")[:50])
    past = Paginator(lessons.filter(date__lt=day).order_by("-date", "-start_time", "-pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "participants/lesson_list.html", {"coming": coming, "page": past, "today": day})


@registrar_required
def lesson_edit(request: HttpRequest, record_pk: int | None = None) -> HttpResponse:
    """Plan a lesson or a weekly series; or change a lesson and whom it invites. The
    invite list is searched (number or name, coach, current employer, phase) and the
    chosen participants travel with the form, so a search or an error loses nothing.
    "Zoeken" and "Alle gevonden toevoegen" post the form without saving it."""
    lesson = get_object_or_404(GroupLesson, pk=record_pk) if record_pk else GroupLesson()
    action = request.POST.get("invite_action", "") if request.method == "POST" else ""
    if action:
        form = GroupLessonForm.kept(request.POST, instance=lesson, user=request.user)
    else:
        form = GroupLessonForm(request.POST or None, instance=lesson, user=request.user)
    if request.method == "POST" and not action and form.is_valid():
        invited = form.cleaned_data["participants"]
        if record_pk:
            ok = _run(form, services.lesson_save, by=request.user, lesson=form.instance, participants=invited)
        else:
            weeks = form.cleaned_data["weeks"]
            ok = _run(
                form,
                services.lesson_plan,
                by=request.user,
                lesson=form.instance,
                participants=invited,
                weeks=weeks,
            )
        if ok:
            messages.success(request, _("Lesson saved."))
            return redirect("participants:lesson-list")
    return render(
        request,
        "participants/lesson_form.html",
        {
            "form": form,
            "lesson": lesson,
            "title": _("Group lesson"),
            **_invite_list(request, form, lesson, action),
        },
        status=503 if _unavailable(form) else 200,
    )


def _invite_list(request: HttpRequest, form, lesson: GroupLesson, action: str) -> dict:
    """The invite list's context: the participants chosen (as sent, or those invited
    now), those found by the search (bounded), the filters' choices, and how many
    invited participants the user does not guide (they stay invited). A fixed number
    of queries, whatever the number of participants."""
    day = timezone.localdate()
    posted = request.method == "POST"
    search = InviteSearch.from_data(request.POST if posted else request.GET)
    allowed = form.fields["participants"].queryset.select_related("coach")
    if posted:
        ids = posted_ids(request.POST)
        chosen = list(allowed.filter(pk__in=ids)) if ids else []
    elif lesson.pk:
        chosen = list(allowed.filter(pk__in=lesson.attendances.values("participant")))
    else:
        chosen = []
    visible = Participant.objects.for_user(request.user)
    found, more = invite_candidates(visible, search, exclude=[p.pk for p in chosen], day=day)
    if action == "add_all" and not more:
        chosen += found
        chosen.sort(key=lambda p: (p.last_name, p.first_name, p.number))
        found = []
    if search.q and (action or not posted):  # a search, not the search box kept on saving
        log_action(
            by=request.user, action="participants.participant.searched", data=search_fingerprint(search.q)
        )
    hidden = 0
    if lesson.pk:
        hidden = lesson.attendances.exclude(participant__in=visible).count()
    return {
        "search": search,
        "chosen": chosen,
        "found": found,
        "more": more,
        "hidden": hidden,
        "filters": invite_filters(request.user, visible, day),
        "max_found": INVITE_RESULTS,
        "searched": bool(action),
    }


@registrar_required
def lesson_attendance(request: HttpRequest, record_pk: int) -> HttpResponse:
    """Take the attendance of a lesson on a phone: present or absent (with a reason) for
    each invited participant the user may see."""
    lesson = get_object_or_404(GroupLesson, pk=record_pk)
    visible = Participant.objects.for_user(request.user).filter(lesson_attendances__lesson=lesson)
    rows = list(
        LessonAttendance.objects.filter(lesson=lesson, participant__in=visible)
        .select_related("participant")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    for row in rows:  # the mark as this sheet shows it, posted back to find what changed
        row.seen = services.attendance_mark_text(row.present, row.absence)
    error = ""
    if request.method == "POST":
        marks, seen = {}, {}
        for row in rows:
            choice = request.POST.get(f"p-{row.participant_id}", "")
            present = {"present": True, "absent": False}.get(choice)
            marks[row.participant_id] = (present, request.POST.get(f"r-{row.participant_id}", ""))
            if f"w-{row.participant_id}" in request.POST:
                seen[row.participant_id] = services.attendance_mark_parse(
                    request.POST[f"w-{row.participant_id}"]
                )
        try:
            services.attendance_record(by=request.user, lesson=lesson, marks=marks, seen=seen)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("participants:lesson-attendance", record_pk=lesson.pk)
        for row in rows:  # what was chosen stays on the page
            row.present, row.absence = marks[row.participant_id]
    return render(
        request,
        "participants/lesson_attendance.html",
        {
            "lesson": lesson,
            "rows": rows,
            "hidden": lesson.attendances.count() - len(rows),
            "reasons": LessonAttendance.Absence.choices,
            "error": error,
        },
        status=400 if error else 200,
    )
