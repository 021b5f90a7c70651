"""The audit trail is append-only for real (issue 12.8).

SQLite: besides UPDATE (0005), DELETE of entries younger than five years is refused, and
so is an INSERT over an existing id (`INSERT OR REPLACE` deletes the old row without
firing delete triggers). Django's flush (tests, `manage.py flush`) lifts these triggers
for its own transaction (plp/sqlite_backend).

PostgreSQL: the app runs as a role without UPDATE, DELETE or TRUNCATE on the trail
(`manage.py grant_app_role`). Retention still removes entries older than five years
through `plp_audit_purge()`, which runs with the rights of its owner (the role that
migrates) and deletes nothing younger; only the roles granted EXECUTE may call it."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER plp_audit_no_delete BEFORE DELETE ON participants_auditentry
       WHEN OLD.at >= datetime('now', '-5 years')
       BEGIN SELECT RAISE(ABORT, 'participants_auditentry is append-only (DELETE refused)'); END;""",
    """CREATE TRIGGER plp_audit_no_replace BEFORE INSERT ON participants_auditentry
       WHEN EXISTS (SELECT 1 FROM participants_auditentry WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'participants_auditentry is append-only (REPLACE refused)'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS plp_audit_no_delete;", "DROP TRIGGER IF EXISTS plp_audit_no_replace;"]

PG_UP = """
CREATE OR REPLACE FUNCTION plp_audit_purge() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  purged bigint;
BEGIN
  DELETE FROM {table} WHERE at < now() - interval '5 years';
  GET DIAGNOSTICS purged = ROW_COUNT;
  RETURN purged;
END;
$$;
REVOKE ALL ON FUNCTION plp_audit_purge() FROM PUBLIC;
"""
PG_DOWN = "DROP FUNCTION IF EXISTS plp_audit_purge();"


def up(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT quote_ident(current_schema())")
            schema = cursor.fetchone()[0]
        schema_editor.execute(PG_UP.format(table=f"{schema}.participants_auditentry"), params=None)
    elif connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("participants", "0015_progress_entry_date")]

    operations = [migrations.RunPython(up, down)]
