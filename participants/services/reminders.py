"""Reminders between colleagues, and the follow-up after outflow at 6 and 12 months."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from ..models import (
    FollowUp,
    Outflow,
    Participant,
    Reminder,
)
from ..prepared import Prepared
from .records import _save


@transaction.atomic
def reminder_save(*, by, reminder: Reminder) -> Reminder:
    """Create or change a reminder; the person it is for must be able to see the participant."""
    if reminder.created_by_id is None and by is not None:
        reminder.created_by = by
    if not Participant.objects.for_user(reminder.assigned_to).filter(pk=reminder.participant_id).exists():
        raise ValidationError({"assigned_to": _("This colleague does not guide this participant.")})
    return _save(by=by, instance=reminder, participant=reminder.participant)


@transaction.atomic
def reminder_done(*, by, reminder: Reminder, on: datetime.date) -> Reminder:
    """Mark a reminder as done."""
    reminder.done_on = on
    return _save(by=by, instance=reminder, participant=reminder.participant)


def add_months(date: datetime.date, months: int) -> datetime.date:
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    for day in (date.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(date)


@transaction.atomic
def followup_record(*, by, followup: FollowUp) -> FollowUp:
    """Record the answer at 6 or 12 months after an outflow."""
    followup.participant_id = followup.outflow.participant_id
    due = add_months(followup.outflow.date, followup.months)
    if followup.answered_on < due:
        raise ValidationError(
            {"answered_on": _("This follow-up is due on %(date)s.") % {"date": due.strftime("%d-%m-%Y")}}
        )
    return _save(by=by, instance=followup, participant=followup.participant)


def _outflows_to_follow(user_id: int, today: datetime.date):
    """Outflows (last 18 months) of the user's participants, with which follow-ups are
    answered (`answered_6`, `answered_12`)."""
    answered = {
        f"answered_{months}": Exists(FollowUp.objects.filter(outflow=OuterRef("pk"), months=months))
        for months in FollowUp.MONTHS
    }
    return (
        Outflow.objects.filter(
            participant__coach_id=user_id, date__lte=today, date__gte=add_months(today, -18)
        )
        .exclude(kind=Outflow.Kind.OTHER)
        .order_by("date", "pk")
        .values(
            "pk",
            "date",
            "participant_id",
            first=F("participant__first_name"),
            last=F("participant__last_name"),
        )
        .annotate(**answered)
    )


_OUTFLOWS_TO_FOLLOW = Prepared(_outflows_to_follow)


def followups_due(user, today: datetime.date | None = None) -> list[dict]:
    """Outflows (last 18 months) of the coach's participants whose 6- or 12-month
    question is unanswered: the first unanswered one that is due, per outflow."""
    from django.utils import timezone

    today = today or timezone.localdate()
    due = []
    for outflow in _OUTFLOWS_TO_FOLLOW.values(user.pk, today):
        for months in FollowUp.MONTHS:
            due_on = add_months(outflow["date"], months)
            if not outflow[f"answered_{months}"] and due_on <= today:
                name = f"{outflow['first']} {outflow['last']}"
                due.append(
                    {
                        "outflow_id": outflow["pk"],
                        "participant_id": outflow["participant_id"],
                        "name": name,
                        "months": months,
                        "due_on": due_on,
                    }
                )
                break
    return due
