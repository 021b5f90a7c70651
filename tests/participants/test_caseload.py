"""The caseload: its pager counts no further than a cap (the exact number below it), its
filters and search return exactly the right files in name order on every page, and the
coach filter is a field with suggestions instead of a list of every coach."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant
from plp.roles import COACH, COORDINATOR, PEER_EXPERT
from tests.factories import (
    DropoutFactory,
    OutflowFactory,
    ParticipantFactory,
    PauseFactory,
    TrajectoryFactory,
    UserFactory,
)
from tests.participants.test_query_counts import count, fill_ready

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/deelnemers/"


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr("participants.views.lists.COUNT_CAP", 50)
    return 50


def people(n, coach=None, **kwargs):
    """n participants with distinct names that sort in a known order."""
    return [
        ParticipantFactory(coach=coach, first_name=f"Anna{i % 7}", last_name=f"Naam{i % 11:02d}", **kwargs)
        for i in range(n)
    ]


def in_name_order(qs) -> list[str]:
    return [p.number for p in sorted(qs, key=lambda p: (p.last_name, p.first_name, p.number))]


def listed(client, **params) -> list[str]:
    """The numbers on every page of the caseload, in the order shown."""
    numbers, page = [], 1
    while True:
        response = client.get(URL, {**params, "page": page})
        numbers += [p.number for p in response.context["page"].object_list]
        if not response.context["page"].has_next():
            return numbers
        page += 1


def test_below_the_cap_the_exact_count_shows(coordinator_client, cap):
    people(40)
    response = coordinator_client.get(URL, {"phase": "all"})
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.capped, paginator.num_pages) == (40, False, 2)
    assert "40 deelnemers" in response.content.decode()
    assert listed(coordinator_client, phase="all") == in_name_order(Participant.objects.all())


def test_above_the_cap_the_pages_stop_at_the_cap(coordinator_client, cap):
    people(cap + 10)
    response = coordinator_client.get(URL, {"phase": "all", "page": 2})
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.capped, paginator.num_pages) == (cap, True, 2)
    html = response.content.decode()
    assert "Meer dan 50 deelnemers voldoen" in html and "Verfijn de zoekopdracht" in html
    everyone = in_name_order(Participant.objects.all())
    assert [p.number for p in response.context["page"].object_list] == everyone[25:50]
    assert listed(coordinator_client, phase="all") == everyone[:cap]
    # A page past the cap shows the last page within it.
    assert coordinator_client.get(URL, {"phase": "all", "page": 3}).context["page"].number == 2


def test_exactly_the_cap_is_not_more_than_the_cap(coordinator_client, cap):
    people(cap)
    paginator = coordinator_client.get(URL, {"phase": "all"}).context["page"].paginator
    assert (paginator.count, paginator.capped) == (cap, False)


def test_filters_and_search_list_the_right_files_in_order(coordinator_client, coach, cap):
    today = timezone.localdate()
    running = people(30, coach)
    for p in running:
        TrajectoryFactory(participant=p, start=D(2024, 2, 1))
    for p in running[:6]:
        PauseFactory(participant=p, start=today - datetime.timedelta(days=10))
    for p in running[6:9]:
        OutflowFactory(participant=p, date=today - datetime.timedelta(days=3))
    DropoutFactory(participant=running[9], date=today - datetime.timedelta(days=3), reason=None)
    fill_ready(coach, 4)
    ParticipantFactory(first_name="Jan", last_name="Jansen")  # registered only
    ParticipantFactory(first_name="Bram", last_name="Janssen")
    rows = list(Participant.objects.with_phase(today))
    open_files = [p for p in rows if p.closed_on is None or p.closed_on > today]

    def phase(name):
        return in_name_order(p for p in rows if p.phase == name)

    assert 0 < len(phase("paused")) < len(phase("in_trajectory")) < len(open_files) < len(rows)
    assert listed(coordinator_client) == in_name_order(open_files)
    assert listed(coordinator_client, phase="all") == in_name_order(rows)
    assert listed(coordinator_client, phase="in_trajectory") == phase("in_trajectory")
    assert listed(coordinator_client, phase="paused") == phase("paused")
    assert listed(coordinator_client, phase="outflowed") == phase("outflowed")
    ready = in_name_order(p for p in open_files if p.ready_for_judgment)
    assert len(ready) == 4 and listed(coordinator_client, flag="ready") == ready
    for q in ("jansen", "JAN", "anna3 naam0", "naam1"):
        words = q.lower().split()
        expected = in_name_order(p for p in rows if all(w in p.search_text.lower() for w in words))
        assert expected and listed(coordinator_client, q=q, phase="all") == expected, q


def test_the_coach_filter_takes_an_id_a_username_or_a_last_name(coordinator_client):
    anna = UserFactory(username="anna", first_name="Anna", last_name="Visser", role=COACH)
    bert = UserFactory(username="bert", first_name="Bert", last_name="Visser", role=COACH)
    mine = people(3, anna)
    people(2, bert)
    people(1)  # no coach
    by_id = coordinator_client.get(URL, {"coach": anna.pk, "phase": "all"})
    assert sorted(p.number for p in by_id.context["page"]) == sorted(p.number for p in mine)
    html = by_id.content.decode()
    assert by_id.context["coach_chosen"]["name"] == "Anna Visser" and 'value="anna"' in html
    by_name = coordinator_client.get(URL, {"coach": "ANNA", "phase": "all"})
    assert [p.number for p in by_name.context["page"]] == [p.number for p in by_id.context["page"]]
    # The export link filters by the coach's id, which is what the export reads.
    export = reverse("participants:export")
    link = next(a for a in by_name.content.decode().split('href="') if a.startswith(export))
    assert parse_qs(urlparse(link.split('"')[0].replace("&amp;", "&")).query)["coach"] == [str(anna.pk)]
    both = coordinator_client.get(URL, {"coach": "visser", "phase": "all"})
    assert len(both.context["page"].object_list) == 5 and both.context["coach_chosen"] is None
    nobody = coordinator_client.get(URL, {"coach": "none", "phase": "all"})
    assert len(nobody.context["page"].object_list) == 1 and "Geen praktijkopleider" in nobody.content.decode()
    assert (
        coordinator_client.get(URL, {"coach": "niemand", "phase": "all"}).context["page"].paginator.count == 0
    )


def test_coach_suggestions_match_every_word_and_stop_at_twenty(coordinator_client):
    for i in range(25):
        UserFactory(username=f"coach{i:02d}", first_name="Sanne", last_name=f"de Vries{i:02d}", role=COACH)
    UserFactory(username="peer", first_name="Sanne", last_name="Bakker", role=PEER_EXPERT)
    UserFactory(username="gone", first_name="Sanne", last_name="Weg", role=COACH, is_active=False)
    UserFactory(username="admin-sanne", first_name="Sanne", last_name="Beheer")  # no caseload role
    url = reverse("participants:coach-options")
    html = coordinator_client.get(url, {"coach": "sanne"}).content.decode()
    assert html.count("<option") == 20 and 'value="coach00">Sanne de Vries00<' in html
    html = coordinator_client.get(url, {"coach": "sanne bakk"}).content.decode()
    assert html.count("<option") == 1 and 'value="peer"' in html
    html = coordinator_client.get(url, {"coach": "VRIES07"}).content.decode()
    assert html.count("<option") == 1 and 'value="coach07"' in html
    assert "gone" not in coordinator_client.get(url, {"coach": "weg"}).content.decode()
    assert "admin-sanne" not in coordinator_client.get(url, {"coach": "beheer"}).content.decode()
    assert coordinator_client.post(url, {"coach": "sanne"}).status_code == 405  # it only reads


def test_the_coach_field_offers_suggestions_to_coordinators_only(coordinator, coach):
    coordinator_client, coach_client = Client(), Client()
    coordinator_client.force_login(coordinator)
    coach_client.force_login(coach)
    html = coordinator_client.get(URL).content.decode()
    assert 'list="coach-options"' in html and reverse("participants:coach-options") in html
    assert 'name="coach"' not in coach_client.get(URL).content.decode()
    # A coach cannot filter on another coach's files by the parameter either.
    other = UserFactory(username="ander", role=COACH)
    people(2, other)
    assert coach_client.get(URL, {"coach": other.pk}).context["page"].paginator.count == 0


@pytest.mark.parametrize(
    "params",
    [{}, {"page": 2}, {"phase": "all"}, {"phase": "in_trajectory"}, {"flag": "ready"}, {"q": "naam"}]
    + [{"coach": "visser"}, {"coach": "none"}],
)
def test_coordinator_caseload_queries_do_not_grow_with_files_or_coaches(coordinator_client, params, cap):
    coach = UserFactory(username="c", last_name="Visser", role=COACH)

    def grow(n):
        for p in people(n, coach):
            TrajectoryFactory(participant=p, start=D(2024, 2, 1))
        fill_ready(coach, n // 5)

    grow(5)
    small = count(coordinator_client, URL, **params)
    grow(cap + 10)
    for i in range(30):
        UserFactory(username=f"coach{i}", last_name="Visser", role=COACH)
    assert count(coordinator_client, URL, **params) == small <= (7 if params.get("coach") == "visser" else 6)


def test_one_coach_costs_one_query_more_to_name_them(coordinator_client):
    coach = UserFactory(username="c", role=COORDINATOR)
    people(3, coach)
    assert count(coordinator_client, URL, coach=coach.pk) == count(coordinator_client, URL) + 1


@pytest.mark.parametrize("words", ["zoek", "ZOEK eva1", "eva", "ev", "ek 1"])
def test_a_search_above_the_cap_lists_exactly_the_first_in_name_order(coordinator_client, cap, words):
    """The search reads the first matches the database finds to bound each page: here
    those are the last in name order (made first), and the pages are still exact."""
    for i in reversed(range(2 * cap)):
        ParticipantFactory(first_name=f"Eva{i % 3}", last_name=f"Zoek{i:03d}")
    people(40)  # Anna.. Naam..: no match
    ParticipantFactory(first_name="Eva", last_name="Aaa")  # made last, first in name order
    terms = words.lower().split()
    expected = in_name_order(
        p for p in Participant.objects.all() if all(t in p.search_text.lower() for t in terms)
    )
    response = coordinator_client.get(URL, {"q": words, "phase": "all", "page": 2})
    paginator = response.context["page"].paginator
    assert paginator.capped == (len(expected) > cap) and paginator.count == min(len(expected), cap)
    assert [p.number for p in response.context["page"].object_list] == expected[25:50]
    assert listed(coordinator_client, q=words, phase="all") == expected[:cap]


def test_a_search_combines_with_the_flags_phases_and_coach(coordinator_client, coach, cap):
    today = timezone.localdate()
    for p in people(20, coach) + people(20):
        TrajectoryFactory(participant=p, start=D(2024, 2, 1))
    fill_ready(coach, 3)
    rows = list(Participant.objects.with_phase(today))
    named = [p for p in rows if "naam0" in p.search_text.lower()]
    ready = in_name_order(p for p in rows if p.ready_for_judgment and "naam" in p.search_text.lower())
    assert listed(coordinator_client, q="naam0", phase="in_trajectory") == in_name_order(named)
    mine = in_name_order(p for p in named if p.coach_id == coach.pk)
    assert 0 < len(mine) < len(named) and listed(coordinator_client, q="naam0", coach=coach.pk) == mine
    assert listed(coordinator_client, q="naam", flag="ready") == ready
    assert listed(coordinator_client, q="naam0", flag="no_contact") == in_name_order(named)
