"""Reads shared by views: access to a participant, phases and flags on fetched rows,
reminders and support needs due, role changes. The participant page is casefile.py."""

import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone

from plp.audit import log_action
from plp.roles import is_coordinator

from .lifecycle import OPEN_PHASES
from .models import Participant, Reminder
from .prepared import Prepared
from .querysets import attention_dates

PK_LIMIT = 2**63  # participants' ids are 64-bit integers (BigAutoField)
# The participant by id, with what the page shows (lean: the row alone); SQL compiled once.
_PARTICIPANT = Prepared(
    lambda pk, lean: (
        Participant.objects.filter(pk=pk)
        if lean
        else Participant.objects.select_related("coach", "referrer", "intake").filter(pk=pk)
    )
)


def participant_for_user(
    request: HttpRequest, pk: int, *, lean: bool = False, sensitive: bool = False
) -> Participant:
    """The participant if the user may see it; 404 otherwise (never 403: a coach must not
    learn that a number exists outside their caseload). With `sensitive`, only the
    assigned coach and coordinators pass (health and debt details). `lean` skips what
    only the participant page shows (coach, referrer, intake and the phase): forms need
    the row alone. Nothing is locked here: the services lock what they change, inside
    their transaction. Denied attempts are written to the audit trail."""
    # An id beyond the column's range matches nothing (as the ORM's lookup does).
    found = _PARTICIPANT.related(pk, lean) if -PK_LIMIT <= pk < PK_LIMIT else []
    participant = found[0] if found and _may_see(request.user, found[0]) else None
    if participant is not None and not lean:
        set_phases([participant])
    if participant is None or (sensitive and not may_see_sensitive(request.user, participant)):
        log_action(
            by=request.user,
            action="participants.participant.denied",
            participant=pk,
            result="denied",
            data={"path": request.path[:200], "method": request.method},
        )
        raise Http404
    return participant


def _may_see(user, participant: Participant) -> bool:
    """The rule of `ParticipantQuerySet.for_user` for one fetched participant: all for
    coordinators; for other active users those assigned to them or shared with them (a
    query only for the shared ones). tests/participants/test_access_rule.py holds the two
    to the same answers."""
    if is_coordinator(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if participant.coach_id == user.pk:
        return True
    return Participant.team.through.objects.filter(participant_id=participant.pk, user_id=user.pk).exists()


def set_phases(rows: list[Participant], today: datetime.date | None = None) -> None:
    """Set `phase` on fetched participants that lack it: the stored phase where it holds
    on `today`, computed in one query for the others (none once the nightly
    refresh_phases has run). Cheaper than `with_phase()` in the page's own query."""
    today = today or timezone.localdate()
    stale = [p.pk for p in rows if not hasattr(p, "phase") and not p.stored_phase_holds(today)]
    computed = {}
    if stale:
        computed = dict(Participant.objects.filter(pk__in=stale).with_phase(today).values_list("pk", "phase"))
    for p in rows:
        if not hasattr(p, "phase"):
            p.phase = computed.get(p.pk, p.stored_phase)


def with_flags(rows: list[Participant], today: datetime.date | None = None) -> list[Participant]:
    """Rows fetched with `with_overview()`, with their phase and the attention flags
    `no_recent_contact` and `placement_ending` (the rule of `querysets.attention()`)."""
    today = today or timezone.localdate()
    set_phases(rows, today)
    since, ending_before = attention_dates(today)
    for p in rows:
        p.no_recent_contact = p.phase in OPEN_PHASES and (p.last_contact is None or p.last_contact < since)
        p.placement_ending = p.placement_end is not None and p.placement_end <= ending_before
    return rows


def may_see_sensitive(user, participant: Participant) -> bool:
    """Health, debt and home details: the assigned coach and coordinators only."""
    return is_coordinator(user) or participant.coach_id == user.pk


def may_complete_reminder(user, reminder: Reminder) -> bool:
    """Marking a reminder done: its assignee, its creator, the participant's assigned
    coach and coordinators (all of whom may read its title)."""
    return user.pk in (reminder.assigned_to_id, reminder.created_by_id) or may_see_sensitive(
        user, reminder.participant
    )


def role_changes(account=None, limit: int = 50) -> list[dict]:
    """The latest role changes (audit entries `auth.user.role_changed`), of one account
    or of all, newest first: when, by whom, which account, old and new role, in two
    queries."""
    from django.contrib.auth import get_user_model

    from plp.models import AuditEntry
    from plp.roles import ROLE_CHANGED, ROLE_LABELS

    entries = AuditEntry.objects.filter(action=ROLE_CHANGED)
    if account is not None:
        entries = entries.filter(data__user_id=account.pk)
    entries = list(entries[:limit])
    ids = {e.data.get("user_id") for e in entries}
    names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
    return [
        {
            "at": e.at,
            "by": e.username,
            "account_id": e.data.get("user_id"),
            "account": names.get(e.data.get("user_id"), ""),
            "old": ROLE_LABELS.get(e.data.get("old"), "–"),
            "new": ROLE_LABELS.get(e.data.get("new"), "–"),
        }
        for e in entries
    ]
