"""The benchmark command runs end to end on a small generated set (timings are its
output, not something a test asserts), and its generator leaves the data and the schema
as the ordinary writes would have: the hours rollup as the triggers keep it, the stored
phase as `refresh_state` computes it, every index, constraint and trigger back in place."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from participants.models import (
    CoachOpenFiles,
    Dropout,
    FigureEvent,
    GroupLesson,
    LearningGoal,
    LearningPlace,
    LessonAttendance,
    Observation,
    OpenPhaseDay,
    Outflow,
    Participant,
    ProgressDay,
    ProgressEntry,
    SupportNeed,
)
from participants.reference import ensure_reference_data
from plp.bench.generate import PREFIX, generate
from reporting.figures import Period

pytestmark = pytest.mark.django_db
N = 120


@pytest.mark.django_db
def test_benchmark_runs_and_reports_every_page(tmp_path):
    out = io.StringIO()
    report = tmp_path / "bench.json"
    call_command(
        "benchmark",
        "--participants",
        "30",
        "--repeat",
        "2",
        "--import-rows",
        "40",
        "--json",
        str(report),
        stdout=out,
    )
    data = json.loads(report.read_text())
    pages = {r["page"] for r in data["results"]}
    assert {
        "caseload, page 2 (coordinator)",
        "participant page",
        "admin changelist, lean columns (stock peer)",
        "admin changelist, caseload columns (honest peer)",
        "full report PDF",
        "register import 40 rows (csv)",
        "register import 40 rows (xlsx)",
    } <= pages
    assert [r["page"] for r in data["results"] if not (r["median_ms"] > 0 and r["queries"] > 0)] == []
    assert data["generation_s"] > 0 and data["cores"] >= 1 and len(data["load_average"]) == 3
    assert data["cpu_gauge_ms"] > 0 and "CPU gauge: 1,000,000 Python additions in" in out.getvalue()
    assert any(
        name.startswith("COPY ") or name.startswith("make rows") for name in data["generation_phases_s"]
    )
    assert Participant.objects.filter(number__startswith="BENCH-").count() == 30
    assert ProgressEntry.objects.count() == 30 * 20
    assert not Participant.objects.filter(number__startswith="BIMP-").exists()  # the import was rolled back
    call_command(
        "benchmark",
        "--participants",
        "30",
        "--repeat",
        "1",
        "--import-rows",
        "0",
        "--compare",
        str(report),
        "--json",
        str(report),
        stdout=out,
    )
    assert "reused" in out.getvalue()
    assert json.loads(report.read_text())["generation_s"] == data["generation_s"]  # kept from the first run
    assert (
        "caseload, page 2 (coordinator) / admin changelist, caseload columns (honest peer): "
        in out.getvalue()
    )
    assert "growth of the median" in out.getvalue()


def rollup() -> dict:
    return {
        (d.date, d.kind): (d.minutes, d.entries) for d in ProgressDay.objects.all() if d.entries or d.minutes
    }


def entries_summed() -> dict:
    rows = ProgressEntry.objects.values_list("date", "kind").annotate(
        m=Sum("duration_minutes"), n=Count("pk")
    )
    return {(d, k): (m, n) for d, k, m, n in rows.order_by()}


def schema() -> set:
    """Every index, constraint and enabled trigger on the participants' tables."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'participants%%'")
        found = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            """SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                      || ' ' || convalidated::text
               FROM pg_constraint WHERE conrelid::regclass::text LIKE 'participants%%'"""
        )
        found |= {row[0] for row in cursor.fetchall()}
        cursor.execute(
            """SELECT tgname || ' ' || tgenabled::text FROM pg_trigger
               WHERE NOT tgisinternal AND tgrelid::regclass::text LIKE 'participants%%'"""
        )
        found |= {row[0] for row in cursor.fetchall()}
    return found


@pytest.fixture
def generated():
    ensure_reference_data()
    before = schema()
    generate(N)
    return before


def test_the_rollup_is_what_the_triggers_make_of_the_same_entries(generated):
    rebuilt = rollup()
    assert rebuilt and rebuilt == entries_summed()
    # The same entries once more, written the ordinary way: the triggers keep the
    # rollup from here (on PostgreSQL they were set aside during the load).
    entries = list(ProgressEntry.objects.filter(participant__number__startswith=PREFIX))
    ProgressEntry.objects.all().delete()
    assert rollup() == {}
    ProgressEntry.objects.bulk_create(entries)
    assert rollup() == rebuilt


def test_the_report_rollups_are_what_the_records_give(generated):
    """The events, their monthly sums, the failing records and the lesson days, filled in
    one statement a family after the load on PostgreSQL, equal a plain count over the
    generated records."""
    from tests.participants.test_quality_issues import assert_stored_issues_are_the_checks
    from tests.reporting.test_figure_rollup import assert_figures_match
    from tests.reporting.test_lesson_day import assert_days_are_the_sums

    assert FigureEvent.objects.exists()
    today = timezone.localdate()
    assert_figures_match(
        [
            Period.year(today.year - 1),
            Period(datetime.date(today.year - 3, 3, 15), today),
            Period(datetime.date(today.year, 1, 1), today),
        ]
    )
    assert_stored_issues_are_the_checks()
    assert_days_are_the_sums()


def test_ready_for_judgment_is_what_the_records_give(generated):
    """The goals' latest step and the participants' readiness, filled with the triggers'
    own statements after the load on PostgreSQL, equal the live computation."""
    from tests.participants.test_ready_rollup import assert_stored_is_live

    assert LearningGoal.objects.filter(latest_step=4).exists()
    assert Participant.objects.filter(ready_for_judgment=True).exists()
    assert Participant.objects.filter(ready_for_judgment=False, trajectories__goals__isnull=False).exists()
    assert_stored_is_live()


def test_the_stored_phase_is_what_refresh_state_computes(generated):
    people = Participant.objects.order_by("pk")
    fields = ("pk", "closed_on", "stored_phase", "phase_on", "phase_until")
    stored = list(people.values_list(*fields))
    assert not people.phase_stale().exists()
    assert people.refresh_state() == N
    assert list(people.values_list(*fields)) == stored


def test_the_open_files_per_phase_and_coach_are_what_the_participants_give(generated):
    """The dashboard's rollups (migration 0029), filled with the insert trigger's own
    statements after the stored phase on PostgreSQL, equal the live computation."""
    from tests.reporting.test_open_file_rollup import assert_rollups_are_live

    today = timezone.localdate()
    assert OpenPhaseDay.objects.exists() and CoachOpenFiles.objects.exists()
    assert_rollups_are_live(
        [today, today - datetime.timedelta(days=400), today + datetime.timedelta(days=400)]
    )


def test_the_schema_is_back_as_it_was(generated):
    assert schema() == generated


def test_records_in_the_demo_proportions(generated):
    assert Participant.objects.filter(number__startswith=PREFIX).count() == N
    assert ProgressEntry.objects.count() == 20 * N
    assert Observation.objects.count() > N  # learning goals observed every few weeks
    assert SupportNeed.objects.count() == len(range(0, N, 3))  # every third participant
    assert not Dropout.objects.filter(route="").exists()
    # Exits fall on their own dates, none after today and not piled up on it.
    exits = [*Dropout.objects.values_list("date", flat=True), *Outflow.objects.values_list("date", flat=True)]
    today = timezone.localdate()
    assert len(exits) > N / 4 and max(exits) <= today and exits.count(today) <= 2
    assert LearningPlace.objects.exists()
    assert GroupLesson.objects.count() % 8 == 0  # series of eight weekly lessons
    assert LessonAttendance.objects.filter(present=False).exclude(absence="").exists()


def test_the_same_n_gives_the_same_rows():
    ensure_reference_data()

    def rows():
        with transaction.atomic():
            generate(40)
            found = (
                list(
                    Participant.objects.order_by("number").values_list(
                        "number", "first_name", "registration_date"
                    )
                ),
                list(
                    ProgressEntry.objects.order_by(
                        "participant__number", "date", "kind", "duration_minutes"
                    ).values_list("participant__number", "date", "kind", "duration_minutes")
                ),
                Observation.objects.count(),
                LessonAttendance.objects.count(),
            )
            transaction.set_rollback(True)
        return found

    assert rows() == rows()
