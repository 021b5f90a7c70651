"""The caseload's pages: a count that stops at a cap, and a name search paged without
walking the name index to the first match or sorting every match."""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

NAME_ORDER = ("last_name", "first_name", "number")  # the caseload's order; number is unique


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (a count over a LIMIT): below that the exact number,
    above it "more than `cap`", and the pages stop there. A full count of 480,000 open
    files costs more than the rest of the page."""

    def __init__(self, object_list, per_page: int, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def found(self) -> int:
        """The number of matching rows, counting no further than cap + 1."""
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.found > self.cap

    @cached_property
    def count(self) -> int:
        return min(self.found, self.cap)


class SearchPaginator(CappedPaginator):
    """The pages of a name search over participants, as lists of ids in name order.

    A common name matches 55,000 of a million files: walking the name index to the first
    match, or sorting every match, takes 0.1-0.5 s. Here the first cap + 1 matches the
    database comes across (in any order) are read with their names. They give the count;
    and the one that ends the page, in name order, bounds it: at least that many matches
    sort at or before it, so the page among the matches up to it is the page among all.
    The trigram and name-order indexes then serve the page together (a bitmap AND),
    reading only the matches up to the bound. Two queries; the same rows as a plain
    ORDER BY with OFFSET. Only for words of three letters or more (trigrams): a shorter
    word matches so many that walking the name index finds a page at once."""

    @cached_property
    def sample(self) -> list[tuple]:
        """Up to cap + 1 matches, whichever come first, as name-order keys in name order."""
        qs = self.object_list.order_by().values_list(*NAME_ORDER)[: self.cap + 1]
        sql, params = qs.query.sql_with_params()
        with connections[qs.db].cursor() as cursor:
            # The queryset's own SQL and parameters, sorted: no user text in the string.
            cursor.execute(f"SELECT * FROM ({sql}) sample ORDER BY 1, 2, 3", params)  # noqa: S608
            return cursor.fetchall()

    @cached_property
    def found(self) -> int:
        return len(self.sample)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top <= bottom:
            return self._get_page([], number, self)
        return self._get_page(self.page_ids(bottom, top, self.sample[top - 1]), number, self)

    def page_ids(self, bottom: int, top: int, last: tuple) -> list[int]:
        """The ids of the matches from `bottom` to `top` in name order, `last` the name
        key of the match at `top`."""
        return list(up_to(self.object_list, last).values_list("pk", flat=True)[bottom:top])


def up_to(qs, last: tuple):
    """`qs` from its start up to `last` (a name-order key), in name order."""
    quote = connections[qs.db].ops.quote_name
    columns = ", ".join(f"{quote(qs.model._meta.db_table)}.{quote(c)}" for c in NAME_ORDER)
    # Quoted column names; the values are parameters.
    up_to_last = RawSQL(f"({columns}) <= (%s, %s, %s)", last, output_field=BooleanField())  # noqa: S611
    # NULLS FIRST (the columns hold no NULLs: the same order) keeps the planner from
    # walking the name index from its start, which is what costs.
    return qs.filter(up_to_last, last_name__lte=last[0]).order_by(
        *(F(c).asc(nulls_first=True) for c in NAME_ORDER)
    )


class CompiledPaginator(CappedPaginator):
    """A CappedPaginator over SQL compiled once (participants/caseload_query.py):
    `source.found(limit)` counts up to `limit` rows, `source.ids(bottom, size)` gives the
    ids of a page. The same counts and pages as over the queryset."""

    @cached_property
    def found(self) -> int:
        return self.object_list.found(self.cap + 1)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)  # Paginator.page without orphans
        # A page's ids are read whole (one compiled query for every page size) and cut.
        ids = self.object_list.ids(bottom, self.per_page)[: top - bottom] if top > bottom else []
        return self._get_page(ids, number, self)


class CompiledSearchPaginator(SearchPaginator):
    """A SearchPaginator over SQL compiled once: `source.sample(limit)` and
    `source.ids_up_to(last, bottom, size)`."""

    @cached_property
    def sample(self) -> list[tuple]:
        return self.object_list.sample(self.cap + 1)

    def page_ids(self, bottom: int, top: int, last: tuple) -> list[int]:
        return self.object_list.ids_up_to(last, bottom, self.per_page)[: top - bottom]
