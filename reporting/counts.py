"""Distinct participants per figure, per calendar year and over a whole period, read
from the events the database keeps beside the records (participants/models/rollups.py).

A participant counts once in [a, b] exactly when one of their events of the figure
falls in [a, b] and the one before it (if any) falls before a. Whole months come from
FigureMonth, where that is a sum over a few rows per month; the days of a period
outside whole months, and the events whose previous event falls in the part of the
first month before the period starts, come from FigureEvent. Two queries (one for a
period of whole months) whatever the number of participants; the same numbers as
counting distinct participants over the records (tests/reporting/test_figure_rollup.py).
"""

import datetime
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Count, DateField, F, Q, Sum, Value
from django.db.models.functions import ExtractMonth, ExtractYear, Greatest, TruncYear

from participants.models import FigureEvent, FigureMonth

DAY = datetime.timedelta(days=1)


def _month_start(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def _next_month(d: datetime.date) -> datetime.date:
    return (d.replace(day=28) + 4 * DAY).replace(day=1)


@dataclass
class Counts:
    """Counts per (figure, item): `years[year]` for the calendar year's part of the
    period, `total` for the whole period (each participant once)."""

    years: dict[int, dict[tuple[str, str], int]] = field(default_factory=lambda: defaultdict(dict))
    total: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, year: int | None, figure: str, item: str, n: int) -> None:
        target = self.total if year is None else self.years[year]
        target[(figure, item)] = target.get((figure, item), 0) + n

    def of(self, year: int | None, figure: str, item: str = "") -> int:
        return (self.total if year is None else self.years.get(year, {})).get((figure, item), 0)

    def items(self, year: int | None, figure: str) -> dict[str, int]:
        """Per item of a figure (a figure split by kind, reason or work process)."""
        found = self.total if year is None else self.years.get(year, {})
        return {item: n for (f, item), n in found.items() if f == figure}


def event_counts(start: datetime.date, end: datetime.date, figures: list[str] | None = None) -> Counts:
    """Distinct participants per figure and item in [start, end], per calendar year and in
    total (only `figures` when given)."""
    counts = Counts()
    first_full = start if start.day == 1 else _next_month(start)
    last_full_end = end if (end + DAY).day == 1 else _month_start(end) - DAY
    whole = first_full <= last_full_end
    start_month = _month_start(start)

    months = FigureMonth.objects.filter(month__gte=first_full, month__lte=last_full_end)
    if figures is not None:
        months = months.filter(figure__in=figures)
    # For a year's part, "before the part starts" is before 1 January, or before the
    # period's first month in its first year; for the total, before the first month.
    year_start = Greatest(TruncYear("month"), Value(start_month), output_field=DateField())
    rows = (
        months.annotate(y=ExtractYear("month"))
        .values_list("figure", "item", "y")
        .annotate(
            in_year=Sum("n", filter=Q(prev_month__lt=year_start)),
            in_total=Sum("n", filter=Q(prev_month__lt=start_month)),
        )
        .order_by()
    )
    if whole:
        for figure, item, year, in_year, in_total in rows:
            counts.add(year, figure, item, in_year or 0)
            counts.add(None, figure, item, in_total or 0)

    # The days outside whole months, and in whole months the events whose previous event
    # falls in the first month before `start` (the sums above left them out).
    days = []
    if not whole:
        days.append(Q(date__gte=start, date__lte=end))
    else:
        if start < first_full:
            days.append(Q(date__gte=start, date__lt=first_full))
        if end > last_full_end:
            days.append(Q(date__gt=last_full_end, date__lte=end))
        if start > start_month:
            before = Q(prev_date__gte=start_month, prev_date__lt=start)
            days.append(before & Q(date__gte=first_full, date__lte=last_full_end))
    if not days:
        return counts
    events = FigureEvent.objects.filter(reduce(operator.or_, days))
    if figures is not None:
        events = events.filter(figure__in=figures)
    for figure, item, d, prev in events.values_list("figure", "item", "date", "prev_date").order_by():
        if whole and first_full <= d <= last_full_end:
            # Its previous event falls in [start_month, start): before the period.
            counts.add(None, figure, item, 1)
            if d.year == start.year:
                counts.add(d.year, figure, item, 1)
            continue
        part_start = max(start, datetime.date(d.year, 1, 1))
        if prev is None or prev < part_start:
            counts.add(d.year, figure, item, 1)
        if prev is None or prev < start:
            counts.add(None, figure, item, 1)
    return counts


def per_month(year: int, figures: list[str]) -> dict[str, dict[int, int]]:
    """Distinct participants per month of a calendar year, per figure (item "")."""
    rows = (
        FigureMonth.objects.filter(figure__in=figures, item="", month__year=year)
        .annotate(m=ExtractMonth("month"))
        .values_list("figure", "m")
        .annotate(n=Sum("n", filter=Q(prev_month__lt=F("month"))))
        .order_by()
    )
    found: dict[str, dict[int, int]] = {f: {} for f in figures}
    for figure, month, n in rows:
        found[figure][month] = n or 0
    return found


def active_on(day: datetime.date) -> dict[str, int]:
    """Rule 7: per trajectory kind, the participants with a trajectory of the kind running
    on `day` who have not left on it. Each spell of a participant in a kind is a
    "lopend_in" event where it starts and a "lopend_uit" event where it stops, so the
    count is the starts minus the stops on or before the day: whole months from
    FigureMonth, the days of the day's month from FigureEvent, in one query."""
    figures = ["lopend_in", "lopend_uit"]
    months = (
        FigureMonth.objects.filter(figure__in=figures, month__lt=_month_start(day))
        .values_list("figure", "item")
        .annotate(n=Sum("n"))
        .order_by()
    )
    days = (
        FigureEvent.objects.filter(figure__in=figures, date__gte=_month_start(day), date__lte=day)
        .values_list("figure", "item")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[str, int] = defaultdict(int)
    for figure, item, n in months.union(days, all=True):
        found[item] += (n or 0) if figure == "lopend_in" else -(n or 0)
    return found
