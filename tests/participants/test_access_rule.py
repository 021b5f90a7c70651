"""`participant_for_user` fetches the participant by id (SQL compiled once) and applies the
rule of `ParticipantQuerySet.for_user` to it: the two must give the same answer for every
kind of user and participant, and the rows must be those the ORM gives."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from participants.models import Intake, Participant
from participants.selectors import participant_for_user
from plp.models import AuditEntry
from plp.roles import ADMINISTRATOR, COACH, PEER_EXPERT, is_coordinator
from tests.factories import OrganisationFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(coach, other_coach, coordinator):
    peer = UserFactory(username="pim", role=PEER_EXPERT)
    inactive = UserFactory(username="ina", role=COACH)
    users = {
        "coach": coach,
        "other_coach": other_coach,
        "coordinator": coordinator,
        "peer": peer,
        "inactive": inactive,
        "superuser": UserFactory(username="root", is_superuser=True),
        "administrator": UserFactory(username="adm", role=ADMINISTRATOR),
        "no_role": UserFactory(username="nobody"),
        "anonymous": AnonymousUser(),
    }
    referrer = OrganisationFactory(name="Gemeente")
    own = ParticipantFactory(coach=coach, referrer=referrer)
    Intake.objects.create(participant=own, date=datetime.date(2024, 1, 5))
    shared = ParticipantFactory(coach=coach)
    shared.team.add(peer, other_coach)
    inactive_own = ParticipantFactory(coach=inactive)
    no_coach = ParticipantFactory(coach=None)
    inactive.is_active = False
    inactive.save()
    files = {"own": own, "shared": shared, "inactive_own": inactive_own, "no_coach": no_coach}
    return users, files


def passes(user, pk, **options) -> bool:
    request = RequestFactory().get(f"/deelnemers/{pk}/")
    request.user = user
    try:
        participant_for_user(request, pk, **options)
    except Http404:
        return False
    return True


@pytest.mark.parametrize("lean", [False, True])
def test_who_passes_is_who_for_user_gives(people, lean):
    users, files = people
    answers = {}
    for user_name, user in users.items():
        for file_name, p in files.items():
            expected = Participant.objects.for_user(user).filter(pk=p.pk).exists()
            answers[user_name, file_name] = passes(user, p.pk, lean=lean)
            assert answers[user_name, file_name] is expected, (user_name, file_name)
    # The table is not trivial: each kind of answer occurs.
    assert answers["coach", "own"] and answers["peer", "shared"] and answers["other_coach", "shared"]
    assert answers["coordinator", "no_coach"] and answers["superuser", "inactive_own"]
    assert not answers["other_coach", "own"] and not answers["peer", "own"]
    assert not answers["inactive", "inactive_own"] and not answers["anonymous", "own"]
    assert not answers["administrator", "own"] and not answers["no_role", "no_coach"]


def test_each_denial_is_audited_once_and_sensitive_stays_for_coach_and_coordinators(people):
    users, files = people
    before = AuditEntry.objects.filter(action="participants.participant.denied").count()
    assert not passes(users["other_coach"], files["own"].pk)
    assert not passes(users["peer"], files["shared"].pk, sensitive=True)  # on the team, not the coach
    assert passes(users["coach"], files["shared"].pk, sensitive=True)
    assert passes(users["coordinator"], files["shared"].pk, sensitive=True)
    denied = AuditEntry.objects.filter(action="participants.participant.denied").order_by("pk")
    assert denied.count() == before + 2
    assert [e.participant_id for e in denied][-2:] == [files["own"].pk, files["shared"].pk]


@pytest.mark.parametrize("pk", [0, 2**63 - 1])
def test_ids_that_match_nothing_give_404_not_an_error(people, pk):
    users, _files = people
    assert not passes(users["coordinator"], pk)
    assert AuditEntry.objects.filter(action="participants.participant.denied").last().result == "denied"


def _fields(obj) -> dict:
    return {k: v for k, v in obj.__dict__.items() if k != "_state"}


@pytest.mark.parametrize("file_name", ["own", "shared", "no_coach"])
def test_the_page_gets_the_rows_and_related_objects_the_orm_gives(
    people, file_name, django_assert_num_queries
):
    users, files = people
    pk = files[file_name].pk
    Participant.objects.refresh_state()  # the stored phase holds: set_phases needs no query
    orm = Participant.objects.select_related("coach", "referrer", "intake").get(pk=pk)
    request = RequestFactory().get("/")
    request.user = users["coordinator"]
    is_coordinator(request.user)  # the role is read once per user object
    with django_assert_num_queries(1):  # coordinators: the one query; the phase is stored
        found = participant_for_user(request, pk)
    del found.phase  # set_phases adds it
    assert _fields(found) == _fields(orm)
    assert found._state.db == orm._state.db and found._state.adding is False
    for name in ("coach", "referrer", "intake"):
        ours, theirs = getattr(found, name, None), getattr(orm, name, None)
        assert (ours is None) is (theirs is None), name
        if theirs is not None:
            assert type(ours) is type(theirs) and _fields(ours) == _fields(theirs), name
    if file_name == "own":
        assert found.referrer.name == "Gemeente" and found.intake.date == datetime.date(2024, 1, 5)
        assert found.intake.participant is found  # the reverse side is set, as the ORM does


def test_a_shared_file_costs_one_query_more_for_the_team(people, django_assert_num_queries):
    users, files = people
    request = RequestFactory().get("/")
    request.user = users["peer"]
    Participant.objects.refresh_state()
    participant_for_user(request, files["shared"].pk)
    with django_assert_num_queries(2):  # the participant, the team
        participant_for_user(request, files["shared"].pk)
    request.user = users["coach"]
    participant_for_user(request, files["own"].pk)
    with django_assert_num_queries(1):
        participant_for_user(request, files["own"].pk)
