"""Insert or update many rows given as tuples, without building a model instance per
row: COPY and one UPDATE from arrays on PostgreSQL, multi-row INSERT and one UPDATE per
row on SQLite. For imports of thousands of rows, where Django's per-object work in
`bulk_create` and `bulk_update` costs more than the database's.

The caller gives plain values (str, int, date, None, bool, dict for JSON) of the listed
fields, foreign keys by their ids (`coach_id`); every other column gets its field's
default (auto_now fields: now). Nothing is validated here: the caller has done that.
Constraints, foreign keys and triggers apply as to any insert (PostgreSQL runs its
statement triggers for COPY as well)."""

import json

from django.db import connection, models
from django.utils import timezone


def _columns(model: type[models.Model], fields: list[str], with_id: bool):
    """The columns to write, a function per given field making its database form, and the
    constant values of the other columns."""
    concrete = [f for f in model._meta.concrete_fields if not f.generated]
    by_name = {f.attname: f for f in concrete}
    given = [by_name[name] for name in fields]
    rest = [
        f
        for f in concrete
        if f.attname not in fields and not f.primary_key and (f.has_default() or not f.has_db_default())
    ]
    now = timezone.now()
    constants = tuple(
        f.get_db_prep_save(
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default(),
            connection,
        )
        for f in rest
    )
    pk = [model._meta.pk] if with_id else []
    columns = [f.column for f in pk + given + rest]
    return columns, [_prep(f) for f in given], constants


def _prep(field):
    """How a plain value of `field` becomes what the driver takes, or None: as it is."""
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value, cls=field.encoder)
    if connection.vendor != "postgresql" and isinstance(field, models.DateField):  # datetimes too
        return lambda value: field.get_db_prep_value(value, connection)
    return None


def _prepared(rows: list[tuple], preps: list) -> list[tuple]:
    converting = [(i, p) for i, p in enumerate(preps) if p is not None]
    if not converting:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i, prep in converting:
            if row[i] is not None:
                row[i] = prep(row[i])
        out.append(tuple(row))
    return out


def insert_rows(model: type[models.Model], fields: list[str], rows: list[tuple], returning: bool = False):
    """Insert `rows` (tuples of the values of `fields`) into `model`'s table, in the
    caller's transaction. With `returning`, the new ids in the order of `rows`."""
    if not rows:
        return [] if returning else None
    table, quote = model._meta.db_table, connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    columns, preps, constants = _columns(model, fields, with_id=returning and postgres)
    rows = _prepared(rows, preps)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if postgres:
            ids = None
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, model._meta.pk.column, len(rows)],
                )
                ids = [i for (i,) in cursor.fetchall()]
                rows = [(i, *row) for i, row in zip(ids, rows, strict=True)]
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row + constants)
            if connection.queries_logged:  # the query counts of tests and debug pages see it too
                connection.queries_log.append({"sql": f"COPY {table} ({names}) FROM STDIN", "time": "0.000"})
            return ids
        marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        if not returning:
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES {marks}"  # noqa: S608 - names from the model
            cursor.executemany(sql, [row + constants for row in rows])
            return None
        ids = []
        size = max(1, connection.features.max_query_params // len(columns))
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([marks] * len(batch))} "  # noqa: S608
                f"RETURNING {quote(model._meta.pk.column)}",
                [v for row in batch for v in row + constants],
            )
            ids.extend(i for (i,) in cursor.fetchall())
        return ids


def update_rows(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """Set `fields` on existing rows of `model`: each tuple is the row's id, then the
    values of `fields`. On PostgreSQL one UPDATE for all rows (the values passed as
    arrays), so statement triggers run once; on SQLite one UPDATE per row."""
    if not rows:
        return
    table, quote = model._meta.db_table, connection.ops.quote_name
    given = [model._meta.get_field(name) for name in fields]
    rows = _prepared_updates(rows, [_prep(f) for f in given])
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Arrays of the base types (varchar, not varchar(100)): a cast would cut a
            # long text short, an assignment refuses it.
            types = [model._meta.pk.rel_db_type(connection)] + [f.db_type(connection) for f in given]
            types = [db_type.split("(")[0] for db_type in types]
            arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
            names = ", ".join(quote(f.column) for f in given)
            sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in given)
            cursor.execute(
                f"UPDATE {quote(table)} SET {sets} FROM unnest({arrays}) AS v({pk}, {names}) "  # noqa: S608
                f"WHERE {quote(table)}.{pk} = v.{pk}",
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            sets = ", ".join(f"{quote(f.column)} = %s" for f in given)
            cursor.executemany(
                f"UPDATE {quote(table)} SET {sets} WHERE {pk} = %s",  # noqa: S608
                [(*values, row_pk) for row_pk, *values in rows],
            )


def _prepared_updates(rows: list[tuple], preps: list) -> list[tuple]:
    return [
        (row[0], *values) for row, values in zip(rows, _prepared([r[1:] for r in rows], preps), strict=True)
    ]
