"""Every coordinator list and overview runs a fixed number of queries: each is counted at
a small and a larger size, so an N+1 fails CI (timings belong to the benchmark)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plp.roles import COACH
from reporting.models import PdfJob, ProjectYear, ReportEdition
from tests.factories import (
    DropoutFactory,
    MentorFactory,
    OrganisationFactory,
    OutflowFactory,
    ParticipantFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
    UserFactory,
)
from tests.participants.test_query_counts import count

pytestmark = pytest.mark.django_db
D = datetime.date


def participants(n, coach):
    """n files that touch every list: trajectories, placements, contacts, signals, exits."""
    today = timezone.localdate()
    for i in range(n):
        p = ParticipantFactory(coach=coach)
        TrajectoryFactory(participant=p, start=D(2024, 2, 1))
        PlacementFactory(participant=p, start=D(2024, 2, 1), end=today + datetime.timedelta(days=5))
        ProgressEntryFactory(participant=p, date=D(2024, 3, 1))
        SignalFactory(participant=p, raised_on=D(2024, 3, 1))
        if i % 3 == 1:
            DropoutFactory(participant=p, date=D(2024, 9, 1), reason=None)  # also a data-quality warning
        elif i % 3 == 2:
            OutflowFactory(participant=p, date=D(2024, 9, 1), employer=OrganisationFactory())


def editions(n):
    for i in range(n):
        e = ReportEdition.objects.create(
            period_start=D(2022, 1, 1),
            period_end=D(2025, 12, 31),
            reference_date=D(2025, 8, 1),
            version=f"1.{i}",
        )
        PdfJob.objects.create(edition=e, status="done", pdf=b"%PDF-", pages=10)
    # One project year: its targets take three queries each (a programme has a few).
    ProjectYear.objects.get_or_create(name="Projectjaar 2", start=D(2024, 1, 1), end=D(2024, 12, 31))


def grow(coach, n):
    participants(n, coach)
    editions(max(1, n // 5))
    for _ in range(n):
        MentorFactory(organisation=OrganisationFactory())
        UserFactory(role=COACH)


PAGES = [
    ("dashboard", "reporting:dashboard", {}, None),
    (
        "figures",
        "reporting:overview",
        {"start": "2022-01-01", "end": "2025-12-31", "peildatum": "2025-08-01"},
        None,
    ),
    ("trace", "reporting:trace", {"figure": "uitval", "from": "2022-01-01", "to": "2025-12-31"}, None),
    ("editions", "reporting:edition-list", {}, None),
    ("caseload, one phase", "participants:caseload", {"phase": "in_trajectory"}, None),
    ("caseload, data quality", "participants:caseload", {"phase": "all", "flag": "quality"}, None),
    ("organisations", "participants:managed-list", {}, {"kind": "organisation"}),
    ("mentors", "participants:managed-list", {}, {"kind": "mentor"}),
    ("reasons", "participants:managed-list", {}, {"kind": "reason"}),
    ("accounts", "participants:user-list", {}, None),
    ("import", "participants:import", {}, None),
]


@pytest.mark.parametrize("name, view, params, kwargs", PAGES, ids=[p[0] for p in PAGES])
def test_coordinator_pages_do_not_grow(coordinator_client, coach, name, view, params, kwargs):
    url = reverse(view, kwargs=kwargs)
    grow(coach, 3)
    small = count(coordinator_client, url, **params)
    grow(coach, 30)
    assert count(coordinator_client, url, **params) == small


def test_edition_page_and_pdf_job_do_not_grow(coordinator_client, coach):
    grow(coach, 3)
    edition = ReportEdition.objects.first()
    job = edition.pdf_jobs.first()
    detail, progress = edition.get_absolute_url(), reverse("reporting:pdf-job", args=[job.pk])
    small = count(coordinator_client, detail), count(coordinator_client, progress)
    grow(coach, 30)
    for _ in range(5):
        PdfJob.objects.create(edition=edition, status="done", pdf=b"%PDF-", pages=10)
    assert (count(coordinator_client, detail), count(coordinator_client, progress)) == small


def test_today_does_not_grow(client, coach):
    client.force_login(coach)
    url = reverse("participants:today")
    participants(3, coach)
    small = count(client, url)
    participants(30, coach)
    assert count(client, url) == small
