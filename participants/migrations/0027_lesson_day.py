"""Lesson minutes and participant minutes per day (rule 12), kept by triggers on the
group lessons and their attendance (participants/models/rollups.py, LessonDay).

A day's row holds, over the lessons on that day, the sum of their durations and the sum
of duration x attendances marked present. An attendance adds or takes away its lesson's
duration; a lesson adds or takes away its duration and its duration x the attendances
present at that moment, so the rows stay right in whichever order a lesson and its
attendance are written or deleted. As in migration 0014, a delete only subtracts from a
row that exists. PostgreSQL: statement triggers over transition tables; SQLite: row
triggers."""

from django.db import migrations, models

PRESENT = (
    "(SELECT COUNT(*) FROM participants_lessonattendance a WHERE a.lesson_id = l.id AND a.present)"
)
# The change in (date, lesson minutes, participant minutes) that rows of a table make.
DELTA = {
    "participants_grouplesson": (
        f"SELECT l.date AS d, l.duration_minutes AS lm, l.duration_minutes * {PRESENT} AS pm FROM {{rows}} AS l"
    ),
    "participants_lessonattendance": (
        "SELECT g.date AS d, 0 AS lm, g.duration_minutes AS pm FROM {rows} AS a "
        "JOIN participants_grouplesson g ON g.id = a.lesson_id WHERE a.present"
    ),
}
ADD = (
    "INSERT INTO participants_lessonday (date, lesson_minutes, participant_minutes) "
    "SELECT d, SUM(lm), SUM(pm) FROM ({delta}) AS x WHERE true GROUP BY d ORDER BY d "
    "ON CONFLICT (date) DO UPDATE SET "
    "lesson_minutes = participants_lessonday.lesson_minutes + excluded.lesson_minutes, "
    "participant_minutes = participants_lessonday.participant_minutes + excluded.participant_minutes;"
)
SUBTRACT = (
    "UPDATE participants_lessonday SET lesson_minutes = lesson_minutes - x.lm, "
    "participant_minutes = participant_minutes - x.pm "
    "FROM (SELECT d, SUM(lm) AS lm, SUM(pm) AS pm FROM ({delta}) AS y GROUP BY d) AS x "
    "WHERE participants_lessonday.date = x.d;"
)
# A row of a SQLite row trigger as a one-row table.
ROW = {
    "participants_grouplesson": "(SELECT {r}.id AS id, {r}.date AS date, {r}.duration_minutes AS duration_minutes)",
    "participants_lessonattendance": "(SELECT {r}.lesson_id AS lesson_id, {r}.present AS present)",
}
TABLES = {"new": "NEW TABLE AS new_rows", "old": "OLD TABLE AS old_rows"}
EVENTS = {"insert": ["new"], "update": ["old", "new"], "delete": ["old"]}


def body(table: str, sides: list[str], rows) -> str:
    """Subtract what the old rows made, add what the new rows make."""
    statements = {"old": SUBTRACT, "new": ADD}
    return " ".join(statements[side].format(delta=DELTA[table].format(rows=rows(side))) for side in sides)


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in DELTA:
        for event, sides in EVENTS.items():
            name = f"plp_lesson_day_{table.split('_', 1)[1]}_{event}"
            if vendor == "postgresql":
                tables = " ".join(TABLES[side] for side in sides)
                schema_editor.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                    f"{body(table, sides, lambda side: f'{side}_rows')} RETURN NULL; END; $$ LANGUAGE plpgsql; "
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {tables} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
                    params=None,
                )
            elif vendor == "sqlite":
                rows = lambda side, t=table: ROW[t].format(r=side.upper())  # noqa: E731
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} "
                    f"FOR EACH ROW BEGIN {body(table, sides, rows)} END;",
                    params=None,
                )
    schema_editor.execute(
        ADD.format(delta=DELTA["participants_grouplesson"].format(rows="participants_grouplesson")), params=None
    )


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in DELTA:
        for event in EVENTS:
            name = f"plp_lesson_day_{table.split('_', 1)[1]}_{event}"
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)
            else:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("participants", "0026_report_rollups")]

    operations = [
        migrations.CreateModel(
            name="LessonDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True)),
                ("lesson_minutes", models.BigIntegerField(default=0)),
                ("participant_minutes", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(up, down),
    ]
