"""grant_app_role ROLE: on PostgreSQL, give the role the app runs as what it needs and no
more. Every table of the schema: SELECT, INSERT, UPDATE, DELETE; the audit trail: SELECT
and INSERT only, so the app cannot change or remove what it logged (only entries older
than five years go, through plp_audit_purge()). Run it as the role that owns the tables
(the one that migrates), after every `migrate`: new tables need their grants. See README,
"PostgreSQL in production"."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from plp.models import AuditEntry

AUDIT_TABLE = AuditEntry._meta.db_table
FORBIDDEN_ON_AUDIT = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")


class Command(BaseCommand):
    help = "PostgreSQL: grant ROLE the app's rights, with INSERT and SELECT only on the audit trail."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the database role the app (gunicorn, db_worker, cron) connects as")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL; SQLite has no roles.")
        q = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"Role {role} does not exist; create it first (CREATE ROLE ... LOGIN).")
            if row[0]:
                raise CommandError(f"{role} is a superuser, which bypasses every grant: use another role.")
            cursor.execute(
                "SELECT pg_has_role(%s, tableowner, 'MEMBER') FROM pg_tables "
                "WHERE schemaname = current_schema() AND tablename = %s",
                [role, AUDIT_TABLE],
            )
            owner = cursor.fetchone()
            if owner is None:
                raise CommandError(f"No table {AUDIT_TABLE} in this schema: run migrate first.")
            if owner[0]:
                raise CommandError(f"{role} owns the tables or is a member of their owner: use another role.")
            cursor.execute("SELECT quote_ident(current_schema())")
            schema = cursor.fetchone()[0]
            tables = connection.introspection.table_names(cursor)
            cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {q(role)}")
            for table in tables:
                rights = "SELECT, INSERT" if table == AUDIT_TABLE else "SELECT, INSERT, UPDATE, DELETE"
                cursor.execute(f"REVOKE ALL ON {q(table)} FROM {q(role)}")
                cursor.execute(f"GRANT {rights} ON {q(table)} TO {q(role)}")
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {q(role)}")
            cursor.execute(f"GRANT EXECUTE ON FUNCTION plp_audit_purge() TO {q(role)}")
            # Rights through another role (or PUBLIC) count too.
            cursor.execute(
                "SELECT p FROM unnest(%s::text[]) AS p WHERE has_table_privilege(%s, %s, p)",
                [list(FORBIDDEN_ON_AUDIT), role, AUDIT_TABLE],
            )
            left = [p for (p,) in cursor.fetchall()]
            if left:
                raise CommandError(
                    f"{role} still has {', '.join(left)} on {AUDIT_TABLE} through another role or PUBLIC; "
                    "revoke that there."
                )
        self.stdout.write(
            f"{role}: SELECT, INSERT, UPDATE, DELETE on {len(tables) - 1} tables; "
            f"SELECT and INSERT only on {AUDIT_TABLE}; EXECUTE on plp_audit_purge()."
        )
