"""The audit trail moves to its own part (`plp.models.AuditEntry`); its table, rows and
append-only triggers stay as they are. Only Django's view of the models changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("participants", "0017_audit_scrub_typed_text")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        )
    ]
