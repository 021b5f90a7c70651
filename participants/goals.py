"""Reads of the learning route: a participant's matrix of learning goals (current step,
last seen, path), and "ready for judgment" for the caseload. Fixed numbers of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .models import LearningGoal, ObservationStep, Step, Trajectory, TrajectoryKind
from .prepared import Prepared

GOAL_KINDS = (TrajectoryKind.PRACTICE_STATEMENT, TrajectoryKind.PARTIAL_CERTIFICATE)

PATH_POINTS = 24  # the path shows the latest observations of a goal, at most this many


@dataclass
class GoalRow:
    goal: LearningGoal
    path: list[tuple[datetime.date, int]] = field(default_factory=list)

    @property
    def step(self) -> int | None:
        return self.path[-1][1] if self.path else None

    @property
    def step_label(self) -> str:
        return Step(self.step).label if self.step else ""

    @property
    def last_seen(self) -> datetime.date | None:
        return self.path[-1][0] if self.path else None

    @property
    def dates(self) -> list[datetime.date]:
        return [d for d, _s in self.path]

    @property
    def mastered_on(self) -> datetime.date | None:
        """The first observation at step 4 (rule 10)."""
        return next((d for d, s in self.path if s == Step.INDEPENDENT), None)

    @property
    def svg(self) -> SafeString:
        return path_svg(self.path)


@dataclass
class TrajectoryGoals:
    trajectory: Trajectory
    rows: list[GoalRow]

    @property
    def ready(self) -> bool:
        """Every goal at step 4 at its latest observation: ready for the summary judgment."""
        return bool(self.rows) and all(r.step == Step.INDEPENDENT for r in self.rows)


# The steps of a participant's observations, oldest first; SQL compiled once.
_STEPS = Prepared(
    lambda pk: (
        ObservationStep.objects.filter(participant_id=pk)
        .order_by("date", "pk")
        .values_list("goal_id", "date", "step")
    )
)

# The participant's goals with their work process, file and trajectory; SQL compiled once.
_GOALS = Prepared(
    lambda pk: (
        LearningGoal.objects.filter(trajectory__participant_id=pk)
        .select_related("work_process__qualification", "trajectory")
        .order_by("trajectory_id", "work_process__qualification__crebo", "work_process__code")
    )
)


def matrix(participant) -> list[TrajectoryGoals]:
    """The participant's learning goals per trajectory, each with its path of steps, in
    two queries whatever the number of goals and observations."""
    goals = _GOALS.related(participant.pk)
    rows = {g.pk: GoalRow(g) for g in goals}
    if not goals:
        return []
    for goal_id, date, step in _STEPS.rows(participant.pk):
        if goal_id in rows:
            rows[goal_id].path.append((date, step))
    grouped: dict[int, TrajectoryGoals] = {}
    for g in goals:
        grouped.setdefault(g.trajectory_id, TrajectoryGoals(g.trajectory, [])).rows.append(rows[g.pk])
    return sorted(grouped.values(), key=lambda t: t.trajectory.start or datetime.date.min, reverse=True)


def path_svg(path: list[tuple[datetime.date, int]]) -> SafeString:
    """The path of steps as a small inline SVG: one dot per observation, higher is
    further; presentation attributes only (no style attribute, CSP-safe)."""
    shown = path[-PATH_POINTS:]
    if not shown:
        return SafeString("")
    gap, height = 12, 30
    width = gap * (len(shown) - 1) + 12
    points = [(6 + i * gap, 3 + (4 - s) * 8) for i, (_d, s) in enumerate(shown)]
    label = _("Steps over time: %(steps)s") % {"steps": ", ".join(str(s) for _d, s in shown)}
    # Only numbers and dates go in unescaped: format_html per dot cost ~25 us a dot.
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="3.5" class="step-dot step-{int(s)}">'
        f"<title>{d:%d-%m-%Y}: {int(s)}</title></circle>"
        for (x, y), (d, s) in zip(points, shown, strict=True)
    )
    line = " ".join(f"{x},{y}" for x, y in points)
    return format_html(
        '<svg class="step-path" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5" opacity="0.5"/>{}</svg>',
        width,
        height,
        width,
        height,
        label,
        line,
        SafeString(dots),
    )


def ready_for_judgment() -> Q:
    """Participants with an ongoing goal trajectory whose every goal stands at step 4 at
    its latest observation: the stored `Participant.ready_for_judgment`, which database
    triggers keep from the records (migration 0027)."""
    return Q(ready_for_judgment=True)


def learning_context(user, participant, sensitive: bool, trajectories: list[Trajectory]) -> dict:
    """What the participant page shows of the learning route: the matrix per trajectory,
    and the goal trajectories without goals yet (a link to choose them)."""
    from plp.roles import PEER_EXPERT, has_role

    tables = matrix(participant)
    with_goals = {t.trajectory.pk for t in tables}
    may_write = sensitive or not has_role(user, PEER_EXPERT)
    open_goal_trajectories = [
        t
        for t in trajectories
        if t.kind in GOAL_KINDS and t.pk not in with_goals and t.outcome == Trajectory.Outcome.ONGOING
    ]
    from django.conf import settings

    return {
        "certificate_name": settings.PLP_CERTIFICATE_NAME,
        "learning": tables,
        "goal_trajectories": open_goal_trajectories if may_write else [],
        "may_write_learning": may_write,
    }
