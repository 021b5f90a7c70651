"""The invite list of a group lesson for a coordinator with thousands of participants:
a bounded search (number or name, coach, current employer, phase), a chosen list kept
across searches and form errors, no JavaScript needed, and a coach who only ever sees
and invites the participants they guide."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants import services, support_selectors
from participants.models import GroupLesson, LessonAttendance, Participant
from plp.models import AuditEntry
from plp.roles import PEER_EXPERT
from tests.factories import (
    DropoutFactory,
    OrganisationFactory,
    ParticipantFactory,
    PlacementFactory,
    TrajectoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
CREATE = "participants:lesson-create"
LESSON = {
    "date": "2024-03-05",
    "start_time": "10:00",
    "duration_minutes": "60",
    "topic": "Rekenen",
    "weeks": "1",
}
# The plan page, whatever the number of participants: session, user, the found, the
# filters' coaches and employers (a coordinator); a coach has no coach filter, and the
# form and the search each read the caseload shared with them.
PLAN_QUERIES = {"coordinator": 5, "coach": 6}


def found_ids(response) -> list[int]:
    return [p.pk for p in response.context["found"]]


def chosen_ids(response) -> list[int]:
    return [p.pk for p in response.context["chosen"]]


def checkbox(pk, checked=False) -> str:
    return f'name="participants" value="{pk}" id="invite-{pk}"{" checked" if checked else ""}>'


def test_the_page_lists_a_bounded_number_and_says_there_are_more(coordinator_client):
    ParticipantFactory.create_batch(support_selectors.INVITE_RESULTS + 5)
    response = coordinator_client.get(reverse(CREATE))
    html = response.content.decode()
    assert len(found_ids(response)) == support_selectors.INVITE_RESULTS
    assert html.count('name="participants"') == support_selectors.INVITE_RESULTS
    assert "Meer dan 50 gevonden" in html
    assert "Alle 50 gevonden kiezen" not in html  # only a complete list can be chosen at once


def test_search_by_number_or_name_keeps_what_was_typed_and_saves_nothing(coordinator_client, coordinator):
    anna = ParticipantFactory(first_name="Anna", last_name="Visser", number="PLP-2024-123")
    ParticipantFactory(first_name="Bram", last_name="Smit", number="PLP-2024-456")
    data = {**LESSON, "topic": "Budgetteren", "teacher": "Petra", "invite_action": "search"}
    for q in ("2024-123", "visser", "anna viss"):
        response = coordinator_client.post(reverse(CREATE), {**data, "invite_q": q})
        assert response.status_code == 200
        assert found_ids(response) == [anna.pk], q
    html = response.content.decode()
    assert 'value="Budgetteren"' in html and 'value="Petra"' in html and 'value="anna viss"' in html
    assert "alert-danger" not in html  # a search checks nothing
    assert not GroupLesson.objects.exists()
    searched = AuditEntry.objects.filter(action="participants.participant.searched", user=coordinator)
    assert searched.count() == 3
    assert "visser" not in str(list(searched.values_list("data", flat=True))).lower()


def test_the_chosen_stay_chosen_across_searches_and_a_form_error(coordinator_client):
    anna = ParticipantFactory(first_name="Anna", last_name="Visser")
    bram = ParticipantFactory(first_name="Bram", last_name="Smit")
    carla = ParticipantFactory(first_name="Carla", last_name="Smit")
    url = reverse(CREATE)
    # Anna ticked in the found list, then a search for "Smit": Anna is now chosen.
    response = coordinator_client.post(
        url, {**LESSON, "invite_action": "search", "invite_q": "smit", "participants": [anna.pk]}
    )
    assert chosen_ids(response) == [anna.pk]
    assert set(found_ids(response)) == {bram.pk, carla.pk}
    html = response.content.decode()
    assert checkbox(anna.pk, checked=True) in html and checkbox(bram.pk) in html
    # Bram ticked too, then saved without a topic: the error keeps both and the typing.
    response = coordinator_client.post(
        url,
        {**LESSON, "topic": "", "teacher": "Petra", "invite_q": "smit", "participants": [anna.pk, bram.pk]},
    )
    assert response.status_code == 200 and not GroupLesson.objects.exists()
    assert response.context["form"].errors["topic"]
    assert chosen_ids(response) == [bram.pk, anna.pk]  # by name: Smit, Visser
    assert found_ids(response) == [carla.pk]
    html = response.content.decode()
    assert checkbox(anna.pk, checked=True) in html and checkbox(bram.pk, checked=True) in html
    assert 'value="Petra"' in html
    # Unticking Anna and saving invites Bram only.
    response = coordinator_client.post(url, {**LESSON, "participants": [bram.pk]})
    assert response.status_code == 302
    assert list(LessonAttendance.objects.values_list("participant", flat=True)) == [bram.pk]


def test_filter_by_coach_current_employer_and_phase(coordinator_client, coach, other_coach):
    today = timezone.localdate()
    ecosol = OrganisationFactory(name="Ecosol")
    mine = ParticipantFactory(coach=coach, last_name="A")
    TrajectoryFactory(participant=mine, start=today - datetime.timedelta(days=30))
    PlacementFactory(participant=mine, employer=ecosol, start=today - datetime.timedelta(days=10))
    theirs = ParticipantFactory(coach=other_coach, last_name="B")
    PlacementFactory(participant=theirs, employer=ecosol, start=D(2023, 1, 1), end=D(2023, 6, 30))  # ended
    registered = ParticipantFactory(coach=other_coach, last_name="C")
    left = ParticipantFactory(coach=coach, last_name="D")
    TrajectoryFactory(participant=left, start=D(2024, 1, 1))
    DropoutFactory(participant=left, date=today - datetime.timedelta(days=1))

    def found(**search):
        data = {**LESSON, "invite_action": "search", **{f"invite_{k}": v for k, v in search.items()}}
        return set(found_ids(coordinator_client.post(reverse(CREATE), data)))

    assert found() == {mine.pk, theirs.pk, registered.pk}  # a closed file is never offered
    assert found(coach=coach.pk) == {mine.pk}
    assert found(coach=other_coach.pk) == {theirs.pk, registered.pk}
    assert found(employer=ecosol.pk) == {mine.pk}  # placed there now, not in the past
    assert found(phase="in_trajectory") == {mine.pk}
    assert found(phase="registered") == {theirs.pk, registered.pk}
    assert found(phase="registered", coach=other_coach.pk, q=registered.number) == {registered.pk}
    assert found(phase="nonsense") == {mine.pk, theirs.pk, registered.pk}
    filters = coordinator_client.get(reverse(CREATE)).context["filters"]
    assert filters["employers"] == [(ecosol.pk, "Ecosol")]
    assert {pk for pk, _name in filters["coaches"]} == {coach.pk, other_coach.pk}


def test_too_many_choices_become_typed_filters(coordinator_client, coach, monkeypatch):
    monkeypatch.setattr(support_selectors, "FILTER_CHOICES_MAX", 1)
    today = timezone.localdate()
    for name in ("Ecosol", "Hartekamp"):
        p = ParticipantFactory(coach=coach)
        PlacementFactory(participant=p, employer=OrganisationFactory(name=name), start=today)
    response = coordinator_client.get(reverse(CREATE))
    assert response.context["filters"]["employers"] is None
    assert 'id="invite-employer" name="invite_employer" value=""' in response.content.decode()
    data = {**LESSON, "invite_action": "search", "invite_employer": "harte"}
    found = coordinator_client.post(reverse(CREATE), data).context["found"]
    assert [p.employer_name for p in found] == ["Hartekamp"]


def test_choose_everyone_found_at_once(coordinator_client, coach, other_coach):
    mine = ParticipantFactory.create_batch(3, coach=coach)
    ParticipantFactory(coach=other_coach)
    data = {**LESSON, "invite_action": "add_all", "invite_coach": coach.pk}
    response = coordinator_client.post(reverse(CREATE), data)
    assert set(chosen_ids(response)) == {p.pk for p in mine} and found_ids(response) == []
    assert not GroupLesson.objects.exists()


def test_a_coach_finds_and_invites_only_whom_they_guide(coach_client, coach, other_coach):
    mine = ParticipantFactory(coach=coach, first_name="Eigen", last_name="Deelnemer")
    stranger = ParticipantFactory(coach=other_coach, first_name="Vreemde", last_name="Deelnemer")
    response = coach_client.post(
        reverse(CREATE), {**LESSON, "invite_action": "search", "invite_q": "deelnemer"}
    )
    assert found_ids(response) == [mine.pk]
    assert response.context["filters"]["coaches"] is None  # a coach filters no colleagues
    html = response.content.decode()
    assert "Vreemde" not in html and 'id="invite-coach"' not in html
    # A stranger's id sent anyway: refused with a clear message, nothing saved, no name shown.
    response = coach_client.post(reverse(CREATE), {**LESSON, "participants": [mine.pk, stranger.pk]})
    assert response.status_code == 200 and not GroupLesson.objects.exists()
    html = response.content.decode()
    assert "Alleen deelnemers die u begeleidt" in html and "Vreemde" not in html
    assert chosen_ids(response) == [mine.pk]
    # Searching with a stranger's id chosen keeps it out of the list as well.
    response = coach_client.post(
        reverse(CREATE), {**LESSON, "invite_action": "search", "participants": [stranger.pk]}
    )
    assert chosen_ids(response) == [] and "Vreemde" not in response.content.decode()


def test_edit_a_lesson_adds_and_removes_the_same_way(coach_client, coach, other_coach):
    a = ParticipantFactory(coach=coach, last_name="A")
    b = ParticipantFactory(coach=coach, last_name="B")
    c = ParticipantFactory(coach=coach, last_name="C")
    theirs = ParticipantFactory(coach=other_coach, last_name="Z", first_name="Vreemde")
    lesson = GroupLesson.objects.create(date=D(2024, 3, 5), start_time="10:00", topic="Rekenen")
    for p in (a, b, theirs):
        LessonAttendance.objects.create(lesson=lesson, participant=p)
    url = reverse("participants:lesson-edit", args=[lesson.pk])
    response = coach_client.get(url)
    assert chosen_ids(response) == [a.pk, b.pk] and found_ids(response) == [c.pk]
    html = response.content.decode()
    assert "1 andere deelnemer is uitgenodigd door een collega" in html and "Vreemde" not in html
    lock = response.context["form"]["lock"].value()
    data = {**LESSON, "lock": lock}
    del data["weeks"]
    response = coach_client.post(url, {**data, "invite_action": "search", "participants": [b.pk, c.pk]})
    assert chosen_ids(response) == [b.pk, c.pk] and found_ids(response) == [a.pk]
    assert response.context["form"]["lock"].value() == lock  # a search keeps the version opened
    assert coach_client.post(url, {**data, "participants": [b.pk, c.pk]}).status_code == 302
    assert set(lesson.attendances.values_list("participant", flat=True)) == {b.pk, c.pk, theirs.pk}
    assert AuditEntry.objects.filter(
        action="participants.lessonattendance.uninvited", participant_id=a.pk
    ).exists()


def test_the_service_refuses_a_stranger_whatever_the_page_sends(coach, other_coach):
    mine, stranger = ParticipantFactory(coach=coach), ParticipantFactory(coach=other_coach)
    lesson = GroupLesson.objects.create(date=D(2024, 3, 5), start_time="10:00", topic="Rekenen")
    LessonAttendance.objects.create(lesson=lesson, participant=mine)
    with pytest.raises(ValidationError):
        services.lesson_save(by=coach, lesson=lesson, participants=[mine, stranger])
    with pytest.raises(ValidationError):
        services.lesson_plan(
            by=coach,
            lesson=GroupLesson(date=D(2024, 3, 5), start_time="10:00", topic="X"),
            participants=[stranger],
        )
    assert list(lesson.attendances.values_list("participant", flat=True)) == [mine.pk]
    assert GroupLesson.objects.count() == 1


def test_a_search_does_not_hide_a_colleagues_change(coordinator_client, coordinator):
    lesson = GroupLesson.objects.create(date=D(2024, 3, 5), start_time="10:00", topic="Rekenen")
    url = reverse("participants:lesson-edit", args=[lesson.pk])
    lock = coordinator_client.get(url).context["form"]["lock"].value()
    GroupLesson.objects.filter(pk=lesson.pk).update(topic="Taal")  # a colleague, meanwhile
    data = {"date": "2024-03-05", "start_time": "10:00", "duration_minutes": "60", "topic": "Mijn titel"}
    response = coordinator_client.post(url, {**data, "lock": lock, "invite_action": "search"})
    kept = response.context["form"]["lock"].value()
    assert kept == lock
    response = coordinator_client.post(url, {**data, "lock": kept})
    assert response.status_code == 200 and "iemand anders" in response.content.decode().lower()
    lesson.refresh_from_db()
    assert lesson.topic == "Taal"


def test_without_javascript_enter_searches_and_never_saves(coordinator_client):
    """The form's first submit button is the search: pressing Enter in any field (the
    browser's implicit submission) searches; saving takes the save button."""
    html = coordinator_client.get(reverse(CREATE)).content.decode()
    form = html[html.index('<form method="post" id="lesson-form"') :]
    buttons = [form.index('name="invite_action" value="search"'), form.index('name="submit"')]
    assert buttons == sorted(buttons)
    assert 'type="submit"' in form and 'type="submit" name="submit"' in form
    assert "formnovalidate" in form[: form.index('name="submit"')]


def test_a_closed_participant_already_invited_stays_on_the_list(coordinator_client):
    p = ParticipantFactory()
    TrajectoryFactory(participant=p, start=D(2024, 1, 1))
    DropoutFactory(participant=p, date=D(2024, 6, 1))
    lesson = GroupLesson.objects.create(date=D(2024, 3, 5), start_time="10:00", topic="Rekenen")
    LessonAttendance.objects.create(lesson=lesson, participant=p)
    response = coordinator_client.get(reverse("participants:lesson-edit", args=[lesson.pk]))
    assert chosen_ids(response) == [p.pk] and p.pk not in found_ids(response)
    # But a new lesson cannot invite them.
    response = coordinator_client.post(reverse(CREATE), {**LESSON, "participants": [p.pk]})
    assert response.status_code == 200 and not GroupLesson.objects.exclude(pk=lesson.pk).exists()


def _queries(client, url, data=None) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def _participants(n, coach, other_coach):
    today = timezone.localdate()
    employers = [OrganisationFactory() for _ in range(3)]
    people = Participant.objects.bulk_create(
        [
            Participant(
                number=f"PLP-Q-{Participant.objects.count()}-{i:04d}",
                first_name=f"Voornaam{i}",
                last_name=f"Achternaam{i:04d}",
                registration_date=D(2024, 1, 1),
                coach=coach if i % 2 else other_coach,
            )
            for i in range(n)
        ]
    )
    for i, p in enumerate(people[:20]):
        PlacementFactory(participant=p, employer=employers[i % 3], start=today)


@pytest.mark.parametrize("role", ["coordinator", "coach"])
def test_plan_page_queries_do_not_grow_with_5_or_500_participants(
    client, coach, other_coach, coordinator, role
):
    client.force_login({"coordinator": coordinator, "coach": coach}[role])
    url = reverse(CREATE)
    search = {**LESSON, "invite_action": "search", "invite_q": "achternaam", "invite_phase": "registered"}

    def measure():
        chosen = list(Participant.objects.filter(coach=coach).values_list("pk", flat=True)[:3])
        return (
            _queries(client, url),
            _queries(client, url, search | {"participants": chosen}),
            _queries(client, url, {**LESSON, "topic": "", "participants": chosen}),
        )

    _participants(5, coach, other_coach)
    small = measure()
    _participants(495, coach, other_coach)
    assert measure() == small
    assert small[0] == PLAN_QUERIES[role], small


def test_who_may_plan_and_search(coach, coordinator, participant):
    """Coaches and coordinators plan and search; a peer expert who shares the caseload
    gets 403 (also for a search), anonymous goes to the login page."""
    peer = UserFactory(role=PEER_EXPERT)
    participant.team.add(peer)
    lesson = GroupLesson.objects.create(date=D(2024, 3, 5), start_time="10:00", topic="Rekenen")
    search = {**LESSON, "invite_action": "search", "invite_q": participant.last_name}
    for url in (reverse(CREATE), reverse("participants:lesson-edit", args=[lesson.pk])):
        for user, status in ((coordinator, 200), (coach, 200), (peer, 403)):
            client = Client()
            client.force_login(user)
            assert client.get(url).status_code == status, (user, url)
            response = client.post(url, search)
            assert response.status_code == status, (user, url)
            assert (participant.full_name in response.content.decode()) is (status == 200)
        anonymous = Client().post(url, search)
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert list(lesson.attendances.all()) == []
