"""The caseload search looks for each word in one generated column (number and names)
instead of three ORed ones. On PostgreSQL one trigram index on it replaces the three of
0007: at 100k participants a bitmap OR over three indexes and its recheck cost more
than the page budget."""

import django.db.models.functions.text
from django.db import migrations, models

OLD_COLUMNS = ["number", "first_name", "last_name"]


def up(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in OLD_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS participant_{column}_trgm", params=None)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS participant_search_trgm ON participants_participant "
        'USING gin (UPPER("search_text"::text) gin_trgm_ops)',
        params=None,
    )


def down(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS participant_search_trgm", params=None)
    for column in OLD_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS participant_{column}_trgm ON participants_participant "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)',
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("participants", "0012_participant_stored_phase")]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Concat(
                    "number", models.Value(" "), "first_name", models.Value(" "), "last_name"
                ),
                output_field=models.CharField(max_length=232),
                verbose_name="search text",
            ),
        ),
        migrations.RunPython(up, down),
    ]
