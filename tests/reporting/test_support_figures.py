"""Rules 12-15 against hand-built cases, boundaries included."""

import datetime

import pytest

from participants.models import GroupLesson, LearningPlace, LessonAttendance, SupportNeed
from reporting.figures import Period, compute_figures, participants_in, target_figures
from tests.factories import DropoutFactory, OrganisationFactory, ParticipantFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date
Y2024, Y2025 = Period.year(2024), Period.year(2025)
BOTH = Period(D(2024, 1, 1), D(2025, 12, 31))


def row(figures, year):
    return next(r for r in figures.years if r.year == year)


def dropped(date, route):
    p = ParticipantFactory()
    TrajectoryFactory(participant=p, start=D(2024, 1, 1))
    DropoutFactory(participant=p, date=date, route=route)
    return p


def test_dropout_per_route_per_year_and_in_the_totals():
    a = dropped(D(2024, 12, 31), "dagbesteding")
    b = dropped(D(2025, 1, 1), "dagbesteding")
    dropped(D(2025, 6, 1), "onbekend")
    dropped(D(2026, 1, 1), "zorg")  # the day after the period
    f = compute_figures(BOTH)
    assert row(f, 2024).uitval_per_vervolgroute["dagbesteding"] == 1
    assert row(f, 2025).uitval_per_vervolgroute == {
        "dagbesteding": 1,
        "individuele_begeleiding": 0,
        "opleiding_of_werk": 0,
        "zorg": 0,
        "geen": 0,
        "onbekend": 1,
    }
    assert f.totals.uitval_per_vervolgroute["dagbesteding"] == 2
    assert f.totals.uitval_per_vervolgroute["zorg"] == 0
    assert sum(f.totals.uitval_per_vervolgroute.values()) == f.totals.uitval
    assert set(participants_in("uitval_per_vervolgroute", BOTH, key="dagbesteding")) == {a, b}
    assert list(participants_in("uitval_per_vervolgroute", Y2025, key="dagbesteding")) == [b]
    data = f.as_json()
    assert data["totals"]["uitval_per_vervolgroute"]["dagbesteding"] == 2
    assert data["years"][0]["uitval_per_vervolgroute"]["dagbesteding"] == 1


def test_learning_places_realised_count_places_whose_start_is_in_the_period():
    employer = OrganisationFactory()
    LearningPlace.objects.create(employer=employer, title="Groen", places=3, start=D(2024, 12, 31))
    LearningPlace.objects.create(employer=employer, title="Keuken", places=1, start=D(2025, 1, 1))
    LearningPlace.objects.create(
        employer=OrganisationFactory(), title="Winkel", places=2, start=D(2025, 12, 31)
    )
    LearningPlace.objects.create(employer=employer, title="Later", places=5, start=D(2026, 1, 1))
    assert compute_figures(Y2024).leerwerkplekken_gerealiseerd == 3
    assert compute_figures(Y2025).leerwerkplekken_gerealiseerd == 3
    assert compute_figures(BOTH).as_json()["leerwerkplekken_gerealiseerd"] == 6
    assert target_figures(Y2025)["leerwerkplekken_gerealiseerd"] == 3


def test_support_started_and_settled_per_kind_count_participants():
    a, b = ParticipantFactory(), ParticipantFactory()
    SupportNeed.objects.create(participant=a, kind="vervoer", since=D(2024, 12, 31))
    SupportNeed.objects.create(participant=a, kind="vervoer", since=D(2025, 1, 1))
    SupportNeed.objects.create(
        participant=a, kind="financien", since=D(2025, 2, 1), status="geregeld", closed_on=D(2025, 12, 31)
    )
    SupportNeed.objects.create(
        participant=b, kind="financien", since=D(2024, 2, 1), status="geregeld", closed_on=D(2026, 1, 1)
    )
    SupportNeed.objects.create(
        participant=b, kind="wonen", since=D(2024, 2, 1), status="niet_nodig", closed_on=D(2025, 3, 1)
    )
    f = compute_figures(Y2025).as_json()
    assert f["ondersteuning_gestart"]["deelnemers"] == 1
    assert f["ondersteuning_gestart"]["per_soort"]["vervoer"] == 1
    assert f["ondersteuning_gestart"]["per_soort"]["financien"] == 1
    assert f["ondersteuning_geregeld"] == {
        "deelnemers": 1,
        "per_soort": {k: int(k == "financien") for k in SupportNeed.Kind.values},
    }
    both = compute_figures(BOTH).as_json()
    assert both["ondersteuning_gestart"]["deelnemers"] == 2
    assert both["ondersteuning_gestart"]["per_soort"]["vervoer"] == 1  # a counts once
    assert list(participants_in("ondersteuning_geregeld", Y2025, key="financien")) == [a]
    assert set(participants_in("ondersteuning_gestart", BOTH)) == {a, b}
    assert not participants_in("ondersteuning_geregeld", Period.year(2026), key="wonen").exists()


def test_lesson_hours_count_each_lesson_once_and_participant_hours_those_present():
    a, b, c = ParticipantFactory(), ParticipantFactory(), ParticipantFactory()

    def lesson(date, minutes, present=(), absent=()):
        one = GroupLesson.objects.create(date=date, start_time="10:00", duration_minutes=minutes, topic="Les")
        for p in present:
            LessonAttendance.objects.create(lesson=one, participant=p, present=True)
        for p in absent:
            LessonAttendance.objects.create(lesson=one, participant=p, present=False)
        return one

    lesson(D(2024, 12, 31), 60, present=[a, b])
    lesson(D(2025, 1, 1), 90, present=[a], absent=[b])
    lesson(D(2025, 12, 31), 30)  # nobody present: lesson hours, no participant hours
    lesson(D(2026, 1, 1), 60, present=[a, b, c])
    f24, f25 = compute_figures(Y2024), compute_figures(Y2025)
    assert (f24.lesuren, f24.deelnemersuren_lessen) == (1.0, 2.0)
    assert (f25.lesuren, f25.deelnemersuren_lessen) == (2.0, 1.5)
    data = compute_figures(BOTH).as_json()
    assert (data["lesuren"], data["deelnemersuren_lessen"]) == (3.0, 3.5)
    assert data["uren"]["les"] == 0  # rule 8's progress entries are not added to them
    assert set(participants_in("deelnemersuren_lessen", Y2025)) == {a}
    assert set(participants_in("lesuren", BOTH)) == {a, b}


def test_rules_12_to_15_add_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            p = dropped(D(2025, 1 + i % 12, 1), "zorg")
            lesson = GroupLesson.objects.create(date=D(2025, 3, 1), start_time="10:00", topic="Les")
            LessonAttendance.objects.create(lesson=lesson, participant=p, present=True)
            SupportNeed.objects.create(participant=p, kind="wonen", since=D(2025, 2, 1))
            LearningPlace.objects.create(employer=OrganisationFactory(), title="Werk", start=D(2025, 2, 1))

    add(2)
    with CaptureQueriesContext(connection) as small:
        compute_figures(BOTH)
    add(30)
    with CaptureQueriesContext(connection) as large:
        f = compute_figures(BOTH)
    assert len(small) == len(large) <= 18  # 12 + 2 (rules 10-11) + 4 (rules 12-15)
    assert f.leerwerkplekken_gerealiseerd == 32 and f.ondersteuning_gestart["per_soort"]["wonen"] == 32


def test_the_report_shows_rules_12_to_15_as_counts_only(demo, tmp_path):
    from reporting import services
    from tests.reporting.test_report import pdf_text

    text = " ".join(pdf_text(services.edition_pdf(demo), tmp_path).split())
    for words in (
        "Vervolg na uitval",
        "Dagbesteding",
        "Nieuwe leerwerkplekken",
        "Lesuren (elke les één keer) 24,0",
        "Deelnemersuren uit lessen",
        "Ondersteuning rond de deelnemer",
        "Uitval per vervolgroute",
        "Leerwerkplekken gerealiseerd",
    ):
        assert words in text, words
    assert "Betalingsachterstand" not in text and "Besproken in het intakegesprek" not in text
