"""Django's SQLite backend, except for flush. The audit trail refuses DELETE (migration
0016), but Django's flush (`manage.py flush`, and the test runner between transactional
tests) empties every table with DELETE. Flush lifts the trail's triggers in its own
transaction and puts them back, as PostgreSQL's TRUNCATE bypasses row triggers. Only a
flush of the whole trail does this: deleting rows from it is still refused."""

from django.db.backends.sqlite3 import base, operations

APPEND_ONLY_TABLES = ("participants_auditentry",)


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not sql or not any(t in tables for t in APPEND_ONLY_TABLES):
            return sql
        triggers = []
        with self.connection.cursor() as cursor:
            for table in APPEND_ONLY_TABLES:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [table],
                )
                triggers += cursor.fetchall()
        return [
            *(f"DROP TRIGGER {self.quote_name(name)};" for name, _ in triggers),
            *sql,
            *(f"{ddl};" for _, ddl in triggers),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
