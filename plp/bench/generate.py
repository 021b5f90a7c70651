"""Synthetic benchmark data in the demo's proportions, written with COPY on PostgreSQL
(executemany on SQLite): a million participants with twenty million contact moments
load in minutes, where ORM saves would take hours. Rows are COPY text lines (bulk.py);
columns a generator does not set get their model default, so a new field cannot break it.

The load is one transaction. On PostgreSQL the tables' indexes, foreign keys and the
hours rollup's triggers are set aside for it and put back after (bulk.BulkLoad); the
rollup (ProgressDay) is then filled with the insert trigger's own statement over the new
contact moments, and the stored phase is computed in one UPDATE (`refresh_state`), both
as the triggers and the per-batch updates would have left them (tests/test_benchmark.py);
so are the dashboard's open files per phase and coach, after the stored phase.
A thread makes the rows of the next batch while the database takes in the last one.
Deterministic: the same n gives the same rows."""

import importlib
import queue
import random
import threading
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from participants.models import (
    Credential,
    Dropout,
    DropoutReason,
    GroupLesson,
    Intake,
    LearningGoal,
    LearningPlace,
    LessonAttendance,
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
    SupportNeed,
    Trajectory,
    WorkProcess,
)
from plp.bench import support
from plp.bench.bulk import NULL, BulkLoad, Clock, Dates
from plp.demo import FIRST, LAST
from plp.roles import COACH, COORDINATOR

PREFIX = "BENCH-"
BATCH = 5000
ENTRIES = 20  # contact moments per participant
OUTFLOW_KINDS = ["betaald werk", "beschut werk", "participatiebaan", "detachering"]
TRAJECTORY_KINDS = ["praktijkverklaring", "ervaringscertificaat", "deelcertificaat"]
LEARNING_KINDS = ("praktijkverklaring", "deelcertificaat")
DURATIONS = (15, 30, 45, 60, 90)
# Every table the load writes, parents first.
MODELS = [
    Participant,
    Intake,
    Trajectory,
    Placement,
    ProgressEntry,
    Signal,
    Credential,
    Dropout,
    Outflow,
    Pause,
    LearningGoal,
    Observation,
    ObservationStep,
    SupportNeed,
    LearningPlace,
    GroupLesson,
    LessonAttendance,
]
# The tables of the batches, in the order they are written.
TABLES = {
    "people": (Participant, ["id", "number", "first_name", "last_name", "registration_date", "coach_id"]),
    "intakes": (Intake, ["participant_id", "date", "outcome"]),
    "trajectories": (Trajectory, ["id", "participant_id", "kind", "start", "end", "outcome"]),
    "placements": (Placement, ["participant_id", "employer_id", "start", "end", "hours_per_week"]),
    "entries": (ProgressEntry, ["participant_id", "date", "kind", "duration_minutes", "notes"]),
    "signals": (Signal, ["participant_id", "kind", "raised_on"]),
    "credentials": (Credential, ["participant_id", "kind", "awarded_on"]),
    "dropouts": (Dropout, ["participant_id", "date", "reason_id", "route", "follow_up"]),
    "outflows": (Outflow, ["participant_id", "date", "kind", "employer_id", "job_title"]),
    "pauses": (Pause, ["participant_id", "start", "end", "reason"]),
    "goals": (LearningGoal, ["id", "trajectory_id", "work_process_id", "assignment", "created_at"]),
    "observations": (Observation, ["id", "participant_id", "trajectory_id", "date", "observer", "action"]),
    "steps": (ObservationStep, ["observation_id", "goal_id", "step", "date", "participant_id"]),
    "needs": (
        SupportNeed,
        [
            "participant_id",
            "kind",
            "since",
            "status",
            "closed_on",
            "partner_id",
            "description",
            "contact_person",
        ],
    ),
}


def generate(n: int, progress=lambda done, n: None) -> Clock:
    """Coaches (one per 40 participants), employers (one per 100, at least 200) with
    their learning places, a qualification file, then the participants and their
    records in batches, and the coaches' group lessons. Returns the seconds per phase."""
    clock = Clock()
    started = time.perf_counter()
    random.seed(42)
    context = _accounts_and_organisations(n)
    started = clock.add("accounts and organisations", started)
    with transaction.atomic():
        load = BulkLoad(MODELS, clock)
        load.start()
        first_entry, first_goal = _next_id(ProgressEntry), _next_id(LearningGoal)
        first_lesson = _next_id(GroupLesson)
        tables = {name: load.table(model, fields) for name, (model, fields) in TABLES.items()}
        for done, rows in _pipeline(n, context, clock):
            started = time.perf_counter()
            for name, lines in rows.items():
                tables[name].write(lines)
                started = clock.add(f"COPY {tables[name].table}", started)
            progress(done, n)
        support.lessons_and_places(context, load, clock)
        # The goals' and the participants' own triggers stay set aside while their stored
        # columns are filled: they would recompute what the next statement fills anyway.
        load.restore([m for m in MODELS if m not in (Participant, LearningGoal)])
        started = time.perf_counter()
        if load.active:
            _fill_rollup(first_entry)
            started = clock.add("hours rollup (ProgressDay)", started)
            _fill_figures(context["first_id"], n, first_lesson)
            started = clock.add("report rollups (FigureEvent, FigureMonth, QualityIssue, LessonDay)", started)
            _fill_ready("goal", f"SELECT id FROM {LearningGoal._meta.db_table} WHERE id >= {int(first_goal)}")
            started = clock.add("goals' latest step", started)
        load.restore([LearningGoal])
        started = time.perf_counter()
        if load.active:
            _fill_ready(
                "ready", f"SELECT id FROM {Participant._meta.db_table} WHERE id >= {int(context['first_id'])}"
            )
            started = clock.add("ready for judgment", started)
        people = Participant.objects.filter(pk__gte=context["first_id"], pk__lt=context["first_id"] + n)
        people.refresh_state()
        started = clock.add("stored phase (refresh_state)", started)
        if load.active:
            _fill_open_files(context["first_id"], n)
            clock.add("open files per phase and coach", started)
        load.restore()
        _reset_sequences()
    return clock


def _accounts_and_organisations(n: int) -> dict:
    User = get_user_model()
    coach_group = Group.objects.get(name=COACH)
    User.objects.bulk_create(
        [
            User(username=f"bench-coach-{i}", first_name=random.choice(FIRST), last_name=random.choice(LAST))
            for i in range(max(3, n // 40))
        ],
        batch_size=BATCH,
    )
    coaches = list(
        User.objects.filter(username__startswith="bench-coach-").order_by("pk").values_list("pk", flat=True)
    )
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
        Organisation.objects.filter(name__startswith="Bench leerbedrijf")
        .order_by("pk")
        .values_list("pk", flat=True)
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
    today = timezone.localdate()
    return {
        "coaches": coaches,
        "employers": employers,
        "partners": support.chain_partners(),
        "reasons": list(DropoutReason.objects.order_by("pk").values_list("pk", flat=True)),
        "work_processes": list(file.work_processes.order_by("pk").values_list("pk", flat=True)),
        "today": today,
        "now": timezone.now().isoformat(),
        "first_id": _next_id(Participant),
        "trajectory_id": _next_id(Trajectory),
        "goal_id": _next_id(LearningGoal),
        "observation_id": _next_id(Observation),
        "lesson_id": _next_id(GroupLesson),
        "series": support.series(today, len(coaches)),
    }


def _pipeline(n: int, c: dict, clock: Clock):
    """Yield (participants done, rows per table) batch by batch; a thread makes the
    rows of the next batch while the caller writes the last (the GIL is free while the
    caller waits on the database). Only that thread draws random numbers: deterministic."""
    batches: queue.Queue = queue.Queue(maxsize=2)

    def produce():
        try:
            for start in range(0, n, BATCH):
                t = time.perf_counter()
                rows = _batch(range(start, min(start + BATCH, n)), c)
                clock.add("make rows (Python, beside the COPY)", t)
                batches.put((start + len(rows["people"]), rows))
        except BaseException as error:  # handed to the caller, which raises it
            batches.put((None, error))
            return
        batches.put((None, None))

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    while True:
        done, rows = batches.get()
        if done is None:
            thread.join()
            if rows is not None:
                raise rows
            return
        yield done, rows


def _batch(offsets: range, c: dict) -> dict[str, list[str]]:
    rand, randint, choice = random.random, random.randint, random.choice
    dates = c.setdefault("dates", Dates())
    today = c["today"].toordinal()
    coaches, employers, reasons = c["coaches"], c["employers"], c["reasons"]
    entry_kinds, signal_kinds = ProgressEntry.Kind.values, Signal.Kind.values
    kinds, durations = len(entry_kinds), len(DURATIONS)
    rows = {name: [] for name in TABLES}
    people, intakes, trajectories, placements = (
        rows["people"],
        rows["intakes"],
        rows["trajectories"],
        rows["placements"],
    )
    entries, signals, credentials = rows["entries"], rows["signals"], rows["credentials"]
    dropouts, outflows, pauses = rows["dropouts"], rows["outflows"], rows["pauses"]
    learners = []  # (participant, trajectory id, first day, last day)
    for offset in offsets:
        pk = c["first_id"] + offset
        coach_index = offset % len(coaches)
        registered = today - randint(60, 1800)
        people.append(
            f"{pk}\t{PREFIX}{offset:07d}\t{choice(FIRST)}\t{choice(LAST)}\t{dates[registered]}\t{coaches[coach_index]}"
        )
        first = registered + 30
        intakes.append(f"{pk}\t{dates[first - 10]}\tadmitted")
        fate = rand()  # about a quarter drop out, a quarter flow out (the demo's proportions)
        end = None
        if fate < 0.52:
            end = first + (randint(30, 400) if fate < 0.27 else randint(120, 700))
            # An exit still to come is not written: the participant is still in the
            # programme today (clamping it to today made 8 % of everyone leave today).
            end = end if end <= today else None
        if end and fate < 0.27:
            route, follow_up = support.route(offset)
            dropouts.append(f"{pk}\t{dates[end]}\t{choice(reasons)}\t{route}\t{follow_up}")
        elif end:
            outflows.append(f"{pk}\t{dates[end]}\t{choice(OUTFLOW_KINDS)}\t{choice(employers)}\tMedewerker")
        end_text = NULL if end is None else dates[end]
        kind = choice(TRAJECTORY_KINDS)
        trajectory = c["trajectory_id"] + offset
        trajectories.append(
            f"{trajectory}\t{pk}\t{kind}\t{dates[first]}\t{end_text}\t{'gestopt' if end else 'lopend'}"
        )
        last = end or today
        if kind in LEARNING_KINDS:
            learners.append((pk, trajectory, first, last))
        placements.append(f"{pk}\t{choice(employers)}\t{dates[first]}\t{end_text}\t16")
        if end and 0.27 <= fate < 0.52:
            credentials.append(f"{pk}\t{kind}\t{dates[end]}")
        span = max(1, last - first)
        for j in range(ENTRIES):
            entries.append(
                f"{pk}\t{dates[first + span * j // ENTRIES]}\t{entry_kinds[int(rand() * kinds)]}\t"
                f"{DURATIONS[int(rand() * durations)]}\tVoortgang."
            )
        if end is None and rand() < 0.05:  # a few open files are paused now
            pauses.append(
                f"{pk}\t{dates[max(first, today - randint(1, 30))]}\t{dates[today + randint(1, 60)]}\tZiekte"
            )
        if rand() < 0.15:
            signals.append(f"{pk}\t{choice(signal_kinds)}\t{dates[last]}")
        support.need(rows["needs"], offset, pk, first, today, c)
        support.invite(c["series"], coach_index, pk, first, end)
    _learning(learners, rows, c)
    return rows


def _learning(learners: list[tuple], rows: dict, c: dict) -> None:
    """The demo's proportions (plp/demo_learning.py): two to four learning goals per
    praktijkverklaring or deelcertificaat, an observation every two to five weeks (at
    most 30), each giving a step to about two goals in three, rising towards 4."""
    goals, observations, steps = rows["goals"], rows["observations"], rows["steps"]
    dates, now, rand = c["dates"], c["now"], random.random
    for pk, trajectory, first, last in learners:
        mine = []
        for wp in random.sample(c["work_processes"], random.randint(2, 4)):
            goal = c["goal_id"]
            goals.append(f"{goal}\t{trajectory}\t{wp}\tOpdracht op de werkplek.\t{now}")
            mine.append(goal)
            c["goal_id"] += 1
        day, k = first + 14, 0
        while day <= last and k < 30:
            observation, date = c["observation_id"], dates[day]
            observations.append(f"{observation}\t{pk}\t{trajectory}\t{date}\tcoach\tGezien op de werkplek.")
            step = max(1, min(4, 1 + round(3 * min(1.0, k / 12))))
            for j, goal in enumerate(mine):
                if (k + j) % 3 != 2:
                    steps.append(f"{observation}\t{goal}\t{step}\t{date}\t{pk}")
            c["observation_id"] += 1
            k += 1
            day += 14 + int(rand() * 22)


def _fill_rollup(first_entry: int) -> None:
    """Add the new contact moments to ProgressDay with the statement of the insert
    trigger itself (migration 0014), over all of them at once."""
    migration = importlib.import_module("participants.migrations.0014_progress_day")
    new = f"(SELECT * FROM {ProgressEntry._meta.db_table} WHERE id >= %s) AS new_entries"
    with connection.cursor() as cursor:
        cursor.execute(migration.ADD.format(rows=new), [first_entry])


def _fill_figures(first_id: int, n: int, first_lesson: int) -> None:
    """The report's events and the failing records of the new participants, and the
    lesson days of the new lessons, with the statements of the triggers themselves
    (migrations 0026 and 0027), over all of them at once; the monthly sums follow from
    the events' own trigger."""
    migration = importlib.import_module("participants.migrations.0026_report_rollups")
    lessons = importlib.import_module("participants.migrations.0027_lesson_day")
    new_lessons = f"(SELECT * FROM {GroupLesson._meta.db_table} WHERE id >= {int(first_lesson)})"

    def new(column: str) -> str:
        return f"{column} >= {int(first_id)} AND {column} < {int(first_id + n)}"

    with connection.cursor() as cursor:
        for family in migration.FAMILIES:
            cursor.execute(migration._insert(family, new))
        cursor.execute(
            lessons.ADD.format(delta=lessons.DELTA[GroupLesson._meta.db_table].format(rows=new_lessons))
        )


def _fill_open_files(first_id: int, n: int) -> None:
    """Open files per phase and per coach (migration 0029) of the new participants, with
    the statements of the insert trigger itself, once their stored phase is written."""
    migration = importlib.import_module("participants.migrations.0029_open_file_rollups")
    ids = f"id >= {int(first_id)} AND id < {int(first_id + n)}"
    new = f"(SELECT * FROM {Participant._meta.db_table} WHERE {ids}) r"
    with connection.cursor() as cursor:
        for statement in migration.fill_statements(new):
            cursor.execute(statement)


def _fill_ready(rollup: str, ids: str) -> None:
    """The goals' latest step ("goal") or the participants' readiness for judgment
    ("ready") of the rows whose ids the SELECT gives, with the statement of the triggers
    themselves (migration 0027)."""
    migration = importlib.import_module("participants.migrations.0027_ready_for_judgment")
    with connection.cursor() as cursor:
        cursor.execute(migration.fill_statement(connection.vendor, rollup, ids))


def _next_id(model) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _reset_sequences() -> None:
    """Ids were given explicitly: move the sequences past them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Participant, Trajectory, LearningGoal, Observation, GroupLesson):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
