"""Reminders between colleagues, and the follow-up after outflow at 6 and 12 months."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    FollowUp,
    Outflow,
    Participant,
    Reminder,
)
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


def followups_due(user, today: datetime.date | None = None) -> list[dict]:
    """Outflows (last 18 months) of the coach's participants whose 6- or 12-month
    question is unanswered."""
    from django.utils import timezone

    today = today or timezone.localdate()
    outflows = (
        Outflow.objects.filter(participant__coach=user, date__lte=today, date__gte=add_months(today, -18))
        .exclude(kind=Outflow.Kind.OTHER)
        .select_related("participant", "employer")
        .prefetch_related("followups")
        .order_by("date")
    )
    due = []
    for outflow in outflows:
        answered = {f.months for f in outflow.followups.all()}
        for months in FollowUp.MONTHS:
            if months not in answered and add_months(outflow.date, months) <= today:
                due.append({"outflow": outflow, "months": months, "due_on": add_months(outflow.date, months)})
                break
    return due
