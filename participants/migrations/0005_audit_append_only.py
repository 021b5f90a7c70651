"""The audit trail is append-only in the database itself. PostgreSQL: no UPDATE, and no
DELETE of entries younger than five years (the retention term of the trail). SQLite
(development): no UPDATE; deletes stay possible there because the test runner empties
tables with DELETE, while PostgreSQL's TRUNCATE bypasses row triggers."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION plp_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.at < now() - interval '5 years' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'participants_auditentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plp_audit_append_only BEFORE UPDATE OR DELETE ON participants_auditentry
  FOR EACH ROW EXECUTE FUNCTION plp_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS plp_audit_append_only ON participants_auditentry;
DROP FUNCTION IF EXISTS plp_audit_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER plp_audit_no_update BEFORE UPDATE ON participants_auditentry
       BEGIN SELECT RAISE(ABORT, 'participants_auditentry is append-only (UPDATE refused)'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS plp_audit_no_update;"]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)
    Group = apps.get_model("auth", "Group")
    for name in ("peer_expert", "administrator"):
        Group.objects.get_or_create(name=name)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("participants", "0004_audit_roles_team")]

    operations = [migrations.RunPython(up, down)]
