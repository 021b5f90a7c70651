"""The coordinator's overview: figures of this year, attention per coach, and links."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant
from reporting.dashboard import attention_per_coach
from tests.factories import (
    DropoutFactory,
    OutflowFactory,
    ParticipantFactory,
    PauseFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db


def caseload_for(coach, n, today):
    for _ in range(n):
        p = ParticipantFactory(coach=coach)
        TrajectoryFactory(participant=p, start=today - datetime.timedelta(days=100))
        SignalFactory(participant=p, raised_on=today)
        PlacementFactory(
            participant=p, start=today - datetime.timedelta(days=50), end=today + datetime.timedelta(days=3)
        )
        ProgressEntryFactory(participant=p, date=today - datetime.timedelta(days=30))


def test_attention_per_coach_counts_open_files_only(coach, other_coach):
    today = timezone.localdate()
    caseload_for(coach, 3, today)
    caseload_for(other_coach, 1, today)
    closed = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=closed, start=today - datetime.timedelta(days=100))
    DropoutFactory(participant=closed, date=today - datetime.timedelta(days=5))
    closed.closed_on = today - datetime.timedelta(days=5)
    closed.save()
    rows = {r["coach_id"]: r for r in attention_per_coach(today)}
    assert {k: rows[coach.pk][k] for k in ("files", "signals", "no_contact", "ending")} == dict(
        files=3, signals=3, no_contact=3, ending=3
    )
    assert rows[other_coach.pk]["files"] == 1


def test_attention_per_coach_agrees_with_the_caseload_flags(coach, other_coach):
    """The dashboard's grouped counts give what the caseload's flags give per file, on
    files with two placements, old and recent contact, closed signals, and closed files."""
    from participants.models import Participant
    from participants.selectors import with_flags

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    for i in range(12):
        p = ParticipantFactory(coach=(coach, other_coach)[i % 2])
        TrajectoryFactory(participant=p, start=today - 200 * day)
        if i % 3 == 0:
            SignalFactory(participant=p, raised_on=today - 3 * day)
        if i % 4 == 1:
            SignalFactory(participant=p, raised_on=today - 9 * day, closed_on=today)
        if i % 3 != 2:
            ProgressEntryFactory(participant=p, date=today - (5 + 7 * i) * day)
        # An earlier placement ending soon, then (for some) a later current one.
        PlacementFactory(participant=p, start=today - 100 * day, end=today + (i % 5) * 5 * day)
        if i % 4 == 0:
            PlacementFactory(participant=p, start=today - 10 * day, end=None)
        if i == 7:
            DropoutFactory(participant=p, date=today - 2 * day)
    # Registered only (no open phase yet): a file, but no contact is not overdue; and one
    # whose trajectory starts next week.
    ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=ParticipantFactory(coach=other_coach), start=today + 7 * day)
    Participant.objects.refresh_state(today)
    expected = {}
    for p in with_flags(list(Participant.objects.open_files(today).with_overview(today)), today):
        row = expected.setdefault(p.coach_id, dict(files=0, signals=0, no_contact=0, ending=0))
        row["files"] += 1
        row["signals"] += p.open_signals > 0
        row["no_contact"] += p.no_recent_contact
        row["ending"] += p.placement_ending
    got = {
        r["coach_id"]: {k: r[k] for k in ("files", "signals", "no_contact", "ending")}
        for r in attention_per_coach(today)
    }
    assert got == expected
    assert all(row["ending"] for row in got.values()) and all(row["no_contact"] for row in got.values())


def test_dashboard_page_links_numbers_to_participants(coordinator_client, coach):
    today = timezone.localdate()
    caseload_for(coach, 2, today)
    response = coordinator_client.get(reverse("reporting:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="trace"' in html and f"?coach={coach.pk}&amp;flag=signals" in html
    assert "<svg" in html


def test_open_signals_column_counts_participants_as_its_list_does(coordinator_client, coach):
    """Two open signals of one participant and one of another: 2 participants, the
    number the linked list shows (not 3 signals)."""
    today = timezone.localdate()
    caseload_for(coach, 2, today)
    mine = Participant.objects.filter(coach=coach)
    SignalFactory(participant=mine.first(), raised_on=today)
    assert {r["coach_id"]: r["signals"] for r in attention_per_coach(today)} == {coach.pk: 2}
    html = coordinator_client.get(reverse("reporting:dashboard")).content.decode()
    link = f"?coach={coach.pk}&amp;flag=signals"
    assert f'{link}">2</a>' in html
    listed = coordinator_client.get(reverse("participants:caseload"), {"coach": coach.pk, "flag": "signals"})
    shown = set(re.findall(r'href="/deelnemers/(\d+)/"', listed.content.decode()))
    assert shown == {str(pk) for pk in mine.values_list("pk", flat=True)}


def test_dashboard_is_for_coordinators(coach_client):
    assert coach_client.get(reverse("reporting:dashboard")).status_code == 403


def test_dashboard_queries_do_not_grow(coordinator_client, coach, other_coach):
    today = timezone.localdate()
    url = reverse("reporting:dashboard")
    caseload_for(coach, 2, today)
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as small:
        coordinator_client.get(url)
    caseload_for(other_coach, 40, today)
    with CaptureQueriesContext(connection) as large:
        coordinator_client.get(url)
    assert len(small) == len(large)


def test_open_files_per_phase_link_to_the_caseload(coordinator_client, coach):
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=100)
    caseload_for(coach, 2, today)  # in trajectory
    pre = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=pre, kind="voortraject", start=long_ago)
    paused = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=paused, start=long_ago)
    PauseFactory(participant=paused, start=today - datetime.timedelta(days=3))
    gone = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=gone, start=long_ago)
    DropoutFactory(participant=gone, date=today - datetime.timedelta(days=1))
    response = coordinator_client.get(reverse("reporting:dashboard"))
    counts = {p["phase"]: p["count"] for p in response.context["phases"]}
    assert counts == {"intake": 0, "pre_trajectory": 1, "in_trajectory": 2, "paused": 1, "completed": 0}
    assert '?phase=paused"' in response.content.decode()
    listed = coordinator_client.get(reverse("participants:caseload"), {"phase": "paused"}).context["page"]
    assert [p.pk for p in listed] == [paused.pk]


def test_data_quality_per_coach_links_to_the_participants_behind_it(coordinator_client, coach, other_coach):
    today = timezone.localdate()
    caseload_for(coach, 2, today)
    no_reason = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=no_reason, start=today - datetime.timedelta(days=100))
    DropoutFactory(participant=no_reason, date=today - datetime.timedelta(days=1), reason=None)
    no_employer = ParticipantFactory(coach=other_coach)  # a coach with closed files only
    TrajectoryFactory(participant=no_employer, start=today - datetime.timedelta(days=100))
    OutflowFactory(participant=no_employer, date=today - datetime.timedelta(days=1), employer=None)
    orphan = ParticipantFactory(coach=None)

    response = coordinator_client.get(reverse("reporting:dashboard"))
    rows = {r["coach_id"]: r for r in response.context["coaches"]}
    assert (rows[coach.pk]["files"], rows[coach.pk]["quality"]) == (2, 1)
    assert (rows[other_coach.pk]["files"], rows[other_coach.pk]["quality"]) == (0, 1)
    assert rows[None]["quality"] == 1
    assert {q["code"]: q["count"] for q in response.context["quality"]} == {
        "dropout_reason": 1,
        "outflow_employer": 1,
        "no_coach": 1,
    }
    html = response.content.decode()
    assert f"?coach={coach.pk}&amp;phase=all&amp;flag=quality" in html
    assert "?phase=all&amp;flag=quality&amp;check=outflow_employer" in html

    caseload = reverse("participants:caseload")

    def listed(**params):
        return [p.pk for p in coordinator_client.get(caseload, {"phase": "all", **params}).context["page"]]

    assert listed(coach=coach.pk, flag="quality") == [no_reason.pk]
    assert listed(coach="none", flag="quality") == [orphan.pk]
    assert listed(flag="quality", check="outflow_employer") == [no_employer.pk]
    assert sorted(listed(flag="quality")) == sorted([no_reason.pk, no_employer.pk, orphan.pk])


def test_coaches_come_in_pages(coordinator_client):
    """A national programme has hundreds of coaches: 25 a page, the same queries."""
    from tests.factories import UserFactory

    today = timezone.localdate()
    coaches = [UserFactory(username=f"coach-{i:02d}", first_name="", last_name="") for i in range(27)]
    for c in coaches:
        caseload_for(c, 1, today)
    url = reverse("reporting:dashboard")
    with CaptureQueriesContext(connection) as first:
        page1 = coordinator_client.get(url)
    page2 = coordinator_client.get(url, {"page": 2})
    assert [r["coach"] for r in page1.context["page"].object_list] == [c.username for c in coaches[:25]]
    assert [r["coach"] for r in page2.context["page"].object_list] == [c.username for c in coaches[25:]]
    assert "page=2" in page1.content.decode() and "coach-26" in page2.content.decode()
    with CaptureQueriesContext(connection) as second:
        coordinator_client.get(url, {"page": 2})
    assert len(first) == len(second)


def test_phase_counts_agree_with_the_computed_phase_stored_or_stale(coach):
    """Stored phases that hold are grouped as stored; stale ones (never refreshed, or
    past their validity) are computed: together the same as computing every phase."""
    from participants.models import Participant

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    people = []
    for i in range(10):
        p = ParticipantFactory(coach=coach)
        if i % 5:
            TrajectoryFactory(
                participant=p, kind=("voortraject", "praktijkverklaring")[i % 2], start=today - 50 * day
            )
        if i % 4 == 1:
            PauseFactory(participant=p, start=today - 2 * day)
        people.append(p)
    Participant.objects.refresh_state(today)
    # Made stale, with a stored phase that no longer holds: never refreshed, and a state
    # that expired today.
    Participant.objects.filter(pk=people[0].pk).update(stored_phase="completed", phase_on=None)
    Participant.objects.filter(pk=people[3].pk).update(stored_phase="intake", phase_until=today)
    expected = {}
    for phase in Participant.objects.with_phase(today).values_list("phase", flat=True):
        expected[phase] = expected.get(phase, 0) + 1
    assert Participant.objects.phase_stale(today).count() == 2
    assert dict(Participant.objects.all().phase_counts(today)) == expected


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_the_years_figures_are_the_reports(demo, year):
    """The dashboard reads only the few figures it shows, from the same events as the
    report: the same numbers as compute_figures for the year and the reference date."""
    from reporting.dashboard import year_cells
    from reporting.figures import Period, compute_figures

    period, today = Period.year(year), datetime.date(year, 8, 1)
    f = compute_figures(period, today)
    t = f.totals
    expected = [
        t.instroom,
        t.voortraject,
        *t.trajecten.values(),
        t.uitval,
        t.uitstroom_werk_of_opleiding,
        *f.lopend_op_peildatum.values(),
    ]
    cells = year_cells(period, today)
    assert [c.value for _label, c in cells] == expected and sum(expected) > 0
    assert [(c.figure, c.key) for _label, c in cells][:3] == [
        ("instroom", ""),
        ("voortraject", ""),
        ("trajecten", "praktijkverklaring"),
    ]
