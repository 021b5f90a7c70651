"""Substring search on names and numbers (icontains → UPPER(col) LIKE) scans every row
at 100k participants. On PostgreSQL, trigram GIN indexes on UPPER(col) serve it. Other
databases (SQLite in development) keep their plain scan."""

from django.db import migrations

COLUMNS = ["number", "first_name", "last_name"]


def up(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS participant_{column}_trgm ON participants_participant "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)',
            params=None,
        )


def down(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS participant_{column}_trgm", params=None)


class Migration(migrations.Migration):
    dependencies = [("participants", "0006_participant_closed_on")]

    operations = [migrations.RunPython(up, down)]
