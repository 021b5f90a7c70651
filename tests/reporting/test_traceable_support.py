"""Every figure of rules 12, 13 and 15 can be clicked through: the new learning places to
the coordinator's Leerwerkplekken page filtered to the places counted (its number is the
figure's), the lesson hours to the lessons and those present, the support counts to
their participants. For coordinators only; the PDF shows plain numbers."""

import datetime
import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import GroupLesson, LearningPlace, LessonAttendance, Organisation, SupportNeed
from participants.support_selectors import places_started
from plp.roles import PEER_EXPERT
from reporting.figures import Period, compute_figures
from reporting.figures_support import lesson_hours, places_realised
from reporting.models import ProjectYear
from reporting.report import report_context
from tests.factories import OrganisationFactory, ParticipantFactory, PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
PLACES = reverse("participants:learningplace-list")
TRACE = reverse("reporting:trace")
# The Leerwerkplekken page, whatever the number of employers, places and placements:
# session, user, places; the whole page also the current placements.
PLACES_QUERIES = {"all": 4, "filtered": 3}


def place(employer, start, places=1, end=None, title="Werk"):
    return LearningPlace.objects.create(employer=employer, title=title, places=places, start=start, end=end)


@pytest.fixture
def places(db):
    ecosol = OrganisationFactory(name="Ecosol", kind=Organisation.Kind.EMPLOYER)
    werkdag = OrganisationFactory(name="Werkdag", kind=Organisation.Kind.EMPLOYER)
    return {
        "31dec": place(ecosol, D(2024, 12, 31), places=3, title="Groen"),
        "1jan": place(ecosol, D(2025, 1, 1), title="Keuken"),
        "end2025": place(werkdag, D(2025, 12, 31), places=2, title="Winkel"),
        "2026": place(werkdag, D(2026, 1, 1), places=5, title="Later"),
        # Started before 2025 and running in it: offered, not new in 2025.
        "running": place(werkdag, D(2023, 6, 1), places=4, end=D(2025, 6, 30), title="Loopt"),
    }


def listed(response) -> set[int]:
    return {p.pk for row in response.context["rows"] for p in row.places}


@pytest.mark.parametrize(
    "start, end, expected, keys",
    [
        (D(2024, 1, 1), D(2024, 12, 31), 3, {"31dec"}),
        (D(2025, 1, 1), D(2025, 12, 31), 3, {"1jan", "end2025"}),
        (D(2024, 12, 31), D(2025, 1, 1), 4, {"31dec", "1jan"}),
        (D(2025, 1, 2), D(2025, 12, 30), 0, set()),
        (D(2022, 1, 1), D(2026, 12, 31), 15, {"31dec", "1jan", "end2025", "2026", "running"}),
        (D(2025, 12, 31), D(2025, 12, 31), 2, {"end2025"}),
    ],
)
def test_the_filtered_page_counts_exactly_what_the_figure_counts(
    coordinator_client, places, start, end, expected, keys
):
    assert places_realised(start, end) == expected
    assert compute_figures(Period(start, end)).leerwerkplekken_gerealiseerd == expected
    response = coordinator_client.get(PLACES, {"from": start.isoformat(), "to": end.isoformat()})
    assert response.status_code == 200
    assert response.context["totals"]["listed"] == expected
    assert (
        listed(response)
        == {places[k].pk for k in keys}
        == set(places_started(start, end).values_list("pk", flat=True))
    )
    html = response.content.decode()
    counted = "1 plek geteld" if expected == 1 else f"{expected} plekken geteld"
    assert f'{counted}: het cijfer "nieuwe leerwerkplekken" van deze periode.' in html
    assert f'<a class="btn btn-outline-primary" href="{PLACES}">Alle leerwerkplekken tonen</a>' in html
    if not expected:
        assert "In deze periode starten geen leerwerkplekken." in html


def test_the_header_names_the_period_and_clearing_it_shows_everything(coordinator_client, places):
    html = coordinator_client.get(PLACES, {"from": "2025-01-01", "to": "2025-12-31"}).content.decode()
    assert "Nieuwe leerwerkplekken: gestart van 1 januari 2025 tot en met 31 december 2025" in html
    assert "bezet" not in html  # the counted places, not today's occupation
    everything = coordinator_client.get(PLACES)
    assert listed(everything) == {p.pk for p in places.values()}
    assert "Alle leerwerkplekken tonen" not in everything.content.decode()
    assert "aangeboden" in everything.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"from": "2025-13-01", "to": "2025-12-31"}, {"from": "2025-06-01", "to": "2025-01-01"}, {"from": "x"}],
)
def test_a_bad_period_says_so_and_shows_everything(coordinator_client, places, query):
    response = coordinator_client.get(PLACES, query, follow=True)
    assert response.status_code == 200
    assert listed(response) == {p.pk for p in places.values()}
    assert (
        "De periode in de link is ongeldig; alle leerwerkplekken worden getoond." in response.content.decode()
    )


def test_the_page_runs_a_fixed_number_of_queries(coordinator_client):
    def grow(n):
        for _ in range(n):
            employer = OrganisationFactory(kind=Organisation.Kind.EMPLOYER)
            place(employer, D(2025, 3, 1), places=2)
            PlacementFactory(employer=employer, start=D(2025, 3, 1))

    def queries(**params):
        coordinator_client.get(PLACES, params)
        with CaptureQueriesContext(connection) as ctx:
            assert coordinator_client.get(PLACES, params).status_code == 200
        return len(ctx.captured_queries)

    period = {"from": "2025-01-01", "to": "2025-12-31"}
    grow(2)
    small = queries(), queries(**period)
    grow(40)
    assert (queries(), queries(**period)) == small == (PLACES_QUERIES["all"], PLACES_QUERIES["filtered"])


def links(html: str) -> list[tuple[str, str]]:
    """(href, number) of every traced number on a page."""
    return [
        (htmllib.unescape(h), n) for h, n in re.findall(r'<a href="([^"]+)" class="trace">([^<]+)</a>', html)
    ]


def test_the_figures_page_links_places_lessons_and_support(coordinator_client, places):
    ProjectYear.objects.create(
        name="PJ 2025", start=D(2025, 1, 1), end=D(2025, 12, 31), target_leerwerkplekken=5
    )
    a, b = ParticipantFactory(), ParticipantFactory()
    lesson = GroupLesson.objects.create(
        date=D(2025, 3, 4), start_time="10:00", duration_minutes=90, topic="Rekenen"
    )
    LessonAttendance.objects.create(lesson=lesson, participant=a, present=True)
    LessonAttendance.objects.create(lesson=lesson, participant=b, present=False)
    SupportNeed.objects.create(participant=a, kind="vervoer", since=D(2025, 2, 1))
    SupportNeed.objects.create(
        participant=b, kind="financien", since=D(2024, 5, 1), status="geregeld", closed_on=D(2025, 4, 1)
    )
    html = coordinator_client.get(
        reverse("reporting:overview"), {"start": "2025-01-01", "end": "2025-12-31", "peildatum": "2025-12-31"}
    ).content.decode()
    found = links(html)
    # The sentence, and the project year's realised figure beside its target (twice).
    assert found.count((f"{PLACES}?from=2025-01-01&to=2025-12-31", "3")) == 3
    by_figure = {}
    for href, number in found:
        query = parse_qs(urlsplit(href).query)
        if "figure" in query:
            by_figure.setdefault(query["figure"][0], []).append((query.get("key", [""])[0], number, href))
    assert [(k, n) for k, n, _ in by_figure["lesuren"]] == [("", "1,5")]
    assert [(k, n) for k, n, _ in by_figure["deelnemersuren_lessen"]] == [("", "1,5")]
    assert ("vervoer", "1") in [(k, n) for k, n, _ in by_figure["ondersteuning_gestart"]]
    assert ("financien", "1") in [(k, n) for k, n, _ in by_figure["ondersteuning_geregeld"]]
    # Each link opens what the number counts.
    lessons = coordinator_client.get(by_figure["lesuren"][0][2])
    assert [x.pk for x in lessons.context["lessons"]] == [lesson.pk]
    assert lessons.context["lesson_hours"] == lesson_hours(D(2025, 1, 1), D(2025, 12, 31))
    assert list(lessons.context["participants"]) == [a]
    opened = next(h for k, _n, h in by_figure["ondersteuning_gestart"] if k == "vervoer")
    assert list(coordinator_client.get(opened).context["participants"]) == [a]
    settled = next(h for k, _n, h in by_figure["ondersteuning_geregeld"] if k == "")
    assert list(coordinator_client.get(settled).context["participants"]) == [b]


def test_every_traced_number_of_the_demo_report_is_what_its_page_lists(demo, coordinator_client):
    """Each number of the browser version opens a page that lists exactly that many
    participants, lessons' hours or learning places."""
    edition = demo
    html = coordinator_client.get(reverse("reporting:edition-detail", args=[edition.pk])).content.decode()
    checked = set()
    for href, number in links(html):
        if href in checked or not re.fullmatch(r"[\d,]+", number):
            continue  # a hidden small number ("<5") is not shown, so not compared
        checked.add(href)
        response = coordinator_client.get(href)
        assert response.status_code == 200, href
        figure = parse_qs(urlsplit(href).query).get("figure", ["places"])[0]
        if figure == "places":
            assert response.context["totals"]["listed"] == int(number), href
        elif figure in ("lesuren", "deelnemersuren_lessen"):
            shown = f"{response.context['lesson_hours'][figure]:.1f}".replace(".", ",")
            assert shown == number, href
            minutes = sum(
                x.duration_minutes if figure == "lesuren" else x.person_minutes
                for x in response.context["lessons"]
            )
            assert f"{minutes / 60:.1f}".replace(".", ",") == number, href
        elif figure != "werkprocessen_beheerst":  # pairs of a participant and a work process
            assert len(response.context["participants"]) == int(number), href
    figures = {parse_qs(urlsplit(h).query).get("figure", ["places"])[0] for h in checked}
    assert {"places", "lesuren", "deelnemersuren_lessen", "ondersteuning_gestart", "instroom"} <= figures


def test_the_pdf_shows_the_numbers_without_links(places):
    context = report_context(Period(D(2025, 1, 1), D(2025, 12, 31)), D(2025, 12, 31))
    html = render_to_string("reporting/_report_places.html", context)
    html += render_to_string("reporting/_report_lessons_support.html", context)
    assert "In deze periode zijn 3 nieuwe leerwerkplekken bij werkgevers gerealiseerd." in html
    assert "<a " not in html


def test_only_coordinators_trace(coach, coordinator, participant, places):
    SupportNeed.objects.create(participant=participant, kind="vervoer", since=D(2025, 2, 1))
    peer = UserFactory(role=PEER_EXPERT)
    participant.team.add(peer)
    period = "from=2025-01-01&to=2025-12-31"
    urls = [
        f"{PLACES}?{period}",
        f"{TRACE}?figure=ondersteuning_gestart&{period}",
        f"{TRACE}?figure=ondersteuning_geregeld&key=vervoer&{period}",
        f"{TRACE}?figure=lesuren&{period}",
        f"{TRACE}?figure=deelnemersuren_lessen&{period}",
    ]
    for url in urls:
        for user, status in ((coordinator, 200), (coach, 403), (peer, 403)):
            client = Client()
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == status, (user.username, url)
            if status == 403:
                assert participant.last_name not in response.content.decode()
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
