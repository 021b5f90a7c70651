"""Group lessons: planned one by one or as a weekly series, attendance taken on a phone
for the invited participants only, and the lessons attended on the timeline."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import GroupLesson, LessonAttendance
from plp.models import AuditEntry
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
D = datetime.date
GET_QUERIES, POST_QUERIES = 5, 10  # the attendance page, whatever the number invited


def plan(by, participants, weeks=1, date=D(2024, 3, 5)):
    lesson = GroupLesson(date=date, start_time=datetime.time(10), duration_minutes=60, topic="Rekenen")
    return services.lesson_plan(by=by, lesson=lesson, participants=participants, weeks=weeks)


def test_a_series_of_eight_weeks_every_tuesday_in_one_go(coach_client, coach, participant):
    other = ParticipantFactory(coach=coach)
    data = {
        "date": "2024-03-05",  # a Tuesday
        "start_time": "10:00",
        "duration_minutes": 60,
        "topic": "Werknemersvaardigheden",
        "teacher": "Petra",
        "location": "Leslokaal",
        "weeks": 8,
        "participants": [participant.pk, other.pk],
    }
    assert coach_client.post(reverse("participants:lesson-create"), data).status_code == 302
    lessons = list(GroupLesson.objects.order_by("date"))
    assert len(lessons) == 8
    assert {lesson.date.weekday() for lesson in lessons} == {1}
    assert (lessons[0].date, lessons[-1].date) == (D(2024, 3, 5), D(2024, 4, 23))
    assert LessonAttendance.objects.count() == 16
    assert AuditEntry.objects.filter(action="participants.grouplesson.created").count() == 8


def test_a_coach_invites_only_participants_they_may_see(coach_client, coach, participant, other_coach):
    stranger = ParticipantFactory(coach=other_coach)
    data = {"date": "2024-03-05", "start_time": "10:00", "duration_minutes": 60, "topic": "X", "weeks": 1}
    response = coach_client.post(
        reverse("participants:lesson-create"), {**data, "participants": [stranger.pk]}
    )
    assert response.status_code == 200 and not GroupLesson.objects.exists()
    with pytest.raises(ValidationError):
        plan(coach, [stranger])


def test_attendance_for_invited_participants_only(coach, coordinator, participant):
    lesson = plan(coordinator, [participant])[0]
    outsider = ParticipantFactory(coach=coach)
    with pytest.raises(ValidationError):
        services.attendance_record(by=coach, lesson=lesson, marks={outsider.pk: (True, "")})
    services.attendance_record(by=coach, lesson=lesson, marks={participant.pk: (False, "afgemeld")})
    row = LessonAttendance.objects.get()
    assert (row.present, row.absence) == (False, "afgemeld")
    services.attendance_record(by=coach, lesson=lesson, marks={participant.pk: (True, "afgemeld")})
    row.refresh_from_db()
    assert (row.present, row.absence) == (True, "")  # a reason only when absent
    future = plan(coordinator, [participant], date=timezone.localdate() + datetime.timedelta(days=1))[0]
    with pytest.raises(ValidationError):
        services.attendance_record(by=coach, lesson=future, marks={participant.pk: (True, "")})


def test_take_attendance_on_the_page_and_see_it_on_the_timeline(
    coach_client, coach, coordinator, participant, other_coach
):
    stranger = ParticipantFactory(coach=other_coach, first_name="Onbekende")
    lesson = plan(coordinator, [participant, stranger])[0]
    url = reverse("participants:lesson-attendance", args=[lesson.pk])
    html = coach_client.get(url).content.decode()
    assert participant.full_name in html and "Onbekende" not in html
    assert "1 andere deelnemer is uitgenodigd" in html
    assert coach_client.post(url, {f"p-{participant.pk}": "present"}).status_code == 302
    assert LessonAttendance.objects.get(participant=participant).present is True
    assert LessonAttendance.objects.get(participant=stranger).present is None
    timeline = coach_client.get(participant.get_absolute_url()).content.decode()
    assert "Groepsles: Rekenen" in timeline


def test_attendance_page_queries_do_not_grow(coordinator_client, coordinator, django_assert_num_queries):
    def page_queries(n):
        lesson = plan(coordinator, [ParticipantFactory() for _ in range(n)])[0]
        url = reverse("participants:lesson-attendance", args=[lesson.pk])
        coordinator_client.get(url)  # warm the session and the user's groups
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as get:
            coordinator_client.get(url)
        marks = {f"p-{a.participant_id}": "present" for a in lesson.attendances.all()}
        with CaptureQueriesContext(connection) as post:
            coordinator_client.post(url, marks)
        return len(get), len(post)

    five, forty = page_queries(5), page_queries(40)
    assert five == forty
    assert five == (GET_QUERIES, POST_QUERIES), five


def test_two_sheets_at_once_merge_and_a_real_clash_is_refused(coach_client, coach, coordinator, participant):
    """Two people take one lesson's attendance: each one's marks stand (the second sheet
    no longer writes back what the first one changed), and marking the same participant
    differently is refused with the names, keeping the marks typed."""
    sanne, sven = participant, ParticipantFactory(coach=coach, first_name="Sven", last_name="Bakker")
    lesson = plan(coordinator, [sanne, sven])[0]
    url = reverse("participants:lesson-attendance", args=[lesson.pk])
    opened = coach_client.get(url).content.decode()  # both sheets open now, nobody marked
    assert f'name="w-{sven.pk}" value=""' in opened
    other = coach_client.__class__()
    other.force_login(coordinator)
    assert (
        other.post(
            url,
            {f"p-{sven.pk}": "absent", f"r-{sven.pk}": "afgemeld", f"w-{sven.pk}": "", f"w-{sanne.pk}": ""},
        ).status_code
        == 302
    )
    # The first sheet, still showing Sven unmarked, marks Sanne only.
    mine = {f"p-{sanne.pk}": "present", f"w-{sanne.pk}": "", f"w-{sven.pk}": ""}
    assert coach_client.post(url, mine).status_code == 302
    marks = {a.participant_id: (a.present, a.absence) for a in lesson.attendances.all()}
    assert marks == {sanne.pk: (True, ""), sven.pk: (False, "afgemeld")}
    # Both change Sven from what they saw: the later one is refused, nothing of it is saved.
    other.post(
        url,
        {
            f"p-{sven.pk}": "present",
            f"w-{sven.pk}": "absent:afgemeld",
            f"p-{sanne.pk}": "present",
            f"w-{sanne.pk}": "present",
        },
    )
    clash = coach_client.post(
        url,
        {
            f"p-{sven.pk}": "absent",
            f"r-{sven.pk}": "zonder_bericht",
            f"w-{sven.pk}": "absent:afgemeld",
            f"p-{sanne.pk}": "absent",
            f"w-{sanne.pk}": "present",
        },
    )
    html = clash.content.decode()
    assert clash.status_code == 400 and "Sven Bakker" in html and "in de tussentijd" in html
    assert f'id="absent-{sanne.pk}" value="absent" autocomplete="off" checked' in html  # typed marks kept
    assert LessonAttendance.objects.get(participant=sanne).present is True
    assert LessonAttendance.objects.get(participant=sven).present is True
    # Saving the sheet again, now knowing, writes it.
    assert (
        coach_client.post(
            url,
            {
                f"p-{sven.pk}": "absent",
                f"r-{sven.pk}": "zonder_bericht",
                f"w-{sven.pk}": "present",
                f"p-{sanne.pk}": "absent",
                f"w-{sanne.pk}": "present",
            },
        ).status_code
        == 302
    )
    assert LessonAttendance.objects.get(participant=sven).absence == "zonder_bericht"
