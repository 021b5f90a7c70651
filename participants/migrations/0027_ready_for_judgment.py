""" "Ready for judgment", stored: each learning goal's latest step and each participant's
readiness, kept by triggers.

The caseload's filter asks, per participant, whether every goal of their running
trajectories stands at step 4 at its latest observation. Finding each goal's latest
ObservationStep with a subquery took 400 ms at 100k participants, and reading a stored
step per goal still meant joining every running goal (90 ms) for the pager's count.

- `LearningGoal.latest_step`: the step of the goal's latest ObservationStep by date, then
  by record (the later id wins a tie); NULL when it has none. Triggers on the steps
  recompute it for every goal a statement touched (both goals when a step moves).
- `Participant.ready_for_judgment`: a running trajectory (outcome "lopend") has a goal,
  and every goal of the running trajectories has latest step 4. Triggers on the goals
  (their step, their trajectory, added or deleted) and on the trajectories (outcome,
  participant, added or deleted) recompute it for the participants a statement touched.

Both are written however the records are written: forms, bulk inserts, queryset updates
and deletes, cascades. A row trigger on the goals and on the participants recomputes
the column on insert and whenever a statement writes it, so an ORM save of a row read
before its records changed cannot put back a stale value. PostgreSQL: statement triggers
over transition tables, which first lock the rows they recompute (a second transaction
then sees the first's records); SQLite: row triggers."""

from django.db import migrations, models

LATEST = (
    "(SELECT s.step FROM participants_observationstep s WHERE s.goal_id = {id} "
    "ORDER BY s.date DESC, s.id DESC LIMIT 1)"
)
RUNNING_GOALS = (
    "SELECT 1 FROM participants_learninggoal g JOIN participants_trajectory t ON t.id = g.trajectory_id "
    "WHERE t.participant_id = {id} AND t.outcome = 'lopend'"
)
READY = f"(EXISTS ({RUNNING_GOALS}) AND NOT EXISTS ({RUNNING_GOALS} AND g.latest_step IS DISTINCT FROM 4))"

# What each rollup recomputes: the table, its column, the value for the row in {id}.
COLUMNS = {
    "goal": ("participants_learninggoal", "latest_step", LATEST),
    "ready": ("participants_participant", "ready_for_judgment", READY),
}


def pg_refresh(rollup: str, ids: str) -> str:
    """The statements of a PostgreSQL trigger: lock the rows in `ids` (a SELECT), then
    write the recomputed value where it changed."""
    table, column, value = COLUMNS[rollup]
    return (
        f"PERFORM 1 FROM {table} WHERE id IN ({ids}) ORDER BY id FOR NO KEY UPDATE; "
        f"UPDATE {table} AS r SET {column} = x.v FROM (SELECT l.id, {value.format(id='l.id')} AS v "
        f"FROM {table} l WHERE l.id IN ({ids})) AS x WHERE r.id = x.id AND r.{column} IS DISTINCT FROM x.v;"
    )


# Per table with triggers: the rollup it feeds, and the ids touched by a statement's
# rows (PostgreSQL, `{rows}` a transition table) or by one row (SQLite, `{row}`).
SOURCES = {
    "participants_observationstep": ("goal", "SELECT goal_id FROM {rows}", "SELECT {row}.goal_id"),
    "participants_learninggoal": (
        "ready",
        "SELECT t.participant_id FROM participants_trajectory t WHERE t.id IN (SELECT trajectory_id FROM {rows})",
        "SELECT participant_id FROM participants_trajectory WHERE id = {row}.trajectory_id",
    ),
    "participants_trajectory": ("ready", "SELECT participant_id FROM {rows}", "SELECT {row}.participant_id"),
}
EVENTS = {"insert": ("new_rows",), "update": ("old_rows", "new_rows"), "delete": ("old_rows",)}
TABLES = {"new_rows": "NEW TABLE AS new_rows", "old_rows": "OLD TABLE AS old_rows"}


def _name(table: str, event: str) -> str:
    return f"plp_ready_{table.split('_', 1)[1]}_{event}"


def _postgresql(execute):
    for table, (rollup, touched, _row) in SOURCES.items():
        for event, rows in EVENTS.items():
            name = _name(table, event)
            ids = " UNION ".join(touched.format(rows=r) for r in rows)
            execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {pg_refresh(rollup, ids)} "
                f"RETURN NULL; END; $$ LANGUAGE plpgsql; CREATE TRIGGER {name} AFTER {event.upper()} ON {table} "
                f"REFERENCING {' '.join(TABLES[r] for r in rows)} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
    for rollup, (table, column, value) in COLUMNS.items():
        name = f"plp_ready_{rollup}_column"
        execute(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"NEW.{column} := {value.format(id='NEW.id')}; RETURN NEW; END; $$ LANGUAGE plpgsql; "
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OF {column} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}();"
        )


def sqlite_refresh(rollup: str, ids: str) -> str:
    table, column, value = COLUMNS[rollup]
    return f"UPDATE {table} SET {column} = {value.format(id=f'{table}.id')} WHERE id IN ({ids});"


def _sqlite(execute):
    for table, (rollup, _touched, touched) in SOURCES.items():
        for event in EVENTS:
            rows = {"insert": ["NEW"], "update": ["OLD", "NEW"], "delete": ["OLD"]}[event]
            ids = " UNION ".join(touched.format(row=r) for r in rows)
            execute(
                f"CREATE TRIGGER {_name(table, event)} AFTER {event.upper()} ON {table} "
                f"FOR EACH ROW BEGIN {sqlite_refresh(rollup, ids)} END;"
            )
    for rollup, (table, column, value) in COLUMNS.items():
        for event in ("insert", "update"):
            execute(
                f"CREATE TRIGGER plp_ready_{rollup}_column_{event} AFTER {event.upper()}"
                f"{f' OF {column}' if event == 'update' else ''} ON {table} "
                f"FOR EACH ROW WHEN NEW.{column} IS NOT {value.format(id='NEW.id')} "
                f"BEGIN {sqlite_refresh(rollup, 'NEW.id')} END;"
            )


def fill_statement(vendor: str, rollup: str, ids: str) -> str:
    """The triggers' own UPDATE of the rows whose ids the SELECT gives: the backfill here,
    and the benchmark generator's after its COPY (plp/bench/generate.py)."""
    if vendor == "postgresql":
        return pg_refresh(rollup, ids).split("; ", 1)[1]
    return sqlite_refresh(rollup, ids)


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor

    def execute(sql):
        schema_editor.execute(sql, params=None)

    if vendor == "postgresql":
        _postgresql(execute)
    elif vendor == "sqlite":
        _sqlite(execute)
    execute(fill_statement(vendor, "goal", "SELECT goal_id FROM participants_observationstep"))
    execute(fill_statement(vendor, "ready", "SELECT participant_id FROM participants_trajectory"))


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        triggers = [(_name(t, e), t) for t in SOURCES for e in EVENTS]
        triggers += [(f"plp_ready_{r}_column", table) for r, (table, _c, _v) in COLUMNS.items()]
        for name, table in triggers:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)
    elif vendor == "sqlite":
        names = [_name(t, e) for t in SOURCES for e in EVENTS]
        names += [f"plp_ready_{r}_column_{e}" for r in COLUMNS for e in ("insert", "update")]
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("participants", "0026_report_rollups")]

    operations = [
        migrations.AddField(
            model_name="learninggoal",
            name="latest_step",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="latest step"),
        ),
        migrations.AddField(
            model_name="participant",
            name="ready_for_judgment",
            field=models.BooleanField(
                db_default=False, default=False, editable=False, verbose_name="ready for judgment"
            ),
        ),
        migrations.RunPython(up, down),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                condition=models.Q(("ready_for_judgment", True)),
                fields=["last_name", "first_name", "number"],
                name="participant_ready_name_order",
            ),
        ),
    ]
