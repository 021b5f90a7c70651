"""The workplace mentor's link: the services, the coach's page, the mentor's page, the
check-in mails, and what the link must never do (show more, log the token, let a
revoked or unknown link write)."""

import datetime
import hashlib
import json
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import (
    Intake,
    LearningGoal,
    MentorCheckin,
    MentorCheckinMail,
    MentorLink,
    Observation,
    ObservationStep,
    Participant,
    Placement,
    ProgressEntry,
    Reminder,
    Signal,
)
from plp.models import AuditEntry
from plp.roles import PEER_EXPERT
from tests.factories import ParticipantFactory, UserFactory, mentor_placement

pytestmark = pytest.mark.django_db
XSS = '"><script>alert(1)</script>'


@pytest.fixture
def placement(participant):
    return mentor_placement(participant)


@pytest.fixture
def made(coach, placement):
    """A working link and its token."""
    return services.mentor_link_make(by=coach, placement=placement)


def page(token: str) -> str:
    return reverse("mentor:page", args=[token])


def nothing_written() -> tuple:
    return (
        Observation.objects.count(),
        ObservationStep.objects.count(),
        MentorCheckin.objects.count(),
        Signal.objects.count(),
        list(MentorLink.objects.values_list("pk", "revoked_at", "last_used_at")),
    )


# ---------------------------------------------------------------- services


def test_a_link_keeps_only_the_hash_of_a_256_bit_token(coach, placement):
    link, token = services.mentor_link_make(by=coach, placement=placement)
    assert len(token) >= 43  # 32 bytes, base64
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = json.dumps(list(MentorLink.objects.values()), default=str)
    assert token not in stored
    assert services.mentor_link_verify(token) == link
    assert link.created_by == coach and link.mentor == placement.mentor
    expected = link.created_at + datetime.timedelta(days=90)
    assert abs((link.expires_at - expected).total_seconds()) < 1
    entry = AuditEntry.objects.get(action="participants.mentorlink.created")
    assert entry.object_repr == f"participants.mentorlink:{link.pk}" and token not in json.dumps(entry.data)


def test_a_new_link_revokes_the_old_one_and_ends_with_the_placement(coach, coordinator, placement):
    first, old = services.mentor_link_make(by=coach, placement=placement)
    placement.end = timezone.localdate() + datetime.timedelta(days=10)
    placement.save()
    second, new = services.mentor_link_make(by=coordinator, placement=placement)
    first.refresh_from_db()
    assert first.revoked_at and first.revoked_by == coordinator
    assert services.mentor_link_verify(old) is None and services.mentor_link_verify(new) == second
    assert timezone.localtime(second.expires_at).date() == placement.end + datetime.timedelta(days=1)
    services.mentor_link_revoke(by=coach, link=second)
    assert services.mentor_link_verify(new) is None
    assert AuditEntry.objects.filter(action="participants.mentorlink.revoked").count() == 2


def test_the_link_stops_for_every_reason(coach, placement, made):
    link, token = made
    assert services.mentor_link_verify(token)
    changed = ("x" if token[0] != "x" else "y") + token[1:]  # never the same token
    assert services.mentor_link_verify(changed) is None
    assert services.mentor_link_verify("") is None
    MentorLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    assert services.mentor_link_verify(token) is None
    MentorLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    assert services.mentor_link_verify(token)
    Placement.objects.filter(pk=placement.pk).update(end=timezone.localdate() - datetime.timedelta(days=1))
    assert services.mentor_link_verify(token) is None
    Placement.objects.filter(pk=placement.pk).update(end=None, mentor=None)
    assert services.mentor_link_verify(token) is None  # another (or no) mentor on the placement
    Placement.objects.filter(pk=placement.pk).update(mentor=link.mentor)
    Participant.objects.filter(pk=placement.participant_id).update(anonymised_at=timezone.now())
    assert services.mentor_link_verify(token) is None


def test_no_link_without_a_mentor_or_for_an_ended_placement(coach, placement):
    from django.core.exceptions import ValidationError

    placement.mentor = None
    placement.save()
    with pytest.raises(ValidationError):
        services.mentor_link_make(by=coach, placement=placement)
    placement.refresh_from_db()
    assert not MentorLink.objects.exists()


def test_the_mentors_observation_and_checkin(coach, placement, made):
    link, token = made
    goals = list(LearningGoal.objects.order_by("pk"))
    observation = services.mentor_observation_record(link=link, steps={goals[0].pk: 3}, note="Netjes")
    assert observation.observer == "leermeester_link" and observation.mentor == placement.mentor
    step = observation.steps.get()
    assert (step.step, step.date, step.participant_id) == (3, timezone.localdate(), placement.participant_id)
    assert AuditEntry.objects.filter(action="participants.mentorlink.submitted").count() == 1

    checkin = services.mentor_checkin_record(link=link, mood="goed", note="", wants_contact=False)
    assert checkin.signal is None
    worried = services.mentor_checkin_record(link=link, mood="zorgen", note="Moe", wants_contact=False)
    contact = services.mentor_checkin_record(link=link, mood="goed", note="", wants_contact=True)
    assert worried.signal.kind == "werkplek" and contact.signal == worried.signal  # one open signal
    assert Signal.objects.filter(kind="werkplek").count() == 1


def test_goals_of_another_trajectory_are_refused(coach, placement, made):
    from django.core.exceptions import ValidationError

    link, _token = made
    other = mentor_placement(ParticipantFactory(coach=coach), goals=1)
    foreign = LearningGoal.objects.get(trajectory__participant=other.participant)
    for steps in (
        {foreign.pk: 2},
        {},
        {LearningGoal.objects.filter(trajectory__participant=placement.participant)[0].pk: 5},
    ):
        with pytest.raises(ValidationError):
            services.mentor_observation_record(link=link, steps=steps, note="")
    assert not Observation.objects.exists()


# ---------------------------------------------------------------- the coach's page


def test_the_coach_makes_mails_and_revokes_the_link(coach_client, placement):
    url = reverse("participants:mentor-link", args=[placement.participant_id, placement.pk])
    assert "Link maken" in coach_client.get(url).content.decode()
    response = coach_client.post(
        reverse("participants:mentor-link-create", args=[placement.participant_id, placement.pk]),
        {"email": "1"},
    )
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert 'src="data:image/svg+xml' in html and "http://testserver/leermeester/" in html
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["leermeester@example.org"]
    assert (
        mail.outbox[0].subject == "Uw link voor Sanne bij PLP" and "Beste Henk Mentor" in mail.outbox[0].body
    )
    token = mail.outbox[0].body.split("/leermeester/")[1].split("/")[0]
    assert token in html and services.mentor_link_verify(token)
    assert (
        "Gemaakt" in coach_client.get(url).content.decode()
        and token not in coach_client.get(url).content.decode()
    )
    coach_client.post(
        reverse("participants:mentor-link-revoke", args=[placement.participant_id, placement.pk])
    )
    assert services.mentor_link_verify(token) is None


def test_peers_and_other_coaches_cannot_make_a_link(client, other_coach, placement):
    peer = UserFactory(username="peer", role=PEER_EXPERT)
    placement.participant.team.add(peer)
    for user in (other_coach, peer):
        client.force_login(user)
        args = [placement.participant_id, placement.pk]
        assert client.get(reverse("participants:mentor-link", args=args)).status_code == 404
        assert client.post(reverse("participants:mentor-link-create", args=args)).status_code == 404
    assert not MentorLink.objects.exists()


# ---------------------------------------------------------------- the mentor's page


def test_the_mentor_page_shows_only_what_it_may(coach, participant, placement, made):
    """An XSS canary and "geheim" in every field the mentor must not see; the canary
    alone in what they see (escaped)."""
    link, token = made
    for name in ("last_name", "email", "phone", "number"):
        setattr(participant, name, f"geheim-{name}{XSS}"[:30] if name == "number" else f"geheim{XSS}")
    participant.first_name = f"Sanne{XSS}"
    participant.birth_date = datetime.date(1987, 6, 5)
    participant.save()
    Intake.objects.create(
        participant=participant,
        date=datetime.date(2024, 1, 10),
        **{f: f"geheim{XSS}" for f in ("motivation", "load_capacity_notes", "network", "tests_used")},
    )
    participant.trajectories.update(notes=f"geheim{XSS}")
    Placement.objects.filter(pk=placement.pk).update(notes=f"geheim{XSS}")
    entry = ProgressEntry.objects.create(
        participant=participant,
        date=datetime.date(2024, 3, 1),
        kind="coaching",
        duration_minutes=30,
        notes=f"geheim{XSS}",
    )
    Signal.objects.create(
        participant=participant, entry=entry, kind="schulden", raised_on=datetime.date(2024, 3, 1)
    )
    Reminder.objects.create(
        participant=participant, title=f"geheim{XSS}", due_on=datetime.date(2024, 5, 1), assigned_to=coach
    )
    participant.pauses.create(start=datetime.date(2024, 4, 1), reason=f"geheim{XSS}")
    placement.mentor.phone = "geheim-06"
    placement.mentor.save()
    goal = LearningGoal.objects.first()
    coach_obs = Observation.objects.create(
        participant=participant,
        trajectory=goal.trajectory,
        date=timezone.localdate(),
        observer="coach",
        note=f"geheim{XSS}",
    )
    ObservationStep.objects.create(
        observation=coach_obs, goal=goal, step=2, date=coach_obs.date, participant=participant
    )
    LearningGoal.objects.filter(pk=goal.pk).update(assignment=f"Deeg kneden{XSS}")
    coach.first_name, coach.last_name = "Anna", "Coach"
    coach.save()
    from plp.models import StaffProfile

    StaffProfile.objects.create(user=coach, phone="010-1234567")

    response = Client().get(page(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert "geheim" not in html.lower() and "1987" not in html and "05-06" not in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for shown in (
        "Sanne",
        "Bakkerij De Korenschoof",
        "Anna Coach",
        "B1-K1-W1",
        "Deeg kneden",
        "met veel hulp",
    ):
        assert shown in html, shown
    assert "<script" not in html  # no scripts at all on this page
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    entry = AuditEntry.objects.get(action="participants.mentorlink.opened")
    assert entry.data == {"result": "allowed", "link": link.pk, "placement": placement.pk}
    assert entry.ip == "127.0.0.1" and entry.result == "allowed"
    link.refresh_from_db()
    assert link.last_used_at


def test_one_invalid_page_for_every_reason_and_nothing_written(coach, placement, made):
    link, token = made
    revoked_link, revoked = services.mentor_link_make(
        by=coach, placement=mentor_placement(ParticipantFactory(coach=coach))
    )
    services.mentor_link_revoke(by=coach, link=revoked_link)
    expired_link, expired = services.mentor_link_make(
        by=coach, placement=mentor_placement(ParticipantFactory(coach=coach))
    )
    MentorLink.objects.filter(pk=expired_link.pk).update(expires_at=timezone.now())
    ended_link, ended = services.mentor_link_make(
        by=coach, placement=mentor_placement(ParticipantFactory(coach=coach))
    )
    Placement.objects.filter(pk=ended_link.placement_id).update(
        end=timezone.localdate() - datetime.timedelta(days=1)
    )
    before = nothing_written()
    bodies = set()
    goal = LearningGoal.objects.filter(trajectory__participant=placement.participant).first()
    for bad in ("unknown-" + token[8:], revoked, expired, ended, "a" * 500, "%00"):
        client = Client()
        for response in (
            client.get(page(bad)),
            client.post(reverse("mentor:observation", args=[bad]), {f"goal_{goal.pk}": "3", "note": "x"}),
            client.post(reverse("mentor:checkin", args=[bad]), {"mood": "zorgen", "note": "x"}),
        ):
            assert response.status_code == 404
            assert "Deze link is niet (meer) geldig" in response.content.decode()
            assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
            bodies.add(response.content)
    assert len(bodies) == 1  # not a byte of difference between the reasons
    assert nothing_written() == before
    refused = AuditEntry.objects.filter(action="participants.mentorlink.refused")
    assert refused.count() == 18 and set(refused.values_list("result", flat=True)) == {"denied"}
    assert not any(
        t in json.dumps(list(AuditEntry.objects.values()), default=str)
        for t in (token, revoked, expired, ended)
    )


def test_a_goal_of_another_placement_is_refused_through_a_valid_link(coach, placement, made):
    _link, token = made
    other = mentor_placement(ParticipantFactory(coach=coach), goals=1)
    _other_link, other_token = services.mentor_link_make(by=coach, placement=other)
    foreign = LearningGoal.objects.get(trajectory__participant=other.participant)
    before = nothing_written()[:4]
    response = Client().post(reverse("mentor:observation", args=[token]), {f"goal_{foreign.pk}": "3"})
    assert (
        response.status_code == 200
        and "Kies voor minstens één leerdoel een stap" in response.content.decode()
    )
    assert nothing_written()[:4] == before


def test_a_revoked_link_refuses_a_post_with_a_valid_csrf_token(coach, placement, made):
    link, token = made
    client = Client(enforce_csrf_checks=True)
    response = client.get(page(token))
    csrf = response.context["csrf_token"]
    goal = LearningGoal.objects.filter(trajectory__participant=placement.participant).first()
    ok = client.post(
        reverse("mentor:checkin", args=[token]), {"mood": "goed", "csrfmiddlewaretoken": str(csrf)}
    )
    assert ok.status_code == 302
    services.mentor_link_revoke(by=coach, link=link)
    before = nothing_written()
    for url, data in (
        (reverse("mentor:observation", args=[token]), {f"goal_{goal.pk}": "3"}),
        (reverse("mentor:checkin", args=[token]), {"mood": "zorgen"}),
    ):
        response = client.post(url, {**data, "csrfmiddlewaretoken": str(csrf)})
        assert response.status_code == 404 and "Deze link is niet (meer) geldig" in response.content.decode()
    assert nothing_written() == before
    # Without the CSRF token a valid link refuses too.
    _link, fresh = services.mentor_link_make(by=coach, placement=placement)
    assert (
        Client(enforce_csrf_checks=True)
        .post(reverse("mentor:checkin", args=[fresh]), {"mood": "goed"})
        .status_code
        == 403
    )


def test_observation_and_zorgen_reach_the_coach(coach_client, placement, made):
    link, token = made
    client = Client()
    goals = list(LearningGoal.objects.filter(trajectory__participant=placement.participant).order_by("pk"))
    response = client.post(
        reverse("mentor:observation", args=[token]),
        {f"goal_{goals[0].pk}": "2", f"goal_{goals[1].pk}": "4", "note": "Zelfstandig afgewogen"},
    )
    assert response.status_code == 302 and response["Location"] == page(token)
    html = client.get(page(token)).content.decode()
    assert "uw observatie is opgeslagen" in html and "Zelfstandig afgewogen" in html
    assert "4. zelfstandig" in html  # the current step follows the observation
    client.post(reverse("mentor:checkin", args=[token]), {"mood": "zorgen", "note": "Komt vaak te laat"})
    assert Signal.objects.get().kind == "werkplek"
    today = coach_client.get(reverse("participants:today")).content.decode()
    assert placement.participant.first_name in today and "1 open signaal" in today
    detail = coach_client.get(placement.participant.get_absolute_url()).content.decode()
    assert "Observatie van leermeester Henk Mentor (via link)" in detail and "Zelfstandig afgewogen" in detail
    assert "Leermeester (via link): Zorgen" in detail and "Komt vaak te laat" in detail
    assert "Link laatst gebruikt" in detail and "Werkplek" in detail
    # The mentor sees their own entries, nothing from others.
    assert "Komt vaak te laat" in client.get(page(token)).content.decode()


def test_the_peer_expert_sees_that_the_mentor_checked_in_not_how(client, placement, made):
    _link, token = made
    Client().post(reverse("mentor:checkin", args=[token]), {"mood": "zorgen", "note": "Ziek gemeld"})
    peer = UserFactory(username="peer", role=PEER_EXPERT)
    placement.participant.team.add(peer)
    client.force_login(peer)
    html = client.get(placement.participant.get_absolute_url()).content.decode()
    assert "Check-in van de leermeester" in html and "Ziek gemeld" not in html and "Zorgen" not in html


def test_throttled_per_address_and_per_link_and_changes_nothing(settings, placement, made):
    link, token = made
    settings.PLP_MENTOR_REQUESTS_PER_MINUTE = 3
    client = Client()
    assert [client.get(page(token)).status_code for _ in range(4)] == [200, 200, 200, 429]
    before = nothing_written()
    response = client.post(reverse("mentor:checkin", args=[token]), {"mood": "zorgen"})
    assert response.status_code == 429 and "Te veel verzoeken" in response.content.decode()
    assert nothing_written() == before
    # Another address, the same link: the link's own limit holds.
    assert Client(REMOTE_ADDR="10.0.0.9").get(page(token)).status_code == 429
    assert AuditEntry.objects.filter(action="participants.mentorlink.throttled").count() == 2

    settings.PLP_MENTOR_REQUESTS_PER_MINUTE = 100
    settings.PLP_MENTOR_SUBMISSIONS_PER_DAY = 2
    for expected in (302, 302, 429):
        assert client.post(reverse("mentor:checkin", args=[token]), {"mood": "goed"}).status_code == expected
    assert MentorCheckin.objects.count() == 2


def test_the_token_never_reaches_a_log_line(caplog, made):
    _link, token = made
    with caplog.at_level(logging.INFO):
        Client().get(page("unknown" + token))
        Client(enforce_csrf_checks=True).post(reverse("mentor:checkin", args=[token]), {"mood": "goed"})
    assert "Not Found: /leermeester/[link]/" in caplog.text
    assert "Forbidden" in caplog.text
    assert token not in caplog.text and "unknown" not in caplog.text
    # runserver's request log (its own handler, not propagated) is filtered too.
    record = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s', (f"GET {page(token)}", "200"), None
    )
    assert all(f.filter(record) for f in logging.getLogger("django.server").filters)
    assert record.getMessage() == '"GET /leermeester/[link]/" 200'


# ---------------------------------------------------------------- check-in mails


def test_checkin_mails_once_per_period_never_for_ended_placements(coach, placement):
    link, _token = services.mentor_link_make(by=coach, placement=placement)
    MentorLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    other = mentor_placement(ParticipantFactory(coach=coach), email="ander@example.org")
    ended_link, _ = services.mentor_link_make(by=coach, placement=other)
    MentorLink.objects.filter(pk=ended_link.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    Placement.objects.filter(pk=other.pk).update(end=timezone.localdate() - datetime.timedelta(days=1))
    young = mentor_placement(ParticipantFactory(coach=coach), email="jong@example.org")
    young_link, _ = services.mentor_link_make(by=coach, placement=young)
    MentorLink.objects.filter(pk=young_link.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    mail.outbox.clear()

    call_command("send_mentor_checkins", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["leermeester@example.org"]
    assert "Hoe gaat het met" in mail.outbox[0].subject
    token = mail.outbox[0].body.split("/leermeester/")[1].split("/")[0]
    new = services.mentor_link_verify(token)
    link.refresh_from_db()
    assert new and new.expires_at == link.expires_at and link.revoked_at  # the old link stops
    sent = MentorCheckinMail.objects.get()
    assert sent.placement == placement and sent.link == new

    call_command("send_mentor_checkins", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1  # not twice in one period
    assert not MentorCheckinMail.objects.filter(placement__in=[other, young]).exists()


def test_a_logged_in_coach_without_the_second_step_opens_the_link(settings, coach_client, made):
    settings.PLP_REQUIRE_2FA = True
    _link, token = made
    assert coach_client.get(page(token)).status_code == 200


def test_csrf_with_the_origin_a_no_referrer_page_sends(placement, made):
    """With Referrer-Policy no-referrer a browser posts the page's forms with Origin
    "null": accepted from the same origin with the CSRF token, refused otherwise."""
    _link, token = made
    url = reverse("mentor:checkin", args=[token])
    client = Client(enforce_csrf_checks=True)
    csrf = str(client.get(page(token)).context["csrf_token"])
    same = {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-origin"}
    assert client.post(url, {"mood": "goed", "csrfmiddlewaretoken": csrf}, **same).status_code == 302
    assert client.post(url, {"mood": "goed"}, **same).status_code == 403  # no token
    cross = {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "cross-site"}
    assert client.post(url, {"mood": "goed", "csrfmiddlewaretoken": csrf}, **cross).status_code == 403
    evil = {"HTTP_ORIGIN": "https://evil.example"}
    assert client.post(url, {"mood": "goed", "csrfmiddlewaretoken": csrf}, **evil).status_code == 403
    assert MentorCheckin.objects.count() == 1


def test_the_coaches_work_phone_is_kept_with_the_account(coordinator_client, coach):
    from tests.conftest import form_version

    url = reverse("participants:user-edit", args=[coach.pk])
    data = {
        "username": coach.username,
        "first_name": "Anna",
        "last_name": "Coach",
        "email": coach.email,
        "is_active": "on",
        "role": "coach",
        "phone": "06-11223344",
        "lock": form_version(coordinator_client, url),
    }
    assert coordinator_client.post(url, data).status_code == 302
    assert coordinator_client.get(url).context["form"]["phone"].value() == "06-11223344"
