"""The lesson days the database keeps (LessonDay, migration 0027) are the sums over the
lessons and their attendance, however these are written: saves, bulk inserts, queryset
updates and deletes, a lesson moved to another day or given another duration, an
attendance moved to another lesson, cascades from a lesson or a participant."""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.models import GroupLesson, LessonAttendance, LessonDay, Participant
from reporting.figures_support import lesson_hours
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
D = datetime.date
day = st.integers(0, 9).map(lambda n: D(2025, 1, 1) + datetime.timedelta(days=n))
lesson = st.tuples(day, st.sampled_from([30, 45, 60, 90]))
attendance = st.tuples(st.integers(0, 99), st.integers(0, 3), st.sampled_from([True, False, None]))
change = st.tuples(
    st.sampled_from(
        [
            "delete_lesson",
            "move_lesson",
            "longer",
            "shift_lessons",
            "toggle",
            "flip_all",
            "relink",
            "drop",
            "drop_participant",
        ]
    ),
    st.integers(0, 99),
    day,
)


def assert_days_are_the_sums():
    expected = Counter()
    for lesson_ in GroupLesson.objects.all():
        expected[(lesson_.date, "lesson")] += lesson_.duration_minutes
        present = lesson_.attendances.filter(present=True).count()
        expected[(lesson_.date, "participant")] += lesson_.duration_minutes * present
    stored = Counter()
    for row in LessonDay.objects.all():
        stored[(row.date, "lesson")] += row.lesson_minutes
        stored[(row.date, "participant")] += row.participant_minutes
    assert +stored == +expected
    assert not LessonDay.objects.filter(lesson_minutes__lt=0).exists()
    assert not LessonDay.objects.filter(participant_minutes__lt=0).exists()


def write(people, lessons, attendances, bulk):
    made = [GroupLesson(date=d, start_time="10:00", duration_minutes=m, topic="Les") for d, m in lessons]
    made = GroupLesson.objects.bulk_create(made) if bulk else [m.save() or m for m in made]
    rows, seen = [], set()
    for i, who, present in attendances:
        if not made or (i % len(made), who) in seen:
            continue
        seen.add((i % len(made), who))
        rows.append(LessonAttendance(lesson=made[i % len(made)], participant=people[who], present=present))
    if bulk:
        LessonAttendance.objects.bulk_create(rows)
    else:
        for row in rows:
            row.save()


def apply(what, i, d):
    lessons = list(GroupLesson.objects.order_by("pk"))
    attendances = list(LessonAttendance.objects.order_by("pk"))
    if not lessons:
        return
    one = lessons[i % len(lessons)]
    match what:
        case "delete_lesson":
            one.delete()  # its attendance with it
        case "move_lesson":
            one.date = d
            one.save()
        case "longer":
            GroupLesson.objects.filter(pk=one.pk).update(duration_minutes=one.duration_minutes + 15)
        case "shift_lessons":
            GroupLesson.objects.filter(date__lte=d).update(date=d)
        case "toggle" if attendances:
            a = attendances[i % len(attendances)]
            a.present = not a.present
            a.save()
        case "flip_all":
            LessonAttendance.objects.filter(lesson=one).update(present=True)
        case "relink" if attendances:
            a = attendances[i % len(attendances)]
            taken = set(
                LessonAttendance.objects.filter(participant=a.participant_id).values_list("lesson", flat=True)
            )
            free = [x for x in lessons if x.pk not in taken]
            if free:
                a.lesson = free[i % len(free)]
                a.save()
        case "drop" if attendances:
            LessonAttendance.objects.filter(pk=attendances[i % len(attendances)].pk).delete()
        case "drop_participant" if attendances:
            Participant.objects.filter(pk=attendances[i % len(attendances)].participant_id).delete()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lessons=st.lists(lesson, max_size=8),
    attendances=st.lists(attendance, max_size=20),
    changes=st.lists(change, max_size=6),
    bulk=st.booleans(),
)
def test_lesson_days_follow_the_lessons(db, lessons, attendances, changes, bulk):
    with transaction.atomic():
        people = [ParticipantFactory() for _ in range(4)]
        write(people, lessons, attendances, bulk)
        assert_days_are_the_sums()
        for c in changes:
            apply(*c)
            assert_days_are_the_sums()
        transaction.set_rollback(True)


def test_lesson_hours_read_the_days(db):
    a, b = ParticipantFactory(), ParticipantFactory()
    one = GroupLesson.objects.create(date=D(2025, 3, 1), start_time="10:00", duration_minutes=90, topic="Les")
    LessonAttendance.objects.create(lesson=one, participant=a, present=True)
    LessonAttendance.objects.create(lesson=one, participant=b, present=False)
    assert lesson_hours(D(2025, 3, 1), D(2025, 3, 1)) == {"lesuren": 1.5, "deelnemersuren_lessen": 1.5}
    one.date = D(2025, 3, 2)
    one.save()
    assert lesson_hours(D(2025, 3, 1), D(2025, 3, 1)) == {"lesuren": 0, "deelnemersuren_lessen": 0}
    LessonAttendance.objects.filter(participant=b).update(present=True)
    assert lesson_hours(D(2025, 3, 2), D(2025, 3, 2)) == {"lesuren": 1.5, "deelnemersuren_lessen": 3.0}
    assert_days_are_the_sums()
