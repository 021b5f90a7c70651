"""Pages about what surrounds the participant: support needs (and group lessons and
learning places). Support needs are special category data: the assigned coach and
coordinators only."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plp.access import coordinator_required
from plp.navigation import safe_next

from .. import services
from ..forms_support import LearningPlaceForm, SupportNeedForm, SupportNeedSettleForm
from ..models import LearningPlace, SupportNeed
from ..selectors import participant_for_user
from ..support_selectors import free_places, learning_places_overview
from .common import _form_page, _log_view, _make_record_views, _run

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


@coordinator_required
def learningplace_list(request: HttpRequest) -> HttpResponse:
    """Leerwerkplekken: per employer the places, how many are taken now and free."""
    day = timezone.localdate()
    rows = learning_places_overview(day)
    return render(
        request,
        "participants/learningplace_list.html",
        {
            "rows": rows,
            "today": day,
            "totals": {
                "capacity": sum(r.capacity for r in rows),
                "taken": sum(r.taken for r in rows),
                "free": sum(r.free for r in rows),
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
