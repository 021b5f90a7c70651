"""Every write to the case file. Each service runs in one transaction, validates the
rows it touches (full_clean plus the rules that span rows) and writes its audit entry
in that same transaction, so the change and its trace commit together or not at all."""

import contextlib
import datetime
import logging
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Min, Q
from django.utils.translation import gettext as _

from plp.audit import log_action
from plp.roles import ROLE_CHANGED, ROLES, account_role, grantable_roles, may_manage_account

from . import lifecycle
from .models import (
    Attachment,
    Credential,
    Dropout,
    DropoutReason,
    FollowUp,
    Intake,
    Mentor,
    Organisation,
    Outflow,
    Participant,
    Pause,
    Placement,
    ProgressEntry,
    ReEntry,
    Reminder,
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
    number of the series (three digits at least; numbers of another form are skipped)."""
    from django.utils import timezone

    prefix = f"{NUMBER_PREFIX}-{(today or timezone.localdate()).year}-"
    tails = Participant.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(n[len(prefix) :]) for n in tails if n[len(prefix) :].isdigit()), default=0)
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
def credential_award(*, by, credential: Credential) -> Credential:
    """Record a credential. If it belongs to an ongoing trajectory, that trajectory is
    marked achieved on the award date."""
    _save(by=by, instance=credential, participant=credential.participant)
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


ANONYMOUS_NAME = "Geanonimiseerd"


@transaction.atomic
def participant_anonymise(*, by, participant: Participant) -> Participant:
    """Erase the personal fields of a participant's file (see privacy.PERSONAL_DATA);
    dates and categories stay, so the figures of past reports do not change. Audited."""
    from django.apps import apps
    from django.utils import timezone

    from .privacy import ERASE, PERSONAL_DATA

    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.anonymised_at:
        raise ValidationError(_("This participant is already anonymised."))
    for attachment in participant.attachments.all():
        attachment.file.delete(save=False)
    for label, fields in PERSONAL_DATA.items():
        model = apps.get_model(label)
        erase = {}
        for name, field in fields.items():
            model_field = model._meta.get_field(name)
            if field.anonymise == ERASE:
                erase[name] = None if model_field.null else ""
        if model is Participant:
            for name, v in erase.items():
                setattr(participant, name, v)
            participant.number = f"ANON-{participant.pk}"
            participant.first_name = ANONYMOUS_NAME
            participant.anonymised_at = timezone.now()
            participant.save()
        elif erase:
            model.objects.filter(participant=participant).update(**erase)
    log_action(by=by, action="participants.participant.anonymised", participant=participant, obj=participant)
    return participant


def retention_due(today: datetime.date | None = None) -> list[Participant]:
    """Participants whose file was closed (dropout or outflow, no re-entry after it) longer
    ago than PLP_RETENTION_YEARS, and who are not anonymised yet."""
    from django.conf import settings
    from django.utils import timezone

    cutoff = add_months(today or timezone.localdate(), -12 * settings.PLP_RETENTION_YEARS)
    return list(
        Participant.objects.filter(anonymised_at__isnull=True, closed_on__lt=cutoff).order_by("number")
    )


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


MAGIC = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@transaction.atomic
def attachment_add(*, by, participant: Participant, upload, title: str) -> Attachment:
    """Store a document (PDF, PNG or JPEG, checked by its content, at most
    PLP_ATTACHMENT_MAX_BYTES) outside the web root."""
    from django.conf import settings

    if upload.size > settings.PLP_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB.")
                % {"mb": settings.PLP_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    head = upload.read(8)
    upload.seek(0)
    content_type = next((t for magic, t in MAGIC.items() if head.startswith(magic)), None)
    if content_type is None:
        raise ValidationError({"file": _("Only PDF, PNG and JPEG files can be added.")})
    attachment = Attachment(
        participant=participant,
        title=title,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    # A random name with the extension of the detected type (models.attachment_path).
    storage = attachment.file.storage
    name = attachment.file.field.generate_filename(attachment, upload.name)
    try:
        attachment.file = storage.save(name, upload)
    except OSError as error:
        # Disk full, read-only or missing storage: no row, and no half-written file.
        logger.error("Document storage failed for participant %s: %s", participant.pk, error)
        with contextlib.suppress(OSError):
            storage.delete(name)
        raise ValidationError(
            {
                "file": _(
                    "The document could not be stored: the document storage is full or not "
                    "writable. Nothing was saved. Tell the administrator, then try again."
                )
            }
        ) from error
    try:
        return _save(by=by, instance=attachment, participant=participant)
    except Exception:
        attachment.file.delete(save=False)
        raise


@transaction.atomic
def attachment_delete(*, by, attachment: Attachment) -> None:
    """Remove a document and its file."""
    log_action(
        by=by, action="participants.attachment.deleted", participant=attachment.participant, obj=attachment
    )
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def reference_save(*, by, obj: Organisation | Mentor | DropoutReason):
    """Create or change what coordinators keep for everyone: an organisation, a mentor or
    a dropout reason."""
    adding = obj._state.adding
    obj.full_clean()
    obj.save()
    verb = "created" if adding else "changed"
    log_action(by=by, action=f"participants.{obj._meta.model_name}.{verb}", obj=obj)
    return obj


@transaction.atomic
def account_save(*, by, user, role: str | None, password: str | None = None):
    """Create or change an account (`user`, unsaved changes included) and give it `role`
    (None keeps the current one) and, when given, a new `password`. Coordinators may
    grant every role; administrators manage coaches' and peer experts' accounts only
    and never their own: anything else raises PermissionDenied before a row is written.
    Audits `auth.user.created` or `auth.user.changed`, and every change of role as
    `auth.user.role_changed` with the account's id and the old and new role codes."""
    adding = user._state.adding
    stored = None if adding else type(user).objects.get(pk=user.pk)
    if stored is not None and not may_manage_account(by, stored):
        raise PermissionDenied
    old = account_role(stored) if stored is not None else ""
    if role is not None and role not in ROLES:
        raise ValidationError({"role": _("Choose a role.")})
    changes_role = role is not None and role != old
    if changes_role and role not in grantable_roles(by):
        raise PermissionDenied
    if password:
        user.set_password(password)
    user.save()
    log_action(by=by, action=f"auth.user.{'created' if adding else 'changed'}", obj=user)
    if changes_role:
        user.groups.set([Group.objects.get_or_create(name=role)[0]])
        log_action(by=by, action=ROLE_CHANGED, data={"user_id": user.pk, "old": old, "new": role})
    return user
