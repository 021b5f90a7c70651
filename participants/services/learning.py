"""The learning route's writes: qualification files and work processes, a trajectory's
learning goals and observations with a step per goal. Each is one transaction with its
audit entry (codes and ids only, never the typed text)."""

import datetime
import hashlib
from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plp.audit import log_action

from ..models import (
    Judgment,
    JudgmentItem,
    LearningGoal,
    Observation,
    ObservationStep,
    Participant,
    PendingImport,
    QualificationFile,
    Step,
    Trajectory,
    TrajectoryKind,
    WorkProcess,
)

# Trajectories that lead to a credential listing work processes (DOMAIN.md, the learning route).
GOAL_KINDS = (TrajectoryKind.PRACTICE_STATEMENT, TrajectoryKind.PARTIAL_CERTIFICATE)


@transaction.atomic
def qualification_save(*, by, qualification: QualificationFile) -> QualificationFile:
    """Create or change a qualification file of the catalogue."""
    verb = "created" if qualification._state.adding else "changed"
    qualification.full_clean()
    qualification.save()
    log_action(by=by, action=f"participants.qualificationfile.{verb}", obj=qualification)
    return qualification


@transaction.atomic
def work_process_save(*, by, work_process: WorkProcess) -> WorkProcess:
    """Create or change a work process of a qualification file."""
    verb = "created" if work_process._state.adding else "changed"
    work_process.full_clean()
    work_process.save()
    log_action(by=by, action=f"participants.workprocess.{verb}", obj=work_process)
    return work_process


def _check_goal_trajectory(trajectory: Trajectory) -> None:
    if trajectory.kind not in GOAL_KINDS:
        raise ValidationError(
            _("Learning goals belong to a practice statement or partial certificate trajectory.")
        )


@transaction.atomic
def goals_add(
    *,
    by,
    trajectory: Trajectory,
    work_processes: list[WorkProcess],
    assignments: dict[int, str] | None = None,
) -> list[LearningGoal]:
    """Add the chosen work processes to a trajectory as learning goals (those already
    there are left as they are), each with its assignment at this workplace."""
    _check_goal_trajectory(trajectory)
    assignments = assignments or {}
    have = set(trajectory.goals.values_list("work_process_id", flat=True))
    made = []
    for wp in work_processes:
        if wp.pk in have:
            continue
        goal = LearningGoal(trajectory=trajectory, work_process=wp, assignment=assignments.get(wp.pk, ""))
        goal.full_clean()
        goal.save()
        have.add(wp.pk)
        made.append(goal)
        log_action(
            by=by, action="participants.learninggoal.created", obj=goal, participant=trajectory.participant_id
        )
    return made


@transaction.atomic
def goal_save(*, by, goal: LearningGoal) -> LearningGoal:
    """Change a learning goal's assignment (or create one goal)."""
    _check_goal_trajectory(goal.trajectory)
    verb = "created" if goal._state.adding else "changed"
    goal.full_clean()
    goal.save()
    log_action(
        by=by,
        action=f"participants.learninggoal.{verb}",
        obj=goal,
        participant=goal.trajectory.participant_id,
    )
    return goal


@transaction.atomic
def goal_delete(*, by, goal: LearningGoal) -> None:
    """Remove a learning goal that has no steps yet (one with evidence stays: the figures
    count it)."""
    if goal.steps.exists():
        raise ValidationError(_("This learning goal has observations and cannot be removed."))
    participant_id = goal.trajectory.participant_id
    log_action(by=by, action="participants.learninggoal.deleted", obj=goal, participant=participant_id)
    goal.delete()


def _validate_observation(
    *, participant: Participant, trajectory: Trajectory, date: datetime.date, steps: dict, texts: dict
) -> dict[int, LearningGoal]:
    errors: dict[str, list[str]] = {}
    if trajectory.participant_id != participant.pk:
        errors.setdefault("trajectory", []).append(_("This trajectory belongs to someone else."))
    if date > timezone.localdate():
        errors.setdefault("date", []).append(_("The date of an observation cannot lie in the future."))
    elif trajectory.start and date < trajectory.start:
        errors.setdefault("date", []).append(
            _("The date of an observation cannot lie before the start of the trajectory (%(start)s).")
            % {"start": trajectory.start.strftime("%d-%m-%Y")}
        )
    goals = {g.pk: g for g in LearningGoal.objects.filter(trajectory=trajectory, pk__in=list(steps))}
    for goal_id, step in steps.items():
        if goal_id not in goals:
            errors.setdefault("steps", []).append(_("A step is given for a goal of another trajectory."))
        if step not in Step.values:
            errors.setdefault("steps", []).append(_("The step is 1, 2, 3 or 4."))
    if not steps and not any((texts.get(f) or "").strip() for f in Observation.TEXT_FIELDS):
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Give a step for at least one learning goal or write what was observed.")
        )
    if errors:
        raise ValidationError(errors)
    return goals


@transaction.atomic
def observation_record(
    *,
    by,
    participant: Participant,
    trajectory: Trajectory,
    date: datetime.date,
    observer: str,
    steps: dict[int, int],
    mentor=None,
    attachment=None,
    audit_action: str = "participants.observation.created",
    audit_data: dict | None = None,
    **texts: str,
) -> Observation:
    """Record an observation: what was seen on `date` (STARR fields and a note in `texts`)
    and the step (1-4) it gives each learning goal in `steps` ({goal id: step}). Refused
    without any step or text, with a date in the future or before the trajectory's start,
    or with a goal of another trajectory. The steps copy the date and participant (rules
    10-11 read them). `by` may be None (the mentor's link): the caller then passes its
    own `audit_action` and `audit_data` (codes and ids only)."""
    unknown = set(texts) - set(Observation.TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown observation fields: {sorted(unknown)}")
    steps = {int(k): int(v) for k, v in steps.items()}
    goals = _validate_observation(
        participant=participant, trajectory=trajectory, date=date, steps=steps, texts=texts
    )
    observation = Observation(
        participant=participant,
        trajectory=trajectory,
        date=date,
        observer=observer,
        mentor=mentor,
        attachment=attachment,
        author=by if by is not None and by.is_authenticated else None,
        **{f: (texts.get(f) or "").strip() for f in Observation.TEXT_FIELDS},
    )
    observation.full_clean()
    observation.save()
    rows = [
        ObservationStep(
            observation=observation, goal=goals[gid], step=step, date=date, participant=participant
        )
        for gid, step in sorted(steps.items())
    ]
    ObservationStep.objects.bulk_create(rows)
    data = {"steps": {str(gid): step for gid, step in sorted(steps.items())}, **(audit_data or {})}
    log_action(by=by, action=audit_action, obj=observation, participant=participant, data=data)
    return observation


@transaction.atomic
def observation_delete(*, by, observation: Observation) -> None:
    """Remove an observation recorded by mistake, with its steps."""
    log_action(
        by=by,
        action="participants.observation.deleted",
        obj=observation,
        participant=observation.participant_id,
    )
    observation.delete()


def pending_import_add(*, by, name: str, content: bytes) -> PendingImport:
    """Keep an uploaded catalogue between preview and confirm (in the database, never on disk)."""
    return PendingImport.objects.create(user=by, filename=name[:200], content=content)


def pending_import_drop(*, pending: PendingImport) -> None:
    pending.delete()


def pending_imports_expire(*, before) -> None:
    """Forget uploads that were neither confirmed nor cancelled."""
    PendingImport.objects.filter(created_at__lt=before).delete()


@transaction.atomic
def judgment_save(
    *,
    by,
    trajectory: Trajectory,
    items: dict[int, tuple[bool | None, str, list]],
    mentor_name: str = "",
    signed_on: datetime.date | None = None,
) -> Judgment:
    """Write the summary judgment of a trajectory's goals: `items` is {goal id: (mastered,
    motivation, evidence dates)}. Changes the current draft, or starts a new version when
    there is none (the last one was sent and is frozen). Only the trajectory's goals."""
    trajectory = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    goals = {g.pk: g for g in trajectory.goals.all()}
    strangers = set(items) - set(goals)
    if not goals or not items:
        raise ValidationError(_("Choose the learning goals before writing the summary judgment."))
    if strangers:
        raise ValidationError(_("A judgment is given for a goal of another trajectory."))
    if signed_on and signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot lie in the future.")})
    latest = trajectory.judgments.order_by("-version").first()
    if latest is None or latest.is_sent:
        judgment = Judgment(
            participant_id=trajectory.participant_id,
            trajectory=trajectory,
            version=(latest.version + 1) if latest else 1,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        verb = "created"
    else:
        judgment, verb = latest, "changed"
    judgment.mentor_name, judgment.signed_on = mentor_name.strip(), signed_on
    judgment.full_clean()
    judgment.save()
    judgment.items.all().delete()
    JudgmentItem.objects.bulk_create(
        JudgmentItem(
            judgment=judgment,
            goal=goals[gid],
            participant_id=trajectory.participant_id,
            mastered=mastered,
            motivation=(motivation or "").strip(),
            evidence_dates=[d.isoformat() if hasattr(d, "isoformat") else str(d) for d in dates],
        )
        for gid, (mastered, motivation, dates) in sorted(items.items())
    )
    log_action(
        by=by,
        action=f"participants.judgment.{verb}",
        obj=judgment,
        participant=trajectory.participant_id,
        data={"version": judgment.version, "mastered": sorted(g for g, v in items.items() if v[0])},
    )
    return judgment


@transaction.atomic
def judgment_send(
    *, by, judgment: Judgment, render: Callable[[Judgment], bytes], on: datetime.date | None = None
) -> Judgment:
    """Freeze a judgment as sent to the school: its PDF, rendered by `render` once the
    judgment is marked sent (so it shows the sending date, not "draft"), is stored with its
    SHA-256, and it cannot change any more (a change makes a new version)."""
    judgment = Judgment.objects.select_for_update().get(pk=judgment.pk)
    if judgment.is_sent:
        raise ValidationError(_("This judgment was already sent; a change makes a new version."))
    if not judgment.mentor_name or not judgment.signed_on:
        raise ValidationError(_("Record the mentor's name and signing date before sending."))
    if judgment.items.filter(mastered=None).exists():
        raise ValidationError(_("Judge every work process (yes or no) before sending."))
    judgment.sent_on = on or timezone.localdate()
    judgment.pdf = render(judgment)
    judgment.pdf_sha256 = hashlib.sha256(judgment.pdf).hexdigest()
    judgment.save()
    log_action(
        by=by,
        action="participants.judgment.sent",
        obj=judgment,
        participant=judgment.participant_id,
        data={"version": judgment.version, "pdf_sha256": judgment.pdf_sha256},
    )
    return judgment
