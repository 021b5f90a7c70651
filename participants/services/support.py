"""Writes about what surrounds the participant: support needs (and, below, group lessons
and learning places). Each write is one transaction with its audit entry (codes and ids
only, never the typed text)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plp.audit import log_action, log_actions

from ..models import GroupLesson, LearningPlace, LessonAttendance, Organisation, Participant, SupportNeed

MAX_SERIES_WEEKS = 26


@transaction.atomic
def support_need_save(*, by, need: SupportNeed) -> SupportNeed:
    """Record or change a support need. The partner must be a chain partner; a need that
    is open has no settled date (settle it with `support_need_settle`)."""
    adding = need._state.adding
    if adding and need.created_by_id is None and by is not None:
        need.created_by = by
    today = timezone.localdate()
    if need.since and need.since > today:
        raise ValidationError({"since": _("The date cannot be in the future.")})
    if need.closed_on and need.closed_on > today:
        raise ValidationError({"closed_on": _("The date cannot be in the future.")})
    if need.partner_id and need.partner.kind != Organisation.Kind.CHAIN_PARTNER:
        raise ValidationError({"partner": _("Choose a chain partner.")})
    if need.status == SupportNeed.Status.OPEN:
        need.closed_on = None
    elif need.closed_on is None:
        raise ValidationError({"closed_on": _("Give the date it was settled.")})
    need.full_clean()
    need.save()
    log_action(
        by=by,
        action=f"participants.supportneed.{'created' if adding else 'changed'}",
        participant=need.participant,
        obj=need,
        data={"kind": need.kind, "status": need.status},
    )
    return need


@transaction.atomic
def support_need_settle(*, by, need: SupportNeed, status: str, closed_on: datetime.date) -> SupportNeed:
    """Close an open need as settled (geregeld) or no longer needed, on `closed_on`."""
    if need.status != SupportNeed.Status.OPEN:
        raise ValidationError(_("This support need is already closed."))
    if status not in (SupportNeed.Status.SETTLED, SupportNeed.Status.NO_LONGER_NEEDED):
        raise ValidationError({"status": _("Choose settled or no longer needed.")})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The date cannot be in the future.")})
    need.status, need.closed_on = status, closed_on
    need.full_clean()
    need.save()
    log_action(
        by=by,
        action="participants.supportneed.settled",
        participant=need.participant,
        obj=need,
        data={"status": status},
    )
    return need


@transaction.atomic
def learning_place_save(*, by, place: LearningPlace) -> LearningPlace:
    """Record or change an employer's learning places. The employer must be an employer."""
    adding = place._state.adding
    if place.employer_id and place.employer.kind != Organisation.Kind.EMPLOYER:
        raise ValidationError({"employer": _("Choose an employer.")})
    place.full_clean()
    place.save()
    log_action(
        by=by,
        action=f"participants.learningplace.{'created' if adding else 'changed'}",
        obj=place,
        data={"employer": place.employer_id, "places": place.places},
    )
    return place


def _visible_ids(by, ids) -> set[int]:
    return set(Participant.objects.for_user(by).filter(pk__in=ids).values_list("pk", flat=True))


@transaction.atomic
def lesson_plan(*, by, lesson: GroupLesson, participants=(), weeks: int = 1) -> list[GroupLesson]:
    """Plan a group lesson, or a series of `weeks` lessons a week apart on the same weekday
    and time ("8 weken, elke dinsdag"), each with the same participants invited. Only
    participants `by` may see can be invited."""
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise ValidationError({"weeks": _("A series has 1 to 26 weeks.")})
    ids = {p.pk for p in participants}
    if ids - _visible_ids(by, ids):
        raise ValidationError({"participants": _("You can only invite participants you guide.")})
    lesson.created_by = lesson.created_by or by
    lesson.full_clean()
    lessons = []
    for week in range(weeks):
        one = GroupLesson(
            **{
                f.attname: getattr(lesson, f.attname)
                for f in GroupLesson._meta.concrete_fields
                if f.attname != "id"
            }
        )
        one.date = lesson.date + datetime.timedelta(weeks=week)
        one.save()
        LessonAttendance.objects.bulk_create(
            [LessonAttendance(lesson=one, participant_id=pk) for pk in sorted(ids)]
        )
        lessons.append(one)
    log_actions(
        by=by,
        entries=[
            {"action": "participants.grouplesson.created", "obj": one, "data": {"invited": len(ids)}}
            for one in lessons
        ]
        + [
            {
                "action": "participants.lessonattendance.invited",
                "participant": pk,
                "data": {"lessons": len(lessons)},
            }
            for pk in sorted(ids)
        ],
    )
    return lessons


@transaction.atomic
def lesson_save(*, by, lesson: GroupLesson, participants) -> GroupLesson:
    """Change a lesson and whom it invites. `by` changes only the invitations of the
    participants they may see; the others stay as they are."""
    lesson.full_clean()
    lesson.save()
    wanted = {p.pk for p in participants}
    current = set(lesson.attendances.values_list("participant_id", flat=True))
    if wanted - _visible_ids(by, wanted):
        raise ValidationError({"participants": _("You can only invite participants you guide.")})
    visible_current = _visible_ids(by, current)
    removed = visible_current - wanted
    added = wanted - current
    lesson.attendances.filter(participant_id__in=removed).delete()
    LessonAttendance.objects.bulk_create(
        [LessonAttendance(lesson=lesson, participant_id=pk) for pk in sorted(added)]
    )
    log_actions(
        by=by,
        entries=[{"action": "participants.grouplesson.changed", "obj": lesson}]
        + [
            {"action": "participants.lessonattendance.invited", "participant": pk, "obj": lesson}
            for pk in added
        ]
        + [
            {"action": "participants.lessonattendance.uninvited", "participant": pk, "obj": lesson}
            for pk in removed
        ],
    )
    return lesson


def attendance_mark_text(present: bool | None, absence: str) -> str:
    """A mark as text for the sheet's hidden field: "present", "absent:<reason>" or ""."""
    return "present" if present else f"absent:{absence}" if present is False else ""


def attendance_mark_parse(text: str) -> tuple[bool | None, str]:
    if text == "present":
        return True, ""
    if text.startswith("absent:"):
        return False, text.removeprefix("absent:")
    return None, ""


@transaction.atomic
def attendance_record(
    *,
    by,
    lesson: GroupLesson,
    marks: dict[int, tuple[bool | None, str]],
    seen: dict[int, tuple[bool | None, str]] | None = None,
) -> int:
    """Take the attendance of a lesson: for each invited participant `by` may see,
    present (True), absent (False, with a reason code) or not yet known (None). A mark
    for someone not invited, or not visible to `by`, is refused. Returns the number
    of participants marked.

    `seen` holds the marks as the user's sheet showed them. Two people may take one
    lesson's attendance at once: a mark the user left as it was is not written (so a
    colleague's mark of that participant stands), and a mark the user changed while a
    colleague changed it too is refused, naming the participant."""
    seen = seen or {}
    if lesson.date > timezone.localdate() and any(present is not None for present, _r in marks.values()):
        raise ValidationError(_("Attendance can be taken from the day of the lesson."))
    rows = {a.participant_id: a for a in lesson.attendances.select_for_update()}
    unknown = set(marks) - set(rows)
    if unknown or set(marks) - _visible_ids(by, marks):
        raise ValidationError(_("Attendance can only be taken for participants invited to this lesson."))
    changed, clashes = [], []
    for pk, (present, absence) in marks.items():
        row = rows[pk]
        absence = absence if present is False else ""
        if absence and absence not in LessonAttendance.Absence.values:
            raise ValidationError(_("Choose a reason of absence from the list."))
        if pk in seen:
            was = (seen[pk][0], seen[pk][1] if seen[pk][0] is False else "")
            if was == (present, absence):
                continue  # left as the sheet showed it
            if (row.present, row.absence) not in (was, (present, absence)):
                clashes.append(row)
                continue
        if (row.present, row.absence) != (present, absence):
            row.present, row.absence = present, absence
            changed.append(row)
    if clashes:
        names = ", ".join(sorted(row.participant.full_name for row in clashes))
        raise ValidationError(
            _(
                "Someone else changed the attendance of %(names)s in the meantime. "
                "The sheet now shows your marks; check them and save again."
            )
            % {"names": names}
        )
    LessonAttendance.objects.bulk_update(changed, ["present", "absence"])
    log_actions(
        by=by,
        entries=[
            {
                "action": "participants.lessonattendance.recorded",
                "participant": row.participant_id,
                "obj": lesson,
                "data": {"present": row.present, "absence": row.absence},
            }
            for row in changed
        ],
    )
    return len(changed)
