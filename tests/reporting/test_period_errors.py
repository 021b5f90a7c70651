"""The figures page with a period that does not validate: its errors, what was typed, and
no figures at all (those of the default period would pass for the period asked for)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from participants.models import Trajectory, TrajectoryKind
from reporting.models import ProjectYear
from reporting.views import default_period

from ..factories import ParticipantFactory

INVALID = [
    (
        {"start": "2026-12-31", "end": "2026-01-01", "peildatum": "2026-06-01"},
        "The end date cannot be before the start date.",
    ),
    ({"start": "31-12-2025", "end": "foo", "peildatum": ""}, "Enter a valid date."),
    ({"start": "1900-01-01", "end": "2025-12-31", "peildatum": "2025-12-31"}, "at most 25 years"),
]
# What only the figures show: their tables, the numbers that link to participants, the
# targets of the project year, the data-quality list.
FIGURES_ONLY = ('class="figures', 'class="trace"', "Target and realised", "Data quality")
CORRECT = "Correct the period above to see the figures."


@pytest.fixture
def english(coordinator_client):
    coordinator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return coordinator_client


@pytest.fixture
def records(db):
    """A participant and a project year with targets in the default period, so that its
    figures, targets and trace links would show."""
    period = default_period(timezone.localdate())
    ProjectYear.objects.create(name="PJ", start=period.start, end=period.end, target_instroom=10)
    Trajectory.objects.create(
        participant=ParticipantFactory(), kind=TrajectoryKind.PRE_TRAJECTORY, start=period.start
    )
    return period


@pytest.mark.parametrize("params, error", INVALID, ids=["end-before-start", "not-a-date", "too-long"])
def test_an_invalid_period_shows_its_errors_and_no_figures(english, records, params, error):
    response = english.get(reverse("reporting:overview"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html and CORRECT in html
    for name, typed in params.items():
        assert response.context["form"][name].value() == typed
    for marker in FIGURES_ONLY:
        assert marker not in html, marker
    assert "years" not in response.context


def test_a_valid_period_shows_its_figures(english, records):
    params = {
        "start": f"{records.start:%Y-%m-%d}",
        "end": f"{records.end:%Y-%m-%d}",
        "peildatum": "2025-12-31",
    }
    html = english.get(reverse("reporting:overview"), params).content.decode()
    assert CORRECT not in html
    for marker in FIGURES_ONLY[:3]:
        assert marker in html, marker


def test_without_a_query_the_default_period_shows(english, records):
    response = english.get(reverse("reporting:overview"))
    html = response.content.decode()
    assert CORRECT not in html and 'class="trace"' in html
    assert response.context["period"].start == records.start
    assert not response.context["form"].errors


def test_the_figures_page_queries_as_before(english, records, django_assert_num_queries):
    """A valid period runs the queries it ran before; an invalid one runs none of the
    figures' queries."""
    url = reverse("reporting:overview")
    english.get(url)  # the session and caches warmed
    with django_assert_num_queries(24):
        english.get(url, {"start": "2022-01-01", "end": "2025-12-31", "peildatum": "2025-08-01"})
    with django_assert_num_queries(5):
        english.get(url, INVALID[0][0])


def test_a_trace_link_with_an_inverted_period_finds_nothing(coordinator_client):
    url = reverse("reporting:trace")
    params = {"figure": "instroom", "from": "2026-12-31", "to": "2026-01-01"}
    assert coordinator_client.get(url, params).status_code == 404
