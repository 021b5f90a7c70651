"""Benchmark rows around the participants, in the demo's proportions (plp/demo_support.py):
a support need for every third participant, a route after every dropout, one or two
learning places per employer, and per coach a series of eight weekly group lessons a
year for up to ten of their participants, with the attendance taken."""

import datetime
import time

from participants.models import GroupLesson, LearningPlace, LessonAttendance, Organisation
from plp.bench.bulk import NULL, BulkLoad, Clock
from plp.demo_support import CHAIN_PARTNERS, NEEDS, PLACES, ROUTES, SERIES

WEEKS = 8
INVITED = 10
ABSENCES = list(LessonAttendance.Absence.values)
NEED_TEXT = "Besproken in het intakegesprek; de deelnemer wil hulp."


def chain_partners() -> dict[str, int]:
    """The demo's chain partners (shared with the demo data when both are loaded)."""
    return {
        name: Organisation.objects.get_or_create(
            name=name, defaults={"kind": Organisation.Kind.CHAIN_PARTNER, "role": role}
        )[0].pk
        for name, role in CHAIN_PARTNERS
    }


def route(offset: int) -> tuple[str, str]:
    """The route after the dropout of the participant at `offset`, and its follow-up."""
    return ROUTES[offset % len(ROUTES)]


def need(lines: list[str], offset: int, pk: int, first: int, today: int, c: dict) -> None:
    """Every third participant has a support need, opened two to six weeks after their
    first trajectory start and settled after the demo's number of days (`first` and
    `today` are day ordinals)."""
    if offset % 3:
        return
    i = offset // 3
    kind, partner, days = NEEDS[i % len(NEEDS)]
    since = first + 14 + 7 * (i % 5)
    if since > today:
        return
    status, closed = "open", NULL
    if days is not None and since + days <= today:
        status = "geregeld" if i % 4 else "niet_nodig"
        closed = c["dates"][since + days]
    partner_id = c["partners"][partner] if partner else NULL
    contact = "Contactpersoon ketenpartner" if partner else ""
    lines.append(
        f"{pk}\t{kind}\t{c['dates'][since]}\t{status}\t{closed}\t{partner_id}\t{NEED_TEXT}\t{contact}"
    )


def series(today: datetime.date, coaches: int) -> list[tuple[int, str, list[list[int]]]]:
    """The lesson series of the last three years that have begun (the first Tuesday
    of March), each with an empty list of invited participants per coach."""
    starts = []
    for year in range(today.year - 3, today.year + 1):
        day = datetime.date(year, 3, 1)
        day += datetime.timedelta(days=(1 - day.weekday()) % 7)
        if day <= today:
            starts.append(day)
    topics = [topic for _, topic in SERIES]
    return [
        (day.toordinal(), topics[i % len(topics)], [[] for _ in range(coaches)])
        for i, day in enumerate(starts[-3:])
    ]


def invite(all_series: list, coach: int, pk: int, first: int, end: int | None) -> None:
    """Invite the participant to their coach's series that find them in a trajectory on
    the first day, ten at most (as the demo does)."""
    for day, _, invited in all_series:
        mine = invited[coach]
        if len(mine) < INVITED and first <= day and (end is None or end > day):
            mine.append(pk)


def lessons_and_places(c: dict, load: BulkLoad, clock: Clock) -> None:
    """Write the learning places of the employers, then the group lessons of every
    coach's series with the attendance of the lessons given by today."""
    started = time.perf_counter()
    dates, today = c["dates"], c["today"].toordinal()
    places = []
    for i, employer in enumerate(c["employers"]):
        for k in range(1 + (i % 9 == 0)):  # ten offers for nine employers, as in the demo
            _, title, count, _, accredited = PLACES[(i + k) % len(PLACES)]
            start = today - 30 - (i * 37 + k * 101) % 1400
            places.append(f"{employer}\t{title}\t{count}\t{dates[start]}\t{'t' if accredited else 'f'}")
    lessons, attendance = [], []
    lesson_id = c["lesson_id"]
    for year, (day, topic, invited) in enumerate(c["series"]):
        for people in invited:
            if not people:
                continue
            for week in range(WEEKS):
                date = day + 7 * week
                lessons.append(f"{lesson_id}\t{dates[date]}\t10:00:00\t60\t{topic}\tBench docent\tLeslokaal")
                for j, pk in enumerate(people):
                    if date > today:
                        attendance.append(f"{lesson_id}\t{pk}\t{NULL}\t")
                    elif (j + week + year) % 7 == 0:
                        attendance.append(f"{lesson_id}\t{pk}\tf\t{ABSENCES[(j + week) % len(ABSENCES)]}")
                    else:
                        attendance.append(f"{lesson_id}\t{pk}\tt\t")
                lesson_id += 1
    started = clock.add("make rows (Python, beside the COPY)", started)
    for model, fields, lines in (
        (LearningPlace, ["employer_id", "title", "places", "start", "accredited"], places),
        (
            GroupLesson,
            ["id", "date", "start_time", "duration_minutes", "topic", "teacher", "location"],
            lessons,
        ),
        (LessonAttendance, ["lesson_id", "participant_id", "present", "absence"], attendance),
    ):
        table = load.table(model, fields)
        table.write(lines)
        started = clock.add(f"COPY {table.table}", started)
