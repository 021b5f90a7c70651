"""Bulk loading for the benchmark generator: rows as COPY text lines, and on PostgreSQL a
load without the per-row work a live database does on every insert.

For the load, the tables' foreign keys, unique constraints, secondary indexes and user
triggers are set aside (and the primary keys of empty tables nothing else refers to,
which are truncated and then written frozen); `restore()` then builds each index in one
pass, adds the foreign keys back (PostgreSQL checks every row against its parent again,
in one join) and enables the triggers. Checking a foreign key row by row costs ~20 us an
insert, the join under 1 us.
Everything happens in the caller's transaction, so a failed load leaves the schema as it
was. On SQLite (tests) the rows are inserted as they are, triggers and all."""

import datetime
import json
import time
from collections import Counter
from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone

NULL = "\\N"  # COPY's text form of NULL
CHUNK = 20_000  # lines per write to the COPY stream


class Dates(dict):
    """ISO text of a date by its ordinal (date.toordinal()), made once per date."""

    def __missing__(self, ordinal: int) -> str:
        text = self[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
        return text


def text(value) -> str:
    """A Python value in COPY's text format."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Table:
    """Write rows of `fields` into `model`'s table; every other column gets the model
    field's default (auto_now fields: now). A row is one line of COPY text: the values of
    `fields` separated by tabs, NULL as \\N (the generator writes them with f-strings,
    six times faster than formatting tuples)."""

    def __init__(self, model: type[models.Model], fields: list[str], freeze: bool = False):
        now = timezone.now()
        self.freeze = freeze
        concrete = [f for f in model._meta.concrete_fields if not f.generated]
        by_name = {f.attname: f for f in concrete}
        rest = [f for f in concrete if f.attname not in fields and not f.primary_key]
        self.table = model._meta.db_table
        self.fields = [by_name[name] for name in fields]
        self.columns = [f.column for f in self.fields] + [f.column for f in rest]
        self.constants = tuple(
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in rest
        )
        self.tail = "".join("\t" + text(v) for v in self.constants) + "\n"

    def write(self, lines: Iterable[str]) -> None:
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                options = " (FREEZE)" if self.freeze else ""
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN{options}") as copy:
                    chunk = []
                    for line in lines:
                        chunk.append(line + self.tail)
                        if len(chunk) == CHUNK:
                            copy.write("".join(chunk))
                            chunk = []
                    copy.write("".join(chunk))
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES ({marks})",
                    [self._values(line) + self.constants for line in lines],
                )

    def _values(self, line: str) -> tuple:
        return tuple(
            None if v == NULL else f.get_db_prep_value(f.to_python(v), connection)
            for f, v in zip(self.fields, line.split("\t"), strict=True)
        )


class Clock:
    """Seconds spent per phase of the load, in the order the phases first ran."""

    def __init__(self):
        self.seconds: Counter[str] = Counter()

    def add(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[phase] += now - since
        return now


class BulkLoad:
    """Set aside the foreign keys, unique constraints, secondary indexes and user
    triggers of `models`' tables (PostgreSQL, inside a transaction); `restore()` puts
    them back, a table's parents before it. A unique constraint a foreign key relies on
    stays, and so does a primary key, unless the table was empty and no other table
    refers to it (see `_truncate_empty`)."""

    def __init__(self, models_: list[type[models.Model]], clock: Clock):
        self.clock = clock
        self.active = connection.vendor == "postgresql"
        self.tables = [m._meta.db_table for m in models_]
        self.dropped: dict[str, list[str]] = {t: [] for t in self.tables}  # SQL to restore
        self.frozen: set[str] = set()
        self.triggers: dict[str, list[str]] = {t: [] for t in self.tables}

    def start(self) -> None:
        if not self.active:
            return
        assert connection.in_atomic_block, "a bulk load runs inside a transaction"
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Index builds sort in memory; the session's own setting, for this transaction.
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            # Foreign key checks still pending from earlier in the transaction (Django's
            # are deferred) must run before their constraints can be set aside.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                   FROM pg_constraint c
                   WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
                     AND NOT (c.contype = 'u' AND EXISTS (
                         SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
                   ORDER BY c.conname""",
                [self.tables],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                """SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,
                          pg_get_indexdef(i.indexrelid)
                   FROM pg_index i
                   WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS (
                       SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                       AND c.contype IN ('p', 'u', 'x'))
                   ORDER BY 2""",
                [self.tables],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                """SELECT tgrelid::regclass::text, tgname FROM pg_trigger
                   WHERE tgrelid = ANY(%s::regclass[]) AND NOT tgisinternal AND tgenabled <> 'D'
                   ORDER BY 2""",
                [self.tables],
            )
            triggers = cursor.fetchall()
            for table, name, _definition in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for table, name, definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
                self.dropped[self._key(table)].append(definition)
            # Unique constraints back before the foreign keys (one may rely on the other).
            for table, name, definition in sorted(constraints, key=lambda c: c[2].startswith("FOREIGN")):
                self.dropped[self._key(table)].append(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                )
            for table, name in triggers:
                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
                self.triggers[self._key(table)].append(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
            self._truncate_empty(cursor)
        self.clock.add("set aside indexes, foreign keys, triggers", started)

    def _truncate_empty(self, cursor) -> None:
        """Empty tables that no other table refers to any more are truncated (nothing is
        lost), so that COPY may write their rows frozen and all-visible: the VACUUM after
        the load then skips them, as autovacuum would have frozen them in a live database."""
        cursor.execute(
            """SELECT t::text FROM unnest(%s::regclass[]) AS t WHERE NOT EXISTS (
                   SELECT 1 FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = t)""",
            [self.tables],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if not cursor.fetchone()[0]:
                self.frozen.add(self._key(table))
        if not self.frozen:
            return
        cursor.execute(f"TRUNCATE {', '.join(sorted(self.frozen))}")
        # Nothing refers to their primary keys now: build those after the load too.
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE contype = 'p' AND conrelid = ANY(%s::regclass[])""",
            [sorted(self.frozen)],
        )
        for table, name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            self.dropped[self._key(table)].insert(
                0, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            )

    def table(self, model: type[models.Model], fields: list[str]) -> Table:
        """A Table of `model` that COPYs frozen when it can."""
        return Table(model, fields, freeze=model._meta.db_table in self.frozen)

    def _key(self, regclass: str) -> str:
        return regclass.split(".")[-1].strip('"')

    def restore(self, models_: list[type[models.Model]] | None = None) -> None:
        """Build the indexes, add the constraints and enable the triggers of `models_`
        (default: every table still set aside), then refresh their planner statistics."""
        if not self.active:
            return
        tables = [m._meta.db_table for m in models_] if models_ else list(self.dropped)
        with connection.cursor() as cursor:
            for table in tables:
                started = time.perf_counter()
                for sql in self.dropped.pop(table):
                    phase = "foreign keys" if "FOREIGN KEY" in sql else "indexes"
                    cursor.execute(sql)
                    started = self.clock.add(f"{phase} {table}", started)
                for sql in self.triggers.pop(table):
                    cursor.execute(sql)
                cursor.execute(f"ANALYZE {table}")
                self.clock.add(f"analyze {table}", started)
            if not self.dropped:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django creates them
