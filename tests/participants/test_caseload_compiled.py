"""The caseload over SQL compiled once (participants/caseload_query.py): the same page,
byte for byte, as the view built with the ORM on every request (kept here as it was), for
coaches, peer experts with shared files and coordinators, over filters, searches and
pages; the compiled SQL is the ORM's; and it is compiled once per shape, not per user."""

import datetime
import itertools
import random
import re
from pathlib import Path

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db.models import Q
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from participants import caseload_query, quality
from participants.caseload_rows import caseload_rows
from participants.goals import ready_for_judgment
from participants.models import PHASE_CSS, Participant, Phase
from participants.paging import CappedPaginator, SearchPaginator
from participants.querysets import attention
from participants.selectors import may_see_sensitive, with_flags
from participants.views import lists
from plp.audit import log_action, search_fingerprint
from plp.roles import COACH, PEER_EXPERT, is_coordinator, sees_signals
from tests.factories import (
    DropoutFactory,
    OrganisationFactory,
    OutflowFactory,
    ParticipantFactory,
    PauseFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
    UserFactory,
)
from tests.participants.test_query_counts import fill_ready

pytestmark = pytest.mark.django_db
D = datetime.date
# templates/participants/participant_list.html before its content was written in Python.
BEFORE = engines["django"].from_string((Path(__file__).parent / "participant_list_before.html").read_text())


def old_queryset(request, q, phase, flag):
    """The caseload's files as the view built them before (commit f8f47af)."""
    coordinator = is_coordinator(request.user)
    qs = Participant.objects.for_user(request.user)
    flags = attention(timezone.localdate())
    if not coordinator:
        flags["signals"] &= Q(coach=request.user)
    if flag in flags:
        qs = qs.with_overview().filter(flags[flag])
    elif flag == "ready":
        qs = qs.filter(ready_for_judgment())
    if q:
        qs = qs.search(q)
    if phase in Phase.values:
        qs = qs.in_phase([phase])
    elif not phase:
        qs = qs.open_files()
    return qs


def old_caseload(request):
    """The caseload view before (commit f8f47af), verbatim but for `old_queryset`."""
    coordinator = is_coordinator(request.user)
    q = request.GET.get("q", "").strip()
    phase = request.GET.get("phase", "")
    flag = request.GET.get("flag", "")
    check = None
    coach_id = request.GET.get("coach", "")
    qs = old_queryset(request, q, phase, flag)
    if q:
        log_action(by=request.user, action="participants.participant.searched", data=search_fingerprint(q))
    if flag == "quality":
        check = next((c for c in quality.checks() if c.code == request.GET.get("check")), None)
        qs = qs.filter(check.participants() if check else quality.participants_failing())
    coach = None
    if coordinator and coach_id == "none":
        qs = qs.filter(coach__isnull=True)
    elif coordinator and coach_id:
        users = lists.coach_filter(coach_id)
        qs = qs.filter(coach_id=int(coach_id)) if coach_id.isdigit() else qs.filter(coach__in=users)
        found = list(users.values("pk", "username", "first_name", "last_name")[:2])
        if len(found) == 1:
            coach = found[0]
            coach["name"] = f"{coach['first_name']} {coach['last_name']}".strip() or coach["username"]
    if any(len(word) >= 3 for word in q.split()):
        paginator = SearchPaginator(qs, lists.PAGE_SIZE, lists.COUNT_CAP)
    else:
        paginator = CappedPaginator(qs.values_list("pk", flat=True), lists.PAGE_SIZE, lists.COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = Participant.objects.with_overview().select_related("coach").in_bulk(ids)
    page.object_list = with_flags([rows[pk] for pk in ids])
    detail_url = reverse("participants:participant-detail", args=[0]).replace("/0/", "/%d/")
    for p in page.object_list:
        p.url = detail_url % p.pk
        p.ready = p.ready_for_judgment
        if not may_see_sensitive(request.user, p):
            p.open_signals = None
        p.phase_label, p.phase_css = Phase(p.phase).label, PHASE_CSS[p.phase]
    query = request.GET.copy()
    query.pop("page", None)
    if coach:
        query["coach"] = coach["pk"]
    return HttpResponse(
        BEFORE.render(
            {
                "page": page,
                "rows": caseload_rows(page.object_list, with_coach=coordinator),
                "q": q,
                "phase": phase,
                "flag": flag,
                "check": check,
                "coach_id": coach_id,
                "phases": Phase.choices,
                "flags": {
                    k: v for k, v in lists.FLAGS.items() if k != "signals" or sees_signals(request.user)
                },
                "coach_chosen": coach,
                "querystring": query.urlencode(),
            },
            request,
        )
    )


def page_of(view, user, params) -> str:
    request = RequestFactory().get("/deelnemers/", params)
    request.user, request.session = user, {}
    request._messages = FallbackStorage(request)
    html = view(request).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr("participants.views.lists.COUNT_CAP", 50)
    return 50


@pytest.fixture
def sharing(coach, other_coach, coordinator):
    """Four of the other coach's files shared with `coach` (no padding), three with a
    peer expert (padded to four)."""
    theirs = [
        ParticipantFactory(coach=other_coach, first_name="Jan", last_name=f"Jansen{i}") for i in range(7)
    ]
    for p in theirs[:4]:
        p.team.add(coach)
    peer = UserFactory(username="peer", role=PEER_EXPERT)
    for p in theirs[4:]:
        p.team.add(peer)
    return {"coach": coach, "coordinator": coordinator, "peer": peer, "other": other_coach}


@pytest.fixture
def world(sharing, coach, other_coach):
    """Files of two coaches and of none, in every phase, with every flag."""
    today = timezone.localdate()
    rng = random.Random(7)
    employers = [OrganisationFactory(name=n) for n in ("Bakkerij <De Zon>", "Bouw & Co", "Zorg 50%_")]
    for i in range(45):
        owner = (coach, other_coach, None)[i % 3]
        first = ("Anna", "Jan", "Eva", "O'Neil", "a_b")[i % 5] + str(i % 4)
        last = ("Jansen", "de Vries", "Bos", "Naam<b>", "50% Kok")[i % 7 % 5] + str(i % 3)
        p = ParticipantFactory(coach=owner, first_name=first, last_name=last)
        kind = rng.randrange(8)
        if kind > 0:
            TrajectoryFactory(participant=p, start=today - datetime.timedelta(days=rng.randrange(20, 400)))
        if kind == 2:
            PauseFactory(participant=p, start=today - datetime.timedelta(days=5))
        if kind == 3:
            OutflowFactory(participant=p, date=today - datetime.timedelta(days=2))
        if kind == 4:
            DropoutFactory(participant=p, date=today - datetime.timedelta(days=1), reason=None)
        if rng.random() < 0.5:
            end = today + datetime.timedelta(days=rng.choice([3, 10, 90])) if rng.random() < 0.7 else None
            PlacementFactory(
                participant=p,
                employer=rng.choice(employers),
                start=today - datetime.timedelta(days=30),
                end=end,
            )
        if rng.random() < 0.6:
            ProgressEntryFactory(
                participant=p, date=today - datetime.timedelta(days=rng.choice([1, 13, 15, 60]))
            )
        for _ in range(rng.choice([0, 0, 1, 2])):
            SignalFactory(participant=p, raised_on=today)
    fill_ready(coach, 3)
    fill_ready(other_coach, 2)
    return sharing


SEARCHES = ["", "jansen", "jan", "de vries", "an", "a_b", "50%", "o'neil bos1", "PLP0STANDIN", "zzz"]
PHASES = ["", "all", "in_trajectory", "paused", "outflowed", "nonsense"]
FLAGS = ["", "signals", "no_contact", "placement_ending", "ready", "nonsense"]
PAGES = [None, "2", "3", "99", "x"]


@pytest.mark.parametrize("who", ["coach", "peer", "coordinator", "other"])
def test_the_page_is_the_same_as_before(world, who, cap):
    user = world[who]
    rng = random.Random(who)
    combos = [(q, phase, flag) for q in SEARCHES for phase in PHASES for flag in FLAGS]
    for q, phase, flag in [("", "", ""), ("jansen", "", ""), *rng.sample(combos, 12)]:
        for page in [None, rng.choice(PAGES)]:
            params = {k: v for k, v in (("q", q), ("phase", phase), ("flag", flag), ("page", page)) if v}
            new = page_of(lists.caseload, user, params)
            assert new == page_of(old_caseload, user, params), params
            assert "<tr>" in new or "Geen deelnemers" in new


def test_the_page_is_the_same_above_the_cap(world, cap):
    for i in range(60):
        ParticipantFactory(coach=world["coach"], first_name=f"Eva{i % 3}", last_name=f"Zoek{i:03d}")
    for user, language in itertools.product((world["coach"], world["coordinator"]), ("nl", "en")):
        for params in (
            {},
            {"page": 2},
            {"page": 3},
            {"q": "zoek"},
            {"q": "zoek", "page": 2},
            {"q": "eva1 zoe"},
        ):
            with translation.override(language):
                new = page_of(lists.caseload, user, {"phase": "all", **params})
                assert new == page_of(old_caseload, user, {"phase": "all", **params}), params
            assert "50 deelnemers" in new or "50 participants" in new or "eva1" in str(params)


def test_the_coordinators_coach_and_quality_filters_are_the_same(world, cap):
    coordinator, coach = world["coordinator"], world["coach"]
    for params in (
        {"coach": coach.pk},
        {"coach": "alice", "q": "jansen"},
        {"coach": "none", "phase": "all"},
        {"coach": "nobody"},
        {"flag": "quality"},
        {"flag": "quality", "check": quality.checks()[0].code, "phase": "all"},
    ):
        assert page_of(lists.caseload, coordinator, params) == page_of(old_caseload, coordinator, params)
    assert page_of(lists.caseload, coach, {"flag": "quality"}) == page_of(
        old_caseload, coach, {"flag": "quality"}
    )


@pytest.mark.parametrize("who", ["coach", "peer", "coordinator"])
def test_the_compiled_sql_is_the_orms(sharing, who):
    """With the values filled in, the count, the page and a search's sample are the very
    SQL and parameters the ORM makes of the old view's queryset."""
    user = sharing[who]
    request = RequestFactory().get("/")
    request.user = user
    day = timezone.localdate()
    for q in ("", "50%_\\ x", "de PLP0STANDIN"):
        for phase in ("", "all", "paused"):
            for flag in ("", "signals", "no_contact", "placement_ending", "ready"):
                files = caseload_query.Caseload(user, day=day, q=q, phase=phase, flag=flag)
                if who == "peer":  # three shared ids padded to four: the ORM has three
                    files.values = files.values[:4] + files.values[5:]
                    files.shape = caseload_query.Shape(**{**files.shape.__dict__, "shared": 3})
                old = old_queryset(request, q, phase, flag)
                sql, params = old.values_list("pk").order_by()[:51].query.sql_with_params()
                count = caseload_query.COUNT.sql(files.values, files.shape, 51)
                assert count == (f"SELECT COUNT(*) FROM ({sql}) subquery", list(params))  # noqa: S608
                sql, params = old.values_list("pk", flat=True)[25:50].query.sql_with_params()
                assert caseload_query.IDS.sql(files.values, files.shape, 25, 25) == (sql, list(params))
                sql, params = (
                    old.order_by()
                    .values_list("last_name", "first_name", "number")[:51]
                    .query.sql_with_params()
                )
                assert caseload_query.SAMPLE.sql(files.values, files.shape, 51)[1] == list(params)


def test_a_coach_page_is_compiled_once_per_shape_not_per_coach(sharing, client, cap):
    """Two coaches (no shared files), the same day and filters: one compiled count and page."""
    for compiled in (caseload_query.COUNT, caseload_query.IDS, caseload_query.ROWS):
        compiled.compiled.clear()
    third = UserFactory(username="dirk", role=COACH)
    ParticipantFactory(coach=third, first_name="Dirk", last_name="Eigen")
    for user in (sharing["other"], third):
        client.force_login(user)
        assert client.get("/deelnemers/").status_code == 200
    assert len(caseload_query.COUNT.compiled) == len(caseload_query.IDS.compiled) == 1
    assert len(caseload_query.ROWS.compiled) == 1


def test_the_overview_rows_are_the_orms(world):
    """The rows' fields, overview and coach as `in_bulk` with `with_overview` gave them."""
    day = timezone.localdate()
    ids = list(Participant.objects.order_by("?").values_list("pk", flat=True)[:20])
    rows = caseload_query.overview_rows(ids, day, 25)
    old = Participant.objects.with_overview().select_related("coach").in_bulk(ids)
    assert [p.pk for p in rows] == ids
    for p in rows:
        o = old[p.pk]
        names = (*caseload_query.ROW_FIELDS, *caseload_query.OVERVIEW, "full_name")
        assert [getattr(p, n) for n in names] == [getattr(o, n) for n in names]
        assert (p.coach and (p.coach.pk, p.coach.get_full_name(), p.coach.username)) == (
            o.coach and (o.coach.pk, o.coach.get_full_name(), o.coach.username)
        )
    assert caseload_query.overview_rows([], day, 25) == []


def test_a_user_no_longer_active_sees_no_files(world):
    """for_user's rule (nothing for an inactive account), kept by the compiled path too."""
    user = world["coach"]
    user.is_active = False
    new = page_of(lists.caseload, user, {})
    assert new == page_of(old_caseload, user, {}) and "Geen deelnemers" in new
