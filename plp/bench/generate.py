"""Synthetic benchmark data in the demo's proportions, written with COPY on PostgreSQL
(executemany on SQLite): a million participants with twenty million contact moments
load in minutes, where ORM saves would take hours. Rows are plain tuples; columns a
generator does not set get their model default, so a new field cannot break it."""

import datetime
import random
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models
from django.utils import timezone

from participants.models import (
    Credential,
    Dropout,
    DropoutReason,
    Intake,
    LearningGoal,
    Observation,
    ObservationStep,
    Organisation,
    Outflow,
    Participant,
    Pause,
    Placement,
    ProgressEntry,
    QualificationFile,
    Signal,
    Trajectory,
    WorkProcess,
)
from plp.demo import FIRST, LAST
from plp.roles import COACH, COORDINATOR

PREFIX = "BENCH-"
BATCH = 5000
ENTRIES = 20  # contact moments per participant
OUTFLOW_KINDS = ["betaald werk", "beschut werk", "participatiebaan", "detachering"]
LEARNING_KINDS = ("praktijkverklaring", "deelcertificaat")


class Table:
    """COPY (or INSERT) rows of `fields` into `model`'s table; every other column gets
    the model field's default (auto_now fields: now)."""

    def __init__(self, model: type[models.Model], fields: list[str]):
        now = timezone.now()
        concrete = [f for f in model._meta.concrete_fields if not f.generated]
        by_name = {f.attname: f for f in concrete}
        rest = [f for f in concrete if f.attname not in fields and not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [by_name[name].column for name in fields] + [f.column for f in rest]
        self.constants = tuple(
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in rest
        )

    def write(self, rows: Iterable[tuple]) -> None:
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + self.constants)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES ({marks})",
                    [row + self.constants for row in rows],
                )


def generate(n: int, progress=lambda done, n: None) -> None:
    """Coaches (one per 40 participants), employers (one per 100, at least 200), a
    qualification file, then the participants and their records in batches."""
    random.seed(42)
    User = get_user_model()
    coach_group = Group.objects.get(name=COACH)
    User.objects.bulk_create(
        [
            User(username=f"bench-coach-{i}", first_name=random.choice(FIRST), last_name=random.choice(LAST))
            for i in range(max(3, n // 40))
        ],
        batch_size=BATCH,
    )
    coaches = list(User.objects.filter(username__startswith="bench-coach-").values_list("pk", flat=True))
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=pk, group_id=coach_group.pk) for pk in coaches], batch_size=BATCH
    )
    coordinator, _ = User.objects.get_or_create(
        username="bench-coordinator", defaults={"is_superuser": True, "is_staff": True}
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    Organisation.objects.bulk_create(
        [Organisation(name=f"Bench leerbedrijf {i}", kind="employer") for i in range(max(200, n // 100))],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    employers = list(
        Organisation.objects.filter(name__startswith="Bench leerbedrijf").values_list("pk", flat=True)
    )
    file, _ = QualificationFile.objects.get_or_create(
        crebo="99999", defaults={"title": "Bench kwalificatie", "level": 2}
    )
    WorkProcess.objects.bulk_create(
        [
            WorkProcess(
                qualification=file, code=f"B1-K1-W{i}", core_task="Bench kerntaak", title=f"Werkproces {i}"
            )
            for i in range(1, 7)
        ],
        ignore_conflicts=True,
    )
    work_processes = list(file.work_processes.values_list("pk", flat=True))
    context = {
        "coaches": coaches,
        "employers": employers,
        "reasons": list(DropoutReason.objects.values_list("pk", flat=True)),
        "work_processes": work_processes,
        "today": timezone.localdate(),
        "now": timezone.now(),
    }
    first_id = (Participant.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
    for start in range(0, n, BATCH):
        ids = range(first_id + start, first_id + min(start + BATCH, n))
        _batch(ids, start, context)
        Participant.objects.filter(pk__in=ids).refresh_state()
        progress(start + len(ids), n)
    _reset_sequences()


def _batch(ids: range, offset: int, c: dict) -> None:
    today = c["today"]
    people, intakes, trajectories, placements, entries, signals = [], [], [], [], [], []
    credentials, dropouts, outflows, pauses = [], [], [], []
    learners = []  # (participant, trajectory id, first day, last day)
    trajectory_id = _next_id(Trajectory)
    for i, pk in enumerate(ids):
        registered = today - datetime.timedelta(days=random.randint(60, 1800))
        people.append(
            (
                pk,
                f"{PREFIX}{offset + i:07d}",
                random.choice(FIRST),
                random.choice(LAST),
                registered,
                c["coaches"][(offset + i) % len(c["coaches"])],
            )
        )
        first = registered + datetime.timedelta(days=30)
        intakes.append((pk, first - datetime.timedelta(days=10), "admitted"))
        fate = random.random()  # about a quarter drop out, a quarter flow out (the demo's proportions)
        end = None
        if fate < 0.27:
            end = min(today, first + datetime.timedelta(days=random.randint(30, 400)))
            dropouts.append((pk, end, random.choice(c["reasons"])))
        elif fate < 0.52:
            end = min(today, first + datetime.timedelta(days=random.randint(120, 700)))
            outflows.append(
                (pk, end, random.choice(OUTFLOW_KINDS), random.choice(c["employers"]), "Medewerker")
            )
        kind = random.choice(["praktijkverklaring", "ervaringscertificaat", "deelcertificaat"])
        trajectories.append((trajectory_id, pk, kind, first, end, "gestopt" if end else "lopend"))
        if kind in LEARNING_KINDS:
            learners.append((pk, trajectory_id, first, end or today))
        trajectory_id += 1
        placements.append((pk, random.choice(c["employers"]), first, end, 16))
        if 0.27 <= fate < 0.52:
            credentials.append((pk, kind, end))
        last = end or today
        span = max(1, (last - first).days)
        kinds = ProgressEntry.Kind.values
        for j in range(ENTRIES):
            entries.append(
                (
                    pk,
                    first + datetime.timedelta(days=span * j // ENTRIES),
                    random.choice(kinds),
                    random.choice((15, 30, 45, 60, 90)),
                    "Voortgang.",
                )
            )
        if end is None and random.random() < 0.05:  # a few open files are paused now
            pauses.append(
                (
                    pk,
                    max(first, today - datetime.timedelta(days=random.randint(1, 30))),
                    today + datetime.timedelta(days=random.randint(1, 60)),
                    "Ziekte",
                )
            )
        if random.random() < 0.15:
            signals.append((pk, random.choice(Signal.Kind.values), last))
    Table(Participant, ["id", "number", "first_name", "last_name", "registration_date", "coach_id"]).write(
        people
    )
    Table(Intake, ["participant_id", "date", "outcome"]).write(intakes)
    Table(Trajectory, ["id", "participant_id", "kind", "start", "end", "outcome"]).write(trajectories)
    Table(Placement, ["participant_id", "employer_id", "start", "end", "hours_per_week"]).write(placements)
    Table(ProgressEntry, ["participant_id", "date", "kind", "duration_minutes", "notes"]).write(entries)
    Table(Signal, ["participant_id", "kind", "raised_on"]).write(signals)
    Table(Credential, ["participant_id", "kind", "awarded_on"]).write(credentials)
    Table(Dropout, ["participant_id", "date", "reason_id"]).write(dropouts)
    Table(Outflow, ["participant_id", "date", "kind", "employer_id", "job_title"]).write(outflows)
    Table(Pause, ["participant_id", "start", "end", "reason"]).write(pauses)
    _learning(learners, c)


def _learning(learners: list[tuple], c: dict) -> None:
    """The demo's proportions (plp/demo_learning.py): two to four learning goals per
    praktijkverklaring or deelcertificaat, an observation every two to five weeks (at
    most 30), each giving a step to about two goals in three, rising towards 4."""
    goals, observations, steps = [], [], []
    goal_id, observation_id = _next_id(LearningGoal), _next_id(Observation)
    for pk, trajectory, first, last in learners:
        mine = []
        for wp in random.sample(c["work_processes"], random.randint(2, 4)):
            goals.append((goal_id, trajectory, wp, "Opdracht op de werkplek.", c["now"]))
            mine.append(goal_id)
            goal_id += 1
        day, k = first + datetime.timedelta(days=14), 0
        while day <= last and k < 30:
            observations.append((observation_id, pk, trajectory, day, "coach", "Gezien op de werkplek."))
            step = max(1, min(4, 1 + round(3 * min(1.0, k / 12))))
            for j, goal in enumerate(mine):
                if (k + j) % 3 != 2:
                    steps.append((observation_id, goal, step, day, pk))
            observation_id += 1
            k += 1
            day += datetime.timedelta(days=random.randint(14, 35))
    Table(LearningGoal, ["id", "trajectory_id", "work_process_id", "assignment", "created_at"]).write(goals)
    Table(Observation, ["id", "participant_id", "trajectory_id", "date", "observer", "action"]).write(
        observations
    )
    Table(ObservationStep, ["observation_id", "goal_id", "step", "date", "participant_id"]).write(steps)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _reset_sequences() -> None:
    """Ids were given explicitly: move the sequences past them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Participant, Trajectory, LearningGoal, Observation):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
