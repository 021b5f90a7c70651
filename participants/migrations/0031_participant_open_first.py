"""An index on closed_on that puts open files first (participants/models/participant.py).

The field's own index is dropped by name, not by AlterField: on SQLite AlterField rebuilds
the table, which would lose the indexes and triggers that migrations made with SQL."""

from django.db import migrations, models

OLD = "participants_participant_closed_on_c83f8890"


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0030_merge_0029_open_file_rollups_0029_placement_end_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="participant",
                    name="closed_on",
                    field=models.DateField(blank=True, editable=False, null=True, verbose_name="closed on"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{OLD}"',
                    reverse_sql=f'CREATE INDEX "{OLD}" ON "participants_participant" ("closed_on")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(models.OrderBy(models.F("closed_on"), descending=True), name="participant_open_first"),
        ),
    ]
