"""The participant's file: registration, intake, trajectories, placements, contact
moments and signals, credentials, pauses, dropout, outflow and re-entry. Each write is
one transaction with its audit entry; the records the phase depends on go through
`_save`, which keeps the stored phase."""

import datetime
import logging
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Min, Q
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from plp.audit import log_action

from .. import lifecycle
from ..models import (
    Credential,
    Dropout,
    Intake,
    Outflow,
    Participant,
    Pause,
    Placement,
    ProgressEntry,
    ReEntry,
    Signal,
    Trajectory,
)

logger = logging.getLogger(__name__)


def _action(instance: models.Model, verb: str) -> str:
    return f"participants.{instance._meta.model_name}.{verb}"


# The records the phase and closed_on are computed from.
PHASE_MODELS = (Intake, Trajectory, Pause, Dropout, Outflow, ReEntry)


def _save(*, by, instance: models.Model, participant: Participant | None) -> models.Model:
    verb = "created" if instance._state.adding else "changed"
    instance.full_clean()
    instance.save()
    if isinstance(instance, PHASE_MODELS):
        Participant.objects.filter(pk=participant.pk).refresh_state()
    log_action(by=by, action=_action(instance, verb), participant=participant, obj=instance)
    return instance


def current_exit(participant: Participant) -> Dropout | Outflow | None:
    """The dropout or outflow that ended the participation, unless a re-entry followed it."""
    return lifecycle.exit_of(participant)


NUMBER_PREFIX = "PLP"
NUMBER_ATTEMPTS = 10


def next_participant_number(today: datetime.date | None = None) -> str:
    """The next free number of this year's series: PLP-<year>-NNN, one past the highest
    number of the series (three digits at least; numbers of another form are skipped).
    One aggregate in the database, not every number of the year sent to Python."""
    prefix = f"{NUMBER_PREFIX}-{(today or timezone.localdate()).year}-"
    tail = Cast(Substr("number", len(prefix) + 1), models.IntegerField())
    series = Participant.objects.filter(number__regex=rf"^{re.escape(prefix)}[0-9]+$")
    highest = series.aggregate(n=Max(tail))["n"] or 0
    return f"{prefix}{highest + 1:03d}"


@transaction.atomic
def participant_save(*, by, participant: Participant, team=None, assign_number: bool = False) -> Participant:
    """Create or change a participant's registration (number, names, coach, referrer) and,
    when given, the colleagues who share the caseload. With `assign_number` a new
    participant gets the next free number of this year's series (coaches do not choose
    numbers, so they cannot probe which exist); when a colleague registering at the same
    moment takes it first, the next one. A typed number taken in the meantime is a
    validation error, never a database error."""
    adding = participant._state.adding
    if adding and assign_number:
        _insert_with_next_number(participant)
    else:
        participant.full_clean()
        try:
            with transaction.atomic():
                participant.save()
        except IntegrityError:
            raise ValidationError(Participant._meta.get_field("number").error_messages["unique"]) from None
    if team is not None:
        participant.team.set(team)
    if adding:
        Participant.objects.filter(pk=participant.pk).refresh_state()
    log_action(
        by=by,
        action=f"participants.participant.{'created' if adding else 'changed'}",
        participant=participant,
        obj=participant,
    )
    return participant


def _insert_with_next_number(participant: Participant) -> None:
    for _attempt in range(NUMBER_ATTEMPTS):
        participant.number = next_participant_number()
        participant.full_clean(exclude=["number"])
        try:
            with transaction.atomic():  # a savepoint: a clash leaves the outer transaction usable
                participant.save()
            return
        except IntegrityError:
            continue  # a colleague took this number a moment ago
    raise ValidationError(_("No participant number could be assigned just now. Please save again."))


@transaction.atomic
def intake_record(*, by, intake: Intake) -> Intake:
    """Record or update the intake; one per participant."""
    return _save(by=by, instance=intake, participant=intake.participant)


@transaction.atomic
def trajectory_save(*, by, trajectory: Trajectory) -> Trajectory:
    """Start or change a trajectory. Refused while a dropout or outflow stands without
    a re-entry after it, and it may not start before that re-entry."""
    participant = Participant.objects.select_for_update().get(pk=trajectory.participant_id)
    if trajectory._state.adding:
        exit_ = current_exit(participant)
        if exit_ is not None:
            raise ValidationError(
                _(
                    "This participant left the programme on %(date)s. Record a re-entry "
                    "before starting a new trajectory."
                )
                % {"date": exit_.date.strftime("%d-%m-%Y")}
            )
        reentry = participant.reentries.aggregate(d=Max("date"))["d"]
        if reentry and trajectory.start and trajectory.start < reentry:
            raise ValidationError({"start": _("A new trajectory cannot start before the re-entry date.")})
    _save(by=by, instance=trajectory, participant=participant)
    first = lifecycle.first_start_of(participant)
    earliest_exit = min(
        (
            d
            for d in (
                participant.dropouts.aggregate(d=Min("date"))["d"],
                participant.outflows.aggregate(d=Min("date"))["d"],
            )
            if d
        ),
        default=None,
    )
    if earliest_exit and (first is None or earliest_exit < first):
        raise ValidationError({"start": _("The first trajectory cannot start after a dropout or outflow.")})
    return trajectory


def _check_placement_overlap(placement: Placement) -> None:
    others = Placement.objects.filter(participant_id=placement.participant_id).exclude(pk=placement.pk)
    end = placement.end or datetime.date.max
    overlap = others.filter(start__lte=end).filter(Q(end__isnull=True) | Q(end__gte=placement.start))
    if overlap.exists():
        other = overlap.select_related("employer").first()
        raise ValidationError(
            _("This placement overlaps with the placement at %(employer)s from %(start)s.")
            % {"employer": other.employer, "start": other.start.strftime("%d-%m-%Y")}
        )


@transaction.atomic
def placement_save(*, by, placement: Placement) -> Placement:
    """Create or change a placement. Placements of one participant never overlap, so at
    most one is open at a time (also a database constraint)."""
    Participant.objects.select_for_update().get(pk=placement.participant_id)
    placement.full_clean()
    _check_placement_overlap(placement)
    return _save(by=by, instance=placement, participant=placement.participant)


@transaction.atomic
def placement_switch(*, by, current: Placement, new: Placement) -> Placement:
    """End `current` the day before `new` starts and start `new`. Switching is not dropout."""
    if new.start <= current.start:
        raise ValidationError({"start": _("The new placement must start after the current one started.")})
    current.end = new.start - datetime.timedelta(days=1)
    _save(by=by, instance=current, participant=current.participant)
    placement_save(by=by, placement=new)
    log_action(
        by=by,
        action="participants.placement.switched",
        participant=new.participant,
        obj=new,
        data={"from": current.pk, "to": new.pk},
    )
    return new


@transaction.atomic
def progress_entry_record(*, by, entry: ProgressEntry, signal_kinds: Iterable[str] = ()) -> ProgressEntry:
    """Log a contact moment and open one signal per kind given, dated on the entry."""
    adding = entry._state.adding
    if adding and entry.author_id is None and by is not None:
        entry.author = by
    _save(by=by, instance=entry, participant=entry.participant)
    for kind in signal_kinds:
        signal = Signal(participant=entry.participant, entry=entry, kind=kind, raised_on=entry.date)
        _save(by=by, instance=signal, participant=entry.participant)
    return entry


@transaction.atomic
def signal_close(*, by, signal: Signal, closed_on: datetime.date, note: str = "") -> Signal:
    """Close an open signal, recording who closed it and how it was resolved."""
    if signal.closed_on is not None:
        raise ValidationError(_("This signal is already closed."))
    signal.closed_on = closed_on
    signal.closed_by = by
    signal.closing_note = note
    signal.full_clean()
    signal.save()
    log_action(by=by, action="participants.signal.closed", participant=signal.participant, obj=signal)
    return signal


@transaction.atomic
def credential_award(*, by, credential: Credential, accepted_work_processes=None) -> Credential:
    """Record a credential, with the work processes the school accepted (a list, from the
    learning goals) when given. If it belongs to an ongoing trajectory, that trajectory
    is marked achieved on the award date."""
    _save(by=by, instance=credential, participant=credential.participant)
    if accepted_work_processes is not None:
        credential.accepted_work_processes.set(accepted_work_processes)
    trajectory = credential.trajectory
    if trajectory and trajectory.outcome == Trajectory.Outcome.ONGOING:
        if trajectory.start and credential.awarded_on < trajectory.start:
            raise ValidationError({"awarded_on": _("The award date is before the trajectory started.")})
        trajectory.outcome = Trajectory.Outcome.ACHIEVED
        trajectory.end = credential.awarded_on
        _save(by=by, instance=trajectory, participant=credential.participant)
    return credential


@transaction.atomic
def pause_save(*, by, pause: Pause) -> Pause:
    """Record or change a pause. A pause is not dropout: trajectories keep running."""
    others = Pause.objects.filter(participant_id=pause.participant_id).exclude(pk=pause.pk)
    end = pause.end or datetime.date.max
    if (
        pause.start
        and others.filter(start__lte=end).filter(Q(end__isnull=True) | Q(end__gte=pause.start)).exists()
    ):
        raise ValidationError({"start": _("This pause overlaps with another pause.")})
    return _save(by=by, instance=pause, participant=pause.participant)


@transaction.atomic
def pause_end(*, by, pause: Pause, end: datetime.date) -> Pause:
    """End a running pause on `end` (the participant's trajectories simply continue).
    Refused when the pause has already ended or `end` is before its start. Audited as
    `participants.pause.ended`."""
    pause = Pause.objects.select_for_update().get(pk=pause.pk)
    if pause.end is not None:
        raise ValidationError(_("This pause has already ended."))
    if end > timezone.localdate():
        raise ValidationError({"end": _("A pause cannot end in the future; set its planned end instead.")})
    if end < pause.start:
        raise ValidationError(
            {
                "end": _("The pause cannot end before it started (%(date)s).")
                % {"date": pause.start.strftime("%d-%m-%Y")}
            }
        )
    pause.end = end
    pause.full_clean()
    pause.save()
    participant = pause.participant
    Participant.objects.filter(pk=participant.pk).refresh_state()
    log_action(by=by, action="participants.pause.ended", participant=participant, obj=pause)
    return pause


def _check_exit_date(participant: Participant, date: datetime.date) -> None:
    first = lifecycle.first_start_of(participant)
    if first is None:
        raise ValidationError(
            _("Start a trajectory first: dropout and outflow count from the first trajectory.")
        )
    if date < first:
        raise ValidationError(
            {
                "date": _("The date cannot be before the first trajectory start (%(date)s).")
                % {"date": first.strftime("%d-%m-%Y")}
            }
        )


def _close_open_records(*, by, participant: Participant, date: datetime.date) -> None:
    """End what is still running on `date`: trajectories (stopped), placement and pause."""
    for trajectory in participant.trajectories.filter(end__isnull=True, start__lte=date):
        trajectory.end = date
        trajectory.outcome = Trajectory.Outcome.STOPPED
        _save(by=by, instance=trajectory, participant=participant)
    for placement in participant.placements.filter(end__isnull=True, start__lte=date):
        placement.end = date
        _save(by=by, instance=placement, participant=participant)
    for pause in participant.pauses.filter(end__isnull=True, start__lte=date):
        pause.end = date
        _save(by=by, instance=pause, participant=participant)


@transaction.atomic
def dropout_record(*, by, dropout: Dropout) -> Dropout:
    """Record a dropout; it ends running trajectories (stopped), placement and pause."""
    participant = Participant.objects.select_for_update().get(pk=dropout.participant_id)
    if dropout._state.adding and current_exit(participant):
        raise ValidationError(_("This participant has already left the programme."))
    dropout.full_clean()
    if dropout.reason_id is None:
        raise ValidationError({"reason": _("Choose a reason.")})
    _check_exit_date(participant, dropout.date)
    if dropout._state.adding:
        _close_open_records(by=by, participant=participant, date=dropout.date)
    _save(by=by, instance=dropout, participant=participant)
    return dropout


@transaction.atomic
def outflow_record(*, by, outflow: Outflow) -> Outflow:
    """Record an outflow to work or education; it ends running trajectories, placement
    and pause like a dropout does."""
    participant = Participant.objects.select_for_update().get(pk=outflow.participant_id)
    if outflow._state.adding and current_exit(participant):
        raise ValidationError(_("This participant has already left the programme."))
    outflow.full_clean()
    _check_exit_date(participant, outflow.date)
    if outflow._state.adding:
        _close_open_records(by=by, participant=participant, date=outflow.date)
    _save(by=by, instance=outflow, participant=participant)
    return outflow


@transaction.atomic
def reentry_record(*, by, reentry: ReEntry) -> ReEntry:
    """Let a participant who dropped out or flowed out return, so new trajectories can start.
    A correction keeps the re-entry between the exit it answers and the next exit."""
    participant = Participant.objects.select_for_update().get(pk=reentry.participant_id)
    if reentry._state.adding:
        exit_ = current_exit(participant)
    else:
        old = ReEntry.objects.get(pk=reentry.pk).date
        exits = [*participant.dropouts.all(), *participant.outflows.all()]
        exit_ = max((x for x in exits if x.date <= old), key=lambda x: x.date, default=None)
        following = min((x.date for x in exits if x.date > old), default=None)
        if following and reentry.date >= following:
            raise ValidationError(
                {
                    "date": _("The re-entry must be before the participant left again (%(date)s).")
                    % {"date": following.strftime("%d-%m-%Y")}
                }
            )
    if exit_ is None:
        raise ValidationError(_("This participant has not left the programme."))
    if reentry.date < exit_.date:
        raise ValidationError(
            {
                "date": _("The re-entry cannot be before the date the participant left (%(date)s).")
                % {"date": exit_.date.strftime("%d-%m-%Y")}
            }
        )
    if reentry.recorded_by_id is None and by is not None:
        reentry.recorded_by = by
    _save(by=by, instance=reentry, participant=participant)
    return reentry


@transaction.atomic
def record_delete(*, by, instance: models.Model) -> None:
    """Delete a record from the file (a mistaken entry), with an audit entry."""
    participant = instance.participant
    log_action(by=by, action=_action(instance, "deleted"), participant=participant, obj=instance)
    instance.delete()
    Participant.objects.filter(pk=participant.pk).refresh_state()
