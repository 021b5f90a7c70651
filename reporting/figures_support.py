"""Counting rules 12-15: lesson hours, learning places realised, dropout per route
(computed with rule 5 in figures.py) and support. A fixed number of queries; support
figures are counts of participants per kind, nothing more."""

import datetime

from django.db.models import Count, Q, QuerySet, Sum

from participants.models import GroupLesson, LessonAttendance, LessonDay, Participant, SupportNeed
from participants.support_selectors import places_started

from .counts import Counts

SUPPORT_KINDS = list(SupportNeed.Kind.values)
SETTLED = SupportNeed.Status.SETTLED


def _in(start: datetime.date, end: datetime.date, lookup: str) -> Q:
    return Q(**{f"{lookup}__gte": start, f"{lookup}__lte": end})


def lesson_hours(start: datetime.date, end: datetime.date) -> dict[str, float]:
    """Rule 12: the hours of the group lessons in the period, each lesson once, and the
    participant hours from lessons (duration x participants present). One query, over the
    days the database keeps (LessonDay, migration 0027)."""
    row = LessonDay.objects.filter(_in(start, end, "date")).aggregate(
        m=Sum("lesson_minutes"), p=Sum("participant_minutes")
    )
    return {
        "lesuren": round((row["m"] or 0) / 60, 1),
        "deelnemersuren_lessen": round((row["p"] or 0) / 60, 1),
    }


def places_realised(start: datetime.date, end: datetime.date) -> int:
    """Rule 13: learning places whose start falls in the period (places, not employers
    or offers: an offer of three places counts three). One query. The coordinator's
    Leerwerkplekken page lists the same places (`places_started`) as its trace."""
    return places_started(start, end).aggregate(n=Sum("places"))["n"] or 0


def support_figures(counts: Counts) -> dict:
    """Rule 15: participants with a support need opened in the period, per kind and in
    all; and those with one settled (geregeld) in the period. From the period's events
    (reporting/counts.py, already read by compute_figures): no query of its own."""
    return {
        name: {
            "deelnemers": counts.of(None, figure),
            "per_soort": {k: counts.of(None, f"{figure}_soort", k) for k in SUPPORT_KINDS},
        }
        for name, figure in (
            ("ondersteuning_gestart", "steun_start"),
            ("ondersteuning_geregeld", "steun_geregeld"),
        )
    }


def support_participants(figure: str, start: datetime.date, end: datetime.date, key: str = "") -> QuerySet:
    """The participants behind a figure of rules 12 and 15: those present at the lessons,
    or those with a support need opened or settled (`key`: a support kind)."""
    match figure:
        case "lesuren" | "deelnemersuren_lessen":
            present = LessonAttendance.objects.filter(_in(start, end, "lesson__date"), present=True)
            return Participant.objects.filter(pk__in=present.values("participant"))
        case "ondersteuning_gestart":
            needs = SupportNeed.objects.filter(_in(start, end, "since"))
        case "ondersteuning_geregeld":
            needs = SupportNeed.objects.filter(_in(start, end, "closed_on"), status=SETTLED)
        case _:
            raise ValueError(f"Unknown figure {figure!r}")
    if key:
        needs = needs.filter(kind=key)
    return Participant.objects.filter(pk__in=needs.values("participant"))


def lessons_in(start: datetime.date, end: datetime.date) -> QuerySet:
    """The group lessons of rule 12 in the period, each with the number present: the
    lessons behind `lesuren` (their durations) and `deelnemersuren_lessen` (duration x
    present). One query."""
    return (
        GroupLesson.objects.filter(_in(start, end, "date"))
        .annotate(present=Count("attendances", filter=Q(attendances__present=True)))
        .order_by("date", "start_time", "pk")
    )
