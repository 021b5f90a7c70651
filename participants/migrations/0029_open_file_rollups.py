"""The dashboard's open files per phase and its coaches with open files, kept by triggers
on the participants (participants/models/rollups.py: OpenPhaseDay, CoachOpenFiles).

A participant row adds +1 to (stored phase, phase_on) and -1 to (stored phase, the earlier
of phase_until and closed_on), when that day comes after phase_on; and +1 to its coach
while closed_on is empty. An insert adds the new rows, a delete subtracts the old ones, an
update does both, so whatever writes the stored state (services, refresh_state, the
nightly refresh, imports, COPY) keeps the sums. An index on phase_on finds the files whose
stored phase does not hold (phase_on empty or ahead), beside the one on phase_until.

PostgreSQL: statement triggers over transition tables; SQLite: row triggers (on an update
only when one of the columns changed)."""

from django.db import migrations, models

# The day a row's stored phase stops counting: the earlier of phase_until and closed_on
# (either may be empty; LEAST would skip NULLs on PostgreSQL but not on SQLite).
UNTIL = (
    "CASE WHEN {r}.phase_until IS NULL THEN {r}.closed_on "
    "WHEN {r}.closed_on IS NULL OR {r}.phase_until < {r}.closed_on THEN {r}.phase_until "
    "ELSE {r}.closed_on END"
)
COUNTS = "{r}.phase_on IS NOT NULL AND ({until} IS NULL OR {until} > {r}.phase_on)"


def phase_changes(rows: str, sign: int, r: str = "r") -> str:
    """(phase, date, n) of the rows of `rows` (a table or a subquery with an alias `r`),
    with `sign` +1 to add them and -1 to take them out."""
    until = UNTIL.format(r=r)
    counts = COUNTS.format(r=r, until=until)
    return (
        f"SELECT {r}.stored_phase AS phase, {r}.phase_on AS date, {sign} AS n FROM {rows} WHERE {counts} "
        f"UNION ALL SELECT {r}.stored_phase, {until}, {-sign} FROM {rows} WHERE {counts} AND {until} IS NOT NULL"
    )


def coach_changes(rows: str, sign: int, r: str = "r") -> str:
    return (
        f"SELECT {r}.coach_id AS coach_id, {sign} AS n FROM {rows} "
        f"WHERE {r}.closed_on IS NULL AND {r}.coach_id IS NOT NULL"
    )


def add_phases(changes: str) -> str:
    return (
        "INSERT INTO participants_openphaseday (phase, date, n) "
        f"SELECT phase, date, SUM(n) FROM ({changes}) AS c GROUP BY phase, date HAVING SUM(n) <> 0 "
        "ORDER BY phase, date ON CONFLICT (phase, date) DO UPDATE SET n = participants_openphaseday.n + EXCLUDED.n;"
    )


def add_coaches(changes: str) -> str:
    return (
        "INSERT INTO participants_coachopenfiles (coach_id, n) "
        f"SELECT coach_id, SUM(n) FROM ({changes}) AS c GROUP BY coach_id HAVING SUM(n) <> 0 "
        "ORDER BY coach_id ON CONFLICT (coach_id) DO UPDATE SET n = participants_coachopenfiles.n + EXCLUDED.n;"
    )


def fill_statements(rows: str) -> list[str]:
    """Add the participants of `rows` (FROM-clause text with the alias r) to both
    rollups: the insert trigger's own statements (the benchmark generator fills with
    them after its COPY)."""
    return [add_phases(phase_changes(rows, 1)), add_coaches(coach_changes(rows, 1))]


def _statements(new: str | None, old: str | None) -> list[str]:
    phases = [phase_changes(t, s) for t, s in ((new, 1), (old, -1)) if t]
    coaches = [coach_changes(t, s) for t, s in ((new, 1), (old, -1)) if t]
    return [add_phases(" UNION ALL ".join(phases)), add_coaches(" UNION ALL ".join(coaches))]


PG_EVENTS = {
    "insert": ("NEW TABLE AS new_rows", "new_rows r", None),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", "new_rows r", "old_rows r"),
    "delete": ("OLD TABLE AS old_rows", None, "old_rows r"),
}
COLUMNS = "stored_phase, phase_on, phase_until, closed_on, coach_id"


def _sqlite_row(row: str, sign: int) -> list[str]:
    # A row trigger's NEW/OLD as a one-row table: SELECT ... FROM (SELECT NEW.x AS x, ...) r.
    one = "(SELECT " + ", ".join(f"{row}.{c.strip()} AS {c.strip()}" for c in COLUMNS.split(",")) + ") r"
    return [add_phases(phase_changes(one, sign)), add_coaches(coach_changes(one, sign))]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor

    def execute(sql):
        schema_editor.execute(sql, params=None)

    execute("CREATE INDEX participant_phase_on ON participants_participant (phase_on)")
    for event, (tables, new, old) in PG_EVENTS.items():
        name = f"plp_open_files_{event}"
        if vendor == "postgresql":
            body = " ".join(_statements(new, old))
            execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END; $$ "
                f"LANGUAGE plpgsql; CREATE TRIGGER {name} AFTER {event.upper()} ON participants_participant "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
        elif vendor == "sqlite":
            body = [*(_sqlite_row("OLD", -1) if old else []), *(_sqlite_row("NEW", 1) if new else [])]
            of = f" OF {COLUMNS}" if event == "update" else ""
            execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()}{of} ON participants_participant "
                f"FOR EACH ROW BEGIN {' '.join(body)} END;"
            )
    for statement in fill_statements("participants_participant r"):
        execute(statement)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for event in PG_EVENTS:
        name = f"plp_open_files_{event}"
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON participants_participant", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
    schema_editor.execute("DROP INDEX IF EXISTS participant_phase_on", params=None)


class Migration(migrations.Migration):
    dependencies = [("participants", "0028_merge_rollups")]

    operations = [
        migrations.CreateModel(
            name="OpenPhaseDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("phase", models.CharField(max_length=20)),
                ("date", models.DateField()),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("phase", "date"), name="open_phase_day_unique")]
            },
        ),
        migrations.CreateModel(
            name="CoachOpenFiles",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("coach_id", models.IntegerField(unique=True)),
                ("n", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(up, down),
    ]
