"""What a colleague on the team (a peer expert) and another coach may learn: reminders,
signals and participant numbers."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import Participant, Reminder
from plp.models import AuditEntry
from plp.roles import COACH, PEER_EXPERT
from tests.factories import (
    ParticipantFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TITLE = "Schuldhulpgesprek bij de gemeente"


@pytest.fixture
def peer(db):
    return UserFactory(username="pim", role=PEER_EXPERT)


@pytest.fixture
def peer_client(peer):
    client = Client()
    client.force_login(peer)
    return client


@pytest.fixture
def shared(participant, peer):
    """The coach's participant, shared with the peer expert, in a trajectory."""
    participant.team.add(peer)
    TrajectoryFactory(participant=participant, start=timezone.localdate() - datetime.timedelta(days=30))
    return participant


def reminder(participant, assigned_to, created_by=None) -> Reminder:
    return Reminder.objects.create(
        participant=participant,
        title=TITLE,
        due_on=timezone.localdate(),
        assigned_to=assigned_to,
        created_by=created_by,
    )


def done_url(r: Reminder) -> str:
    return reverse("participants:reminder-done", args=[r.participant_id, r.pk])


# 3. Reminders


def test_today_lists_only_reminders_of_participants_the_user_may_see_now(peer, peer_client, shared):
    reminder(shared, assigned_to=peer)
    html = peer_client.get(reverse("participants:today")).content.decode()
    assert TITLE in html and shared.full_name in html
    shared.team.remove(peer)
    html = peer_client.get(reverse("participants:today")).content.decode()
    assert TITLE not in html and shared.full_name not in html


def test_a_team_member_cannot_mark_someone_elses_reminder_done(coach, peer_client, shared):
    r = reminder(shared, assigned_to=coach, created_by=coach)
    response = peer_client.post(done_url(r), {"next": reverse("participants:today")}, follow=True)
    assert response.status_code == 404 and TITLE not in response.content.decode()
    r.refresh_from_db()
    assert r.done_on is None
    denied = AuditEntry.objects.get(action="participants.reminder.denied")
    assert (denied.participant_id, denied.result, denied.data["id"], denied.object_repr) == (
        shared.pk,
        "denied",
        r.pk,
        "",
    )


@pytest.mark.parametrize("who", ["assignee", "creator", "coach", "coordinator"])
def test_assignee_creator_assigned_coach_and_coordinators_mark_done(who, coach, coordinator, peer, shared):
    colleague = UserFactory(username="cas", role=COACH)
    shared.team.add(colleague)
    r = reminder(
        shared,
        assigned_to=peer if who == "assignee" else colleague,
        created_by=peer if who == "creator" else colleague,
    )
    client = Client()
    client.force_login({"assignee": peer, "creator": peer, "coach": coach, "coordinator": coordinator}[who])
    response = client.post(done_url(r), {"next": reverse("participants:today")}, follow=True)
    assert response.status_code == 200
    assert f"Herinnering afgerond: {TITLE}" in response.content.decode()  # they may read the title
    r.refresh_from_db()
    assert r.done_on == timezone.localdate()


# 4. Signals


def test_peer_expert_sees_no_signals_in_the_caseload_or_on_the_page(coach_client, peer_client, shared):
    entry = ProgressEntryFactory(participant=shared, date=timezone.localdate())
    SignalFactory(participant=shared, entry=entry, kind="schulden", raised_on=timezone.localdate())
    url = reverse("participants:caseload")
    html = coach_client.get(url).content.decode()
    assert "1 open signaal" in html and 'value="signals"' in html
    assert [p.pk for p in coach_client.get(url, {"flag": "signals"}).context["page"]] == [shared.pk]

    response = peer_client.get(url)
    html = response.content.decode()
    assert shared.full_name in html
    assert "open signa" not in html and 'value="signals"' not in html
    assert list(peer_client.get(url, {"flag": "signals"}).context["page"]) == []
    html = peer_client.get(shared.get_absolute_url()).content.decode()
    assert "Schulden" not in html and "Signaal" not in html
    html = peer_client.get(reverse("participants:today")).content.decode()
    assert "open signa" not in html


def test_peer_experts_caseload_queries_do_not_grow(peer, peer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def share(n):
        for p in ParticipantFactory.create_batch(n):
            p.team.add(peer)
            SignalFactory(participant=p, raised_on=timezone.localdate())

    def count(**params):
        url = reverse("participants:caseload")
        peer_client.get(url, params)
        with CaptureQueriesContext(connection) as ctx:
            assert peer_client.get(url, params).status_code == 200
        return len(ctx)

    share(3)
    small = count(), count(flag="signals")
    share(40)
    assert (count(), count(flag="signals")) == small and max(small) <= 7  # a coach's 6 + the shared ids


def test_a_coach_on_a_colleagues_team_sees_no_signals_of_that_participant(coach, other_coach, shared):
    SignalFactory(participant=shared, raised_on=timezone.localdate())
    own = ParticipantFactory(coach=other_coach)
    SignalFactory(participant=own, raised_on=timezone.localdate())
    shared.team.add(other_coach)
    client = Client()
    client.force_login(other_coach)
    url = reverse("participants:caseload")
    rows = {p.pk: p.open_signals for p in client.get(url).context["page"]}
    assert rows == {shared.pk: None, own.pk: 1}
    assert [p.pk for p in client.get(url, {"flag": "signals"}).context["page"]] == [own.pk]


# 5. Participant numbers


def test_a_coach_gets_the_next_number_shown_before_saving(coach_client, coach):
    year = timezone.localdate().year
    ParticipantFactory(number=f"PLP-{year}-007")
    ParticipantFactory(number=f"PLP-{year}-X12")
    ParticipantFactory(number=f"PLP-{year - 1}-031")
    url = reverse("participants:participant-create")
    html = coach_client.get(url).content.decode()
    assert f'value="PLP-{year}-008"' in html and "disabled" in html
    data = {
        "number": f"PLP-{year - 1}-031",  # a typed number is ignored: no probing
        "first_name": "Lotte",
        "last_name": "Dekker",
        "registration_date": "2026-01-05",
    }
    response = coach_client.post(url, data)
    p = Participant.objects.get(first_name="Lotte")
    assert response.status_code == 302 and (p.number, p.coach) == (f"PLP-{year}-008", coach)
    # Editing: the number is shown, not editable.
    edit = reverse("participants:participant-edit", args=[p.pk])
    form = coach_client.get(edit).context["form"]
    assert "number" not in form.fields and form["assigned_number"].value() == p.number


def test_a_coach_learns_nothing_from_an_existing_number(coach_client, other_coach):
    hidden = ParticipantFactory(coach=other_coach, number="PLP-2020-001")
    url = reverse("participants:participant-create")
    data = {
        "number": hidden.number,
        "first_name": "Getypte",
        "last_name": "Naam",
        "registration_date": "2026-01-05",
    }
    response = coach_client.post(url, data)
    assert response.status_code == 302
    assert "bestaat al" not in coach_client.get(response["Location"]).content.decode()
    assert Participant.objects.filter(number=hidden.number).count() == 1


def test_two_coaches_registering_at_once_get_different_numbers(coach, other_coach, monkeypatch):
    """The second coach's first try clashes with the number the first coach just took."""
    year = timezone.localdate().year
    first = services.participant_save(
        by=coach, participant=Participant(first_name="A", last_name="B", coach=coach), assign_number=True
    )
    assert first.number == f"PLP-{year}-001"
    stale = iter([first.number])
    real = services.next_participant_number
    monkeypatch.setattr(
        "participants.services.records.next_participant_number", lambda: next(stale, None) or real()
    )
    second = services.participant_save(
        by=other_coach,
        participant=Participant(first_name="C", last_name="D", coach=other_coach),
        assign_number=True,
    )
    assert second.number == f"PLP-{year}-002"
    assert AuditEntry.objects.filter(action="participants.participant.created").count() == 2


def test_a_typed_number_taken_meanwhile_is_a_form_error_not_a_500(coordinator_client, monkeypatch):
    taken = ParticipantFactory(number="PLP-2026-050")
    # The form's uniqueness check passed a moment before a colleague saved the number.
    monkeypatch.setattr(Participant, "validate_unique", lambda self, exclude=None: None)
    data = {
        "number": taken.number,
        "first_name": "Eva",
        "last_name": "Kok",
        "registration_date": "2026-01-05",
    }
    response = coordinator_client.post(reverse("participants:participant-create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Er bestaat al een deelnemer met dit deelnemernummer." in html and "Eva" in html


def test_no_number_after_many_clashes_is_a_message(coach, monkeypatch):
    from django.core.exceptions import ValidationError

    taken = ParticipantFactory(number="PLP-2026-001")
    monkeypatch.setattr("participants.services.records.next_participant_number", lambda: taken.number)
    with pytest.raises(ValidationError):
        services.participant_save(
            by=coach, participant=Participant(first_name="A", last_name="B", coach=coach), assign_number=True
        )
    assert Participant.objects.count() == 1


@pytest.mark.parametrize("role", ["peer_expert", "administrator"])
def test_only_coaches_and_coordinators_register_participants(client, role):
    from plp.roles import ADMINISTRATOR, PEER_EXPERT
    from tests.factories import UserFactory

    user = UserFactory(
        username=f"x-{role}", role={"peer_expert": PEER_EXPERT, "administrator": ADMINISTRATOR}[role]
    )
    client.force_login(user)
    url = reverse("participants:participant-create")
    assert client.get(url).status_code == 403
    response = client.post(url, {"first_name": "A", "last_name": "B", "registration_date": "2026-01-05"})
    assert response.status_code == 403 and not Participant.objects.exists()
    assert f'href="{url}"' not in client.get(reverse("participants:caseload")).content.decode()


def test_the_next_number_counts_numerically_and_skips_other_forms(db):
    from tests.factories import ParticipantFactory

    for number in ("PLP-2026-999", "PLP-2026-1000", "PLP-2026-abc", "PLP-2025-5000", "X-PLP-2026-7000"):
        ParticipantFactory(number=number)
    assert services.next_participant_number(datetime.date(2026, 3, 1)) == "PLP-2026-1001"
    assert services.next_participant_number(datetime.date(2027, 1, 1)) == "PLP-2027-001"
