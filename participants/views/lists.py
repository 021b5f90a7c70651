"""The coach's lists: the caseload (with search, phase and attention filters) and Vandaag."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from plp.access import coordinator_required
from plp.audit import log_action, search_fingerprint
from plp.roles import (
    COACH,
    COORDINATOR,
    PEER_EXPERT,
    is_coordinator,
    sees_signals,
)

from .. import quality, services
from .. import today as vandaag
from ..caseload_page import caseload_content
from ..caseload_query import Caseload, matching, overview_rows
from ..caseload_rows import caseload_rows
from ..models import (
    PHASE_CSS,
    Participant,
    Phase,
)
from ..paging import CappedPaginator, CompiledPaginator, CompiledSearchPaginator, SearchPaginator
from ..selectors import (
    may_see_sensitive,
    with_flags,
)

PAGE_SIZE = 25
COUNT_CAP = 1000  # a multiple of PAGE_SIZE
COACH_OPTIONS_MAX = 20


FLAGS = {
    "signals": gettext_lazy("Open signals"),
    "no_contact": gettext_lazy("No contact in 14 days"),
    "placement_ending": gettext_lazy("Placement ends within 14 days"),
    "quality": gettext_lazy("Incomplete or inconsistent data"),
    "ready": gettext_lazy("Ready for judgment"),
}


def coach_filter(text: str):
    """The coach filter's users: by id, or else by username or last name (typed without
    JavaScript), as a queryset for a subquery."""
    users = get_user_model().objects.all()
    if text.isdigit():
        return users.filter(pk=int(text))
    return users.filter(Q(username__iexact=text) | Q(last_name__iexact=text))


def _quality_and_coach(qs, flag: str, check_code, coordinator: bool, coach_id: str):
    """`qs` with the data-quality filter and (for coordinators) the coach filter; the
    check chosen and the one coach meant (their id and names), if any."""
    check = None
    if flag == "quality":
        check = next((c for c in quality.checks() if c.code == check_code), None)
        qs = qs.filter(check.participants() if check else quality.participants_failing())
    coach = None
    if coordinator and coach_id == "none":
        qs = qs.filter(coach__isnull=True)
    elif coordinator and coach_id:
        users = coach_filter(coach_id)
        qs = qs.filter(coach_id=int(coach_id)) if coach_id.isdigit() else qs.filter(coach__in=users)
        # Named beside the field when one coach is meant.
        found = list(users.values("pk", "username", "first_name", "last_name")[:2])
        if len(found) == 1:
            coach = found[0]
            coach["name"] = f"{coach['first_name']} {coach['last_name']}".strip() or coach["username"]
    return qs, check, coach


def caseload(request: HttpRequest) -> HttpResponse:
    """ "My participants" for a coach; every participant for a coordinator."""
    coordinator = is_coordinator(request.user)
    day = timezone.localdate()
    q = request.GET.get("q", "").strip()
    phase = request.GET.get("phase", "")
    flag = request.GET.get("flag", "")
    check = None
    coach_id = request.GET.get("coach", "")
    if q:
        log_action(by=request.user, action="participants.participant.searched", data=search_fingerprint(q))
    trigrams = any(len(word) >= 3 for word in q.split())  # a trigram index can serve the search
    coach = None
    if flag == "quality" or (coordinator and coach_id) or not request.user.is_active:
        # Filters the compiled queries leave to the ORM (coordinators' and rarer), and
        # for_user's rule for anyone not logged in or no longer active (nothing).
        qs = matching(
            Participant.objects.for_user(request.user),
            day=day,
            coordinator=coordinator,
            user_id=request.user.pk,
            q=q,
            phase=phase,
            flag=flag,
        )
        qs, check, coach = _quality_and_coach(qs, flag, request.GET.get("check"), coordinator, coach_id)
        if trigrams:
            paginator = SearchPaginator(qs, PAGE_SIZE, COUNT_CAP)
        else:
            paginator = CappedPaginator(qs.values_list("pk", flat=True), PAGE_SIZE, COUNT_CAP)
    else:
        # The page's ids first (an index walk), then the overview for those 25 rows only:
        # the count and OFFSET then skip the per-row subqueries, and deep pages stay cheap.
        files = Caseload(request.user, day=day, q=q, phase=phase, flag=flag)
        paginator = (CompiledSearchPaginator if trigrams else CompiledPaginator)(files, PAGE_SIZE, COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = with_flags(overview_rows(list(page.object_list), day, PAGE_SIZE), day)
    detail_url = reverse("participants:participant-detail", args=[0]).replace("/0/", "/%d/")
    for p in page.object_list:  # precomputed: no template include or reverse() per row
        p.url = detail_url % p.pk
        p.ready = p.ready_for_judgment  # stored, kept by triggers (migration 0027)
        if not may_see_sensitive(request.user, p):
            p.open_signals = None
        p.phase_label, p.phase_css = Phase(p.phase).label, PHASE_CSS[p.phase]
    query = request.GET.copy()
    query.pop("page", None)
    if coach:
        query["coach"] = coach["pk"]  # the export filters by id
    context = {
        "page": page,
        "rows": caseload_rows(page.object_list, with_coach=coordinator),
        "q": q,
        "phase": phase,
        "flag": flag,
        "check": check,
        "coach_id": coach_id,
        "phases": Phase.choices,
        "flags": {k: v for k, v in FLAGS.items() if k != "signals" or sees_signals(request.user)},
        "coach_chosen": coach,
        "querystring": query.urlencode(),
    }
    # The content block is written in Python, like the rows (participants/caseload_page.py).
    context["content"] = caseload_content(request, context)
    return render(request, "participants/participant_list.html", context)


@coordinator_required
@require_safe
def coach_options(request: HttpRequest) -> HttpResponse:
    """The coach filter's suggestions: `<option>`s of the first coaches (by username)
    whose name or username contains every word typed, for the field's datalist. In
    username order, which an index serves: with 25,000 coaches a sort by name costs
    more than the rest."""
    roles = get_user_model().groups.through.objects.filter(
        user=OuterRef("pk"), group__name__in=[COACH, COORDINATOR, PEER_EXPERT]
    )
    users = get_user_model().objects.filter(Exists(roles), is_active=True)
    for word in request.GET.get("coach", "").split()[:5]:
        users = users.filter(
            Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    found = users.order_by("username").values_list("username", "first_name", "last_name")
    return render(request, "participants/_coach_options.html", {"coaches": found[:COACH_OPTIONS_MAX]})


def today(request: HttpRequest) -> HttpResponse:
    """The coach's day: reminders due, and their participants who need attention
    (participants/today.py)."""
    day = timezone.localdate()
    user, coordinator = request.user, is_coordinator(request.user)
    needing = vandaag.needing_attention(user, day)
    followups = services.followups_due(user, day)
    support = vandaag.support_needs_waiting(user, day, coordinator)
    reminders = vandaag.reminders_due(user, day + datetime.timedelta(days=7), coordinator)
    return render(
        request,
        "participants/today.html",
        {
            "today": day,
            "attention": needing,
            "reminders_html": vandaag.reminders_html(request, reminders, day),
            "followups_html": followups and vandaag.followups_html(followups),
            "support_html": support and vandaag.support_html(request, support),
            "attention_html": vandaag.attention_html(request, needing),
        },
    )
