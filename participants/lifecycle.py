"""The participant's lifecycle, in one place: the first trajectory start, whether they
have left (a dropout or outflow not followed by a re-entry), and the phase on a day.

Each rule has an SQL form (for querysets, the report's figures and the quality checks)
and a Python form (for the services and single files); tests/participants/
test_lifecycle.py checks on a table of cases, re-entry included, that they agree.
"""

import datetime

from django.apps import apps
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    INTAKE = "intake", _("Intake")
    PRE_TRAJECTORY = "pre_trajectory", _("Pre-trajectory")
    IN_TRAJECTORY = "in_trajectory", _("In trajectory")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Between trajectories")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    OUTFLOWED = "outflowed", _("Outflowed")


# The phases of an open file, in the programme's order: a coach is expected to keep in
# touch, and the dashboard counts them.
OPEN_PHASES = [Phase.INTAKE, Phase.PRE_TRAJECTORY, Phase.IN_TRAJECTORY, Phase.PAUSED, Phase.COMPLETED]
# The kind of trajectory that is the pre-trajectory (the others lead to a credential).
PRE_TRAJECTORY_KIND = "voortraject"


def _model(name: str):
    return apps.get_model("participants", name)


def _on_or_before(day: datetime.date | None) -> Q:
    return Q(date__lte=day) if day else Q()


# First trajectory start (rule 1: instroom counts it once).


def first_start(ref: str = "pk") -> Subquery:
    """SQL: the participant's first trajectory start, any kind (`ref` names the
    participant's id on the outer row: "pk" on Participant, "participant" elsewhere)."""
    return Subquery(
        _model("Trajectory")
        .objects.filter(participant=OuterRef(ref), start__isnull=False)
        .order_by("start")
        .values("start")[:1],
        output_field=models.DateField(),
    )


def started_by(date_field: str, ref: str = "participant") -> Exists:
    """SQL: the participant's first trajectory start is on or before the outer row's
    `date_field` (the same rule as comparing with `first_start`, as a semi-join the
    database answers from the index instead of a subquery per row)."""
    return Exists(
        _model("Trajectory").objects.filter(participant=OuterRef(ref), start__lte=OuterRef(date_field))
    )


def first_start_of(participant) -> datetime.date | None:
    """Python: the same for one participant."""
    return participant.trajectories.aggregate(first=models.Min("start"))["first"]


# Has left: on day D, the latest dropout or outflow on or before D is not followed by a
# re-entry on or before D (a re-entry on the day of the exit counts as following it).
# Equivalently: some exit on or before D has no re-entry between it and D. That form is
# two anti-joins, which the database answers from the indexes.


def _unreentered(model_name: str, day: datetime.date | None, ref: str):
    """Exits of `model_name` on or before `day` (any date without one) that no re-entry
    followed by `day`."""
    reentries = _model("ReEntry").objects.filter(
        _on_or_before(day), participant=OuterRef("participant"), date__gte=OuterRef("date")
    )
    return (
        _model(model_name)
        .objects.filter(_on_or_before(day), participant=OuterRef(ref))
        .exclude(Exists(reentries))
    )


def left_by(day: datetime.date | None = None, ref: str = "pk") -> tuple[Exists, Exists]:
    """SQL: the participant has left on `day` by a dropout, and by an outflow; each an
    anti-join, so `qs.exclude(a).exclude(b)` keeps those who have not left."""
    return Exists(_unreentered("Dropout", day, ref)), Exists(_unreentered("Outflow", day, ref))


def has_left(day: datetime.date | None = None, ref: str = "pk") -> Q:
    """SQL: the participant has left on `day` (without a day: by their latest records,
    whatever their dates, which is what the stored `closed_on` holds)."""
    by_dropout, by_outflow = left_by(day, ref)
    return Q(by_dropout) | Q(by_outflow)


def exit_of(participant, day: datetime.date | None = None):
    """Python: the dropout or outflow by which the participant has left on `day` (without
    a day: by their latest records), or None when they have not left or re-entered since."""
    exits = [
        x
        for x in (
            participant.outflows.filter(_on_or_before(day)).order_by("-date").first(),
            participant.dropouts.filter(_on_or_before(day)).order_by("-date").first(),
        )
        if x
    ]
    if not exits:
        return None
    latest = max(exits, key=lambda x: x.date)  # max keeps the first: the outflow on a tie
    if participant.reentries.filter(_on_or_before(day), date__gte=latest.date).exists():
        return None
    return latest


def closed_on() -> Case:
    """SQL: the date the file closed (the latest exit, unless a re-entry followed it), for
    `Participant.closed_on`. A participant has left by their latest records exactly when
    this is set (the same rule as `has_left()` without a day)."""
    always = Value(datetime.date.min)

    def latest(model_name: str):
        qs = _model(model_name).objects.filter(participant=OuterRef("pk")).order_by("-date").values("date")
        return Coalesce(Subquery(qs[:1], output_field=models.DateField()), always)

    latest_exit = NullIf(Greatest(latest("Dropout"), latest("Outflow")), always)
    return Case(When(has_left(), then=latest_exit), default=None, output_field=models.DateField())


# The phase on a day.


def _running(model_name: str, day: datetime.date):
    return (
        _model(model_name)
        .objects.filter(participant=OuterRef("pk"), start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
    )


def _latest_on(model_name: str, day: datetime.date) -> Subquery:
    qs = _model(model_name).objects.filter(participant=OuterRef("pk"), date__lte=day).order_by("-date")
    return Subquery(qs.values("date")[:1], output_field=models.DateField())


def exit_dates(day: datetime.date) -> dict:
    """Aliases `phase()` needs on Participant rows: the latest dropout, outflow and
    re-entry on or before `day`, and the latest exit of the two."""
    always = Value(datetime.date.min)
    return {
        "lc_dropout": _latest_on("Dropout", day),
        "lc_outflow": _latest_on("Outflow", day),
        "lc_reentry": _latest_on("ReEntry", day),
        "lc_exit": NullIf(Greatest(Coalesce("lc_dropout", always), Coalesce("lc_outflow", always)), always),
    }


def phase(day: datetime.date, *first: When) -> Case:
    """SQL: the participant's phase on `day` from the records (`first` are When clauses
    tried before the rule, such as "the stored phase where it holds"). Needs the
    `exit_dates(day)` aliases: "has left" is here the same rule as `has_left()` in the
    form of latest dates (the latest exit on or before the day, not followed by a
    re-entry on or before it), three small subqueries instead of six anti-joins, which
    is cheaper to build for every caseload and Vandaag request."""
    open_trajectory = _running("Trajectory", day)
    started = _model("Trajectory").objects.filter(participant=OuterRef("pk"), start__lte=day)
    intake = _model("Intake").objects.filter(participant=OuterRef("pk"))
    pre = Q(kind=PRE_TRAJECTORY_KIND)
    left = Q(lc_exit__isnull=False) & (Q(lc_reentry__isnull=True) | Q(lc_reentry__lt=F("lc_exit")))
    return Case(
        *first,
        When(left & Q(lc_outflow=F("lc_exit")), then=Value(Phase.OUTFLOWED.value)),
        When(left, then=Value(Phase.DROPPED_OUT.value)),
        When(Exists(_running("Pause", day)), then=Value(Phase.PAUSED.value)),
        When(Exists(open_trajectory.exclude(pre)), then=Value(Phase.IN_TRAJECTORY.value)),
        When(Exists(open_trajectory.filter(pre)), then=Value(Phase.PRE_TRAJECTORY.value)),
        When(Exists(started), then=Value(Phase.COMPLETED.value)),
        When(Exists(intake), then=Value(Phase.INTAKE.value)),
        default=Value(Phase.REGISTERED.value),
        output_field=models.CharField(),
    )


def in_open_phase(day: datetime.date) -> Q:
    """SQL: for a participant who has not left on `day`, whether their phase is one of
    OPEN_PHASES: past registration, that is an intake, a trajectory started on or before
    the day, or a running pause. The same answer as `phase()` for such files (tested),
    without building the whole CASE, which costs more than running it on a short list."""
    started = _model("Trajectory").objects.filter(participant=OuterRef("pk"), start__lte=day)
    intake = _model("Intake").objects.filter(participant=OuterRef("pk"))
    return Q(Exists(intake)) | Q(Exists(started)) | Q(Exists(_running("Pause", day)))


def phase_of(participant, day: datetime.date) -> Phase:
    """Python: the same rule for one participant (a few queries)."""

    def running(related):
        return related.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))

    exit_ = exit_of(participant, day)
    if exit_ is not None:
        return Phase.OUTFLOWED if exit_._meta.model_name == "outflow" else Phase.DROPPED_OUT
    if running(participant.pauses).exists():
        return Phase.PAUSED
    trajectories = running(participant.trajectories)
    if trajectories.exclude(kind=PRE_TRAJECTORY_KIND).exists():
        return Phase.IN_TRAJECTORY
    if trajectories.filter(kind=PRE_TRAJECTORY_KIND).exists():
        return Phase.PRE_TRAJECTORY
    if participant.trajectories.filter(start__lte=day).exists():
        return Phase.COMPLETED
    if _model("Intake").objects.filter(participant=participant).exists():
        return Phase.INTAKE
    return Phase.REGISTERED


def _next(model_name: str, field: str, day: datetime.date, day_after: bool = False) -> Subquery:
    """The first `field` after `day` (with `day_after`: the day after the first `field`
    on or after `day`)."""
    lookup = {f"{field}__gte" if day_after else f"{field}__gt": day}
    qs = _model(model_name).objects.filter(participant=OuterRef("pk"), **lookup).order_by(field)
    if day_after:
        qs = qs.annotate(after=Cast(F(field) + datetime.timedelta(days=1), models.DateField()))
    return Subquery(qs.values("after" if day_after else field)[:1], output_field=models.DateField())


def next_changes(day: datetime.date) -> dict[str, Subquery]:
    """The first dates after `day` at which the phase may change by itself: a start, the
    day after an end, or a dropout, outflow or re-entry dated ahead."""
    return {
        "trajectory_start": _next("Trajectory", "start", day),
        "trajectory_end": _next("Trajectory", "end", day, day_after=True),
        "pause_start": _next("Pause", "start", day),
        "pause_end": _next("Pause", "end", day, day_after=True),
        "dropout": _next("Dropout", "date", day),
        "outflow": _next("Outflow", "date", day),
        "reentry": _next("ReEntry", "date", day),
    }
