"""Querysets of one participant's (or one user's) rows whose SQL is compiled once.

Compiling a queryset costs Python time on every request, often more than the database
needs to run it (the participant page's UNION of twelve tables: ~5 ms, against 0.3 ms to
run it). A `Prepared` compiles its queryset once per database, time zone and key (a few
values that change the query's shape or dates, such as the role or the day), with
`ANY_PK` standing for the id, and fills in the id on each call. Values come back with
the types the ORM gives (the database's converters are applied).

Called with a tuple of values instead of one id, the queryset is built with a stand-in
for each (`stand_ins`: numbers and texts), compiled once per key and the values' types,
and each value fills its stand-in's parameters; a text also where the ORM made a LIKE
pattern of it (`contains`, `icontains`), escaped as the ORM escapes it. `outer` wraps
the compiled SQL (a count over it, a sort of it)."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Expression, Model, QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone

# Stands for the participant's id in the compiled SQL: no other parameter has this value.
ANY_PK = 987_654_321
# The i-th text of a tuple of values is compiled as this (no LIKE wildcard, no space).
TEXT_STAND_IN = "PLP{}STANDIN"
_TEXT = re.compile(r"PLP(\d+)STANDIN")
# Compiled variants kept per query; a key with the day makes one a day (then all go).
MAX_COMPILED = 64


@dataclass(frozen=True)
class _Compiled:
    model: type[Model]
    sql: str
    params: tuple
    columns: tuple[tuple[Expression, str | None], ...]  # each selected expression, its alias
    klass_info: dict | None = None  # the compiler's map of models to columns (select_related)
    annotation_col_map: dict | None = None


class Prepared:
    """`build(pk, *key)` is the queryset of `pk`'s rows; its SQL is compiled once per
    database, time zone and `key`."""

    def __init__(self, build: Callable[..., QuerySet], outer: str = "{}"):
        self.build = build
        self.outer = outer
        self.compiled: dict[tuple, _Compiled] = {}
        # For `related()`: per compiled query, what builds its objects (worked out once).
        self.builders: dict[int, tuple] = {}

    def _query(self, pk: int | tuple, key: tuple) -> tuple[_Compiled, list]:
        many = isinstance(pk, tuple)
        cache_key = (connection.vendor, timezone.get_current_timezone_name(), *key)
        if many:
            cache_key += (tuple(type(value) for value in pk),)
        found = self.compiled.get(cache_key)
        if found is None:
            if len(self.compiled) >= MAX_COMPILED:
                self.compiled.clear()
                self.builders.clear()
            qs = self.build(stand_ins(pk) if many else ANY_PK, *key)
            compiler = qs.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            columns = tuple((expression, alias) for expression, _sql, alias in compiler.select)
            sql = self.outer.format(sql)
            found = self.compiled[cache_key] = _Compiled(
                qs.model, sql, tuple(params), columns, compiler.klass_info, compiler.annotation_col_map
            )
        if many:
            return found, [_fill(x, pk) for x in found.params]
        return found, [pk if x == ANY_PK else x for x in found.params]

    def sql(self, pk: int | tuple, *key) -> tuple[str, list]:
        """The SQL and parameters that are run for `pk` and `key`."""
        compiled, params = self._query(pk, key)
        return compiled.sql, params

    @staticmethod
    def _converters(columns) -> list[tuple[int, list, Expression]]:
        """The database's converters of each column that has any (PostgreSQL: few)."""
        found = []
        for i, (expression, _alias) in enumerate(columns):
            funcs = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if funcs:
                found.append((i, funcs, expression))
        return found

    def objects(self, pk: int, *key) -> list:
        """Model instances as the ORM gives them, annotations converted too."""
        compiled, params = self._query(pk, key)
        objects = list(compiled.model.objects.raw(compiled.sql, params))
        annotations = [
            (alias, funcs, expression)
            for i, funcs, expression in self._converters(compiled.columns)
            if (alias := compiled.columns[i][1])
        ]
        for obj in objects:
            for alias, funcs, expression in annotations:
                value = getattr(obj, alias)
                for func in funcs:
                    value = func(value, expression, connection)
                setattr(obj, alias, value)
        return objects

    def related(self, pk: int, *key) -> list:
        """Model instances with the objects of `select_related()` attached and annotations
        set, built as the ORM's ModelIterable builds them (`objects()` leaves the related
        objects out: a raw query knows nothing of the joins)."""
        compiled, params = self._query(pk, key)
        model, start, end, init_list, populators, converters = self._builder(compiled)
        db, annotations = connection.alias, (compiled.annotation_col_map or {}).items()
        found = []
        for row in self._fetch(compiled.sql, params):
            if converters:
                row = list(row)
                for i, funcs, expression in converters:
                    for func in funcs:
                        row[i] = func(row[i], expression, connection)
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, i in annotations:
                setattr(obj, name, row[i])
            found.append(obj)
        return found

    def _builder(self, compiled: _Compiled) -> tuple:
        """What `related()` needs to build objects from a row of `compiled`, kept per
        compiled query and connection (the converters may belong to the connection)."""
        ops = connection.ops
        found = self.builders.get(id(compiled))
        if found is None or found[0] is not ops or found[1] is not compiled:
            klass_info, select = compiled.klass_info, compiled.columns  # [0]: the expression
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            found = self.builders[id(compiled)] = (
                ops,
                compiled,
                klass_info["model"],
                start,
                end,
                [column[0].target.attname for column in select[start:end]],
                get_related_populators(klass_info, select, connection.alias),
                self._converters(select),
            )
        return found[2:]

    def rows(self, pk: int, *key) -> list[tuple]:
        """The rows as the database driver gives them (SQLite: dates as text)."""
        compiled, params = self._query(pk, key)
        return self._fetch(compiled.sql, params)

    def values(self, pk: int, *key) -> list[dict]:
        """The rows of a `.values(...)` queryset, as dicts with the ORM's types."""
        compiled, params = self._query(pk, key)
        names = [alias for _expression, alias in compiled.columns]
        converters = self._converters(compiled.columns)
        found = []
        for row in self._fetch(compiled.sql, params):
            row = list(row)
            for i, funcs, expression in converters:
                for func in funcs:
                    row[i] = func(row[i], expression, connection)
            found.append(dict(zip(names, row, strict=True)))
        return found

    @staticmethod
    def _fetch(sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def stand_ins(values: tuple) -> tuple:
    """What a tuple of values is compiled with: ANY_PK + i for a number at place i, the
    text TEXT_STAND_IN with i for a text."""
    return tuple(TEXT_STAND_IN.format(i) if isinstance(v, str) else ANY_PK + i for i, v in enumerate(values))


def _fill(param, values: tuple):
    """A compiled parameter with the values in place of their stand-ins (in one pass: a
    value that looks like a stand-in stays as it is)."""
    if type(param) is int and ANY_PK <= param < ANY_PK + len(values):
        return values[param - ANY_PK]
    if type(param) is str and "STANDIN" in param:
        whole = _TEXT.fullmatch(param)
        if whole:
            return values[int(whole[1])]
        # Inside a LIKE pattern: escaped as the ORM escapes it.
        return _TEXT.sub(lambda m: connection.ops.prep_for_like_query(values[int(m[1])]), param)
    return param
