"""`log_action` writes its entry with one plain INSERT: the row and the returned instance
must be those the ORM's `AuditEntry.objects.create()` gives for the same arguments."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from plp import audit
from plp.audit import log_action
from plp.models import AuditEntry
from plp.security import current_ip

pytestmark = pytest.mark.django_db


def _orm_create(*, by, action, participant=None, obj=None, data=None, result=AuditEntry.Result.ALLOWED):
    """log_action as it was: through the model's save()."""
    user = by if by is not None and by.is_authenticated else None
    return AuditEntry.objects.create(
        user=user,
        username=getattr(by, "username", "") or "",
        role=audit.role_of(user) if user else "",
        action=action,
        participant_id=getattr(participant, "pk", participant),
        object_repr=audit.audit_ref(obj),
        result=result,
        ip=current_ip.get(),
        data=data or {},
    )


def _row(pk) -> dict:
    return AuditEntry.objects.filter(pk=pk).values().get()


def _fields(entry) -> dict:
    return {k: v for k, v in entry.__dict__.items() if k not in ("_state", "id", "at")}


CASES = [
    ("coach", "participants.participant.viewed", "participant", None, None, "allowed", "127.0.0.1"),
    ("coach", "participants.participant.denied", 12345, None, {"path": "/x/é/", "n": [1, 2]}, "denied", None),
    ("anonymous", "plp.page.denied", None, None, {"method": "GET"}, "denied", "2001:db8::1"),
    (None, "plp.task.ran", None, "plp.job:3", {}, "allowed", None),
    (
        "coordinator",
        "participants.reminder.created",
        "participant",
        "participant",
        {"q": None},
        "allowed",
        "10.0.0.7",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_the_row_and_the_instance_are_those_of_the_orm(case, coach, coordinator, participant):
    who, action, about, obj, data, result, ip = case
    by = {"coach": coach, "coordinator": coordinator, "anonymous": AnonymousUser(), None: None}[who]
    about = participant if about == "participant" else about
    obj = participant if obj == "participant" else obj
    token = current_ip.set(ip)
    try:
        before = datetime.datetime.now(datetime.UTC)
        ours = log_action(by=by, action=action, participant=about, obj=obj, data=data, result=result)
        theirs = _orm_create(by=by, action=action, participant=about, obj=obj, data=data, result=result)
    finally:
        current_ip.reset(token)
    assert isinstance(ours.pk, int) and ours.pk == theirs.pk - 1
    assert not ours._state.adding and ours._state.db == theirs._state.db
    assert _fields(ours) == _fields(theirs)
    mine, orm = _row(ours.pk), _row(theirs.pk)
    assert mine.pop("id") == ours.pk
    assert mine["at"] == ours.at and before <= ours.at <= orm["at"]
    orm.pop("id"), mine.pop("at"), orm.pop("at")
    assert mine == orm
    assert mine["ip"] == ip and mine["data"] == (data or {}) and mine["result"] == result
    if who in ("coach", "coordinator"):
        assert ours.user is by and mine["user_id"] == by.pk and mine["role"] == who


def test_the_entry_cannot_be_changed_and_is_found_by_its_id(coach):
    entry = log_action(by=coach, action="participants.participant.viewed", participant=7)
    assert AuditEntry.objects.get(pk=entry.pk).participant_id == 7
    assert str(entry) == str(AuditEntry.objects.get(pk=entry.pk))
