"""Counting rules 12-15: lesson hours, learning places realised, dropout per route
(computed with rule 5 in figures.py) and support. A fixed number of queries; support
figures are counts of participants per kind, nothing more."""

import datetime

from django.db.models import Count, Q, QuerySet, Sum

from participants.models import GroupLesson, LessonAttendance, Participant, SupportNeed
from participants.support_selectors import places_started

SUPPORT_KINDS = list(SupportNeed.Kind.values)
SETTLED = SupportNeed.Status.SETTLED


def _in(start: datetime.date, end: datetime.date, lookup: str) -> Q:
    return Q(**{f"{lookup}__gte": start, f"{lookup}__lte": end})


def lesson_hours(start: datetime.date, end: datetime.date) -> dict[str, float]:
    """Rule 12: the hours of the group lessons in the period, each lesson once, and the
    participant hours from lessons (duration x participants present). Two queries."""
    lessons = GroupLesson.objects.filter(_in(start, end, "date")).aggregate(m=Sum("duration_minutes"))["m"]
    present = LessonAttendance.objects.filter(_in(start, end, "lesson__date"), present=True)
    person = present.aggregate(m=Sum("lesson__duration_minutes"))["m"]
    return {"lesuren": round((lessons or 0) / 60, 1), "deelnemersuren_lessen": round((person or 0) / 60, 1)}


def places_realised(start: datetime.date, end: datetime.date) -> int:
    """Rule 13: learning places whose start falls in the period (places, not employers
    or offers: an offer of three places counts three). One query. The coordinator's
    Leerwerkplekken page lists the same places (`places_started`) as its trace."""
    return places_started(start, end).aggregate(n=Sum("places"))["n"] or 0


def support_figures(start: datetime.date, end: datetime.date) -> dict:
    """Rule 15: participants with a support need opened in the period, per kind and in
    all; and those with one settled (geregeld) in the period. One query."""
    opened, settled = _in(start, end, "since"), _in(start, end, "closed_on") & Q(status=SETTLED)

    def n(q):
        return Count("participant", distinct=True, filter=q)

    aggs = {"o": n(opened), "s": n(settled)}
    for i, kind in enumerate(SUPPORT_KINDS):
        aggs[f"o{i}"] = n(opened & Q(kind=kind))
        aggs[f"s{i}"] = n(settled & Q(kind=kind))
    row = SupportNeed.objects.filter(opened | settled).order_by().aggregate(**aggs)
    return {
        "ondersteuning_gestart": {
            "deelnemers": row["o"],
            "per_soort": {k: row[f"o{i}"] for i, k in enumerate(SUPPORT_KINDS)},
        },
        "ondersteuning_geregeld": {
            "deelnemers": row["s"],
            "per_soort": {k: row[f"s{i}"] for i, k in enumerate(SUPPORT_KINDS)},
        },
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
