"""The counting rules of the funder report (DOMAIN.md), computed in SQL.

Every figure is a number of distinct participants unless its name says otherwise. The
number of queries is fixed: it does not grow with the number of participants.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, QuerySet, Sum

from participants.models import (
    Credential,
    CredentialKind,
    Dropout,
    Outflow,
    Participant,
    ProgressEntry,
    Trajectory,
    TrajectoryKind,
)

WORK_OR_EDUCATION = [k for k in Outflow.Kind.values if k != Outflow.Kind.OTHER]


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@dataclass(frozen=True)
class EmployerOutflow:
    employer: str
    participants: int
    job_titles: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    period: Period
    reference_date: datetime.date
    instroom: int
    trajectories: dict[str, int]  # per TrajectoryKind value, voortraject included
    awarded: dict[str, int]  # credentials (not participants) per CredentialKind value
    dropout: int
    dropout_by_reason: dict[str, int]  # reason label ("" when none recorded)
    outflow: int
    outflow_by_kind: dict[str, int]
    outflow_work_or_education: int
    active_at_reference: dict[str, int]
    minutes_by_entry_kind: dict[str, int]
    employers: tuple[EmployerOutflow, ...] = field(default_factory=tuple)

    @property
    def voortraject(self) -> int:
        return self.trajectories[TrajectoryKind.PRE_TRAJECTORY]


def _in(period: Period, lookup: str) -> Q:
    return Q(**{f"{lookup}__gte": period.start, f"{lookup}__lte": period.end})


def instroom_participants(period: Period) -> QuerySet:
    """Rule 1: participants whose first trajectory start (any kind) falls in the period."""
    return (
        Participant.objects.annotate(first_start=Min("trajectories__start"))
        .filter(_in(period, "first_start"))
        .values("pk")
    )


def active_trajectories(reference_date: datetime.date) -> QuerySet:
    """Rule 7: trajectories running on the reference date of participants who have not
    dropped out or flowed out on or before it. A pause does not end a trajectory."""
    d = reference_date
    return (
        Trajectory.objects.filter(start__lte=d)
        .filter(Q(end__isnull=True) | Q(end__gt=d))
        .exclude(participant__dropouts__date__lte=d)
        .exclude(participant__outflows__date__lte=d)
    )


def compute_figures(period: Period, reference_date: datetime.date | None = None) -> Figures:
    """All figures of the counting rules for one period and reference date."""
    reference_date = reference_date or period.end
    distinct = {"distinct": True}

    instroom = Participant.objects.filter(pk__in=instroom_participants(period)).count()

    trajectories = Trajectory.objects.filter(_in(period, "start")).aggregate(
        **{k: Count("participant", filter=Q(kind=k), **distinct) for k in TrajectoryKind.values}
    )
    awarded = Credential.objects.filter(_in(period, "awarded_on")).aggregate(
        **{k: Count("pk", filter=Q(kind=k)) for k in CredentialKind.values}
    )

    dropouts = Dropout.objects.filter(_in(period, "date"))
    dropout = dropouts.aggregate(n=Count("participant", **distinct))["n"]
    dropout_by_reason = {
        row["reason__label"] or "": row["n"]
        for row in dropouts.values("reason__label", "reason__position")
        .annotate(n=Count("participant", **distinct))
        .order_by("reason__position", "reason__label")
    }

    outflows = Outflow.objects.filter(_in(period, "date"))
    outflow_totals = outflows.aggregate(
        total=Count("participant", **distinct),
        work=Count("participant", filter=Q(kind__in=WORK_OR_EDUCATION), **distinct),
        **{k: Count("participant", filter=Q(kind=k), **distinct) for k in Outflow.Kind.values},
    )

    active = active_trajectories(reference_date).aggregate(
        **{k: Count("participant", filter=Q(kind=k), **distinct) for k in TrajectoryKind.values}
    )

    minutes = {k: 0 for k in ProgressEntry.Kind.values}
    for row in (
        ProgressEntry.objects.filter(_in(period, "date"))
        .values("kind")
        .annotate(m=Sum("duration_minutes"))
        .order_by()
    ):
        minutes[row["kind"]] = row["m"]

    employers: dict[str, dict] = {}
    for row in (
        outflows.filter(employer__isnull=False)
        .values("employer__name", "job_title")
        .annotate(n=Count("participant", **distinct))
        .order_by("employer__name", "job_title")
    ):
        item = employers.setdefault(row["employer__name"], {"n": 0, "titles": []})
        item["n"] += row["n"]
        if row["job_title"]:
            item["titles"].append(row["job_title"])

    return Figures(
        period=period,
        reference_date=reference_date,
        instroom=instroom,
        trajectories=trajectories,
        awarded=awarded,
        dropout=dropout,
        dropout_by_reason=dropout_by_reason,
        outflow=outflow_totals.pop("total"),
        outflow_work_or_education=outflow_totals.pop("work"),
        outflow_by_kind=outflow_totals,
        active_at_reference=active,
        minutes_by_entry_kind=minutes,
        employers=tuple(EmployerOutflow(name, v["n"], tuple(v["titles"])) for name, v in employers.items()),
    )


def yearly_table(first_year: int, last_year: int) -> list[Figures]:
    """Figures per calendar year; the reference date of each is 31 December."""
    return [compute_figures(Period.year(year)) for year in range(first_year, last_year + 1)]
