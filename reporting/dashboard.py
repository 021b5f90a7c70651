"""The coordinator's overview: this year's figures beside the targets, inflow and
outflow per month, and per coach what needs attention. A fixed number of queries."""

import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from participants import quality
from participants.lifecycle import OPEN_PHASES
from participants.models import (
    CoachOpenFiles,
    OpenPhaseDay,
    Participant,
    Placement,
    ProgressEntry,
    Signal,
    TrajectoryKind,
)
from participants.querysets import attention_dates

from .counts import active_on, event_counts, per_month
from .figures import CREDENTIAL_KINDS, PRE, Period
from .report import Cell, bar_chart, figure_label, targets, trajectories_label


def _coach_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or username or "–"


COACHES_PER_PAGE = 25


def _of(coaches: list[int | None] | None, prefix: str = "") -> Q:
    """Rows of the participants of `coaches` (None in it: no coach; all when not given)."""
    if coaches is None:
        return Q()
    found = Q(**{f"{prefix}coach__in": [c for c in coaches if c is not None]})
    return found | Q(**{f"{prefix}coach__isnull": True}) if None in coaches else found


def attention_per_coach(
    today: datetime.date | None = None, coaches: list | None = None, names: dict | None = None
) -> list[dict]:
    """Per coach (of `coaches`, default all; the dashboard asks for a page of 25): open
    files, and of those the participants with an open signal, without contact in 14 days,
    with a placement ending; the same rule as `querysets.attention()` (tested to agree).
    Two queries: the coaches' open files with their phase, whether they had a recent
    contact and whether they have an open signal, each looked up through the
    participant's index (a grouped count over every open signal or every file in an open
    phase reads far more rows than the page's files); and the placements ending soon,
    counted from their side, where they are few."""
    today = today or timezone.localdate()
    since, ending_before = attention_dates(today)
    open_files = Participant.objects.open_files(today).filter(_of(coaches))
    open_file = (Q(participant__closed_on__isnull=True) | Q(participant__closed_on__gt=today)) & _of(
        coaches, "participant__"
    )
    # A placement ending soon counts when it is the participant's current placement:
    # no other current placement started after it.
    later = Placement.objects.filter(
        participant=OuterRef("participant"), start__gt=OuterRef("start"), start__lte=today
    )
    later = later.filter(Q(end__isnull=True) | Q(end__gte=today))
    ending = dict(
        Placement.objects.filter(open_file, start__lte=today, end__gte=today, end__lte=ending_before)
        .exclude(Exists(later))
        .values_list("participant__coach")
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
    recent = ProgressEntry.objects.filter(participant=OuterRef("pk"), date__gte=since)
    # Participants with an open signal, like every other column (and the list it links
    # to), not the signals themselves.
    signal = Signal.objects.filter(participant=OuterRef("pk"), closed_on__isnull=True)
    files, in_open_phase, in_touch, with_signal = Counter(), Counter(), Counter(), Counter()
    for coach, phase, touched, signalled in (
        open_files.with_phase(today)
        .annotate(touched=Exists(recent), signalled=Exists(signal))
        .values_list("coach", "phase", "touched", "signalled")
    ):
        files[coach] += 1
        with_signal[coach] += signalled
        if phase in OPEN_PHASES:
            in_open_phase[coach] += 1
            in_touch[coach] += touched
    if names is None:  # the coach table passes the names it has already read
        names = _coach_names([coach for coach in files if coach])
    found = [
        {
            "coach_id": coach,
            "coach": names.get(coach, "–"),
            "files": n,
            "signals": with_signal[coach],
            "no_contact": in_open_phase[coach] - in_touch[coach],
            "ending": ending.get(coach, 0),
        }
        for coach, n in files.items()
    ]
    return sorted(found, key=lambda r: (r["coach_id"] is None, r["coach"].lower()))


def _coach_names(pks: list[int]) -> dict[int, str]:
    return {
        pk: _coach_name(*name)
        for pk, *name in get_user_model()
        .objects.filter(pk__in=pks)
        .values_list("pk", "first_name", "last_name", "username")
    }


def _with_open_files(today: datetime.date) -> Q:
    """Users who coach an open file on `today`: a file not closed at all (CoachOpenFiles,
    kept by the database) or one that closes after today (found through `closed_on`'s
    index), instead of probing every coach's caseload."""
    kept = CoachOpenFiles.objects.filter(n__gt=0).values("coach_id")
    later = Participant.objects.filter(closed_on__gt=today).values("coach")
    return Q(pk__in=kept) | Q(pk__in=later)


class _Listed:
    """The coaches of the table in name order (as `_coach_name` reads, lower case, then
    id), "no coach" (None) last, read from the database a page at a time: a count and the
    page's rows, instead of every coach's name sorted in Python."""

    def __init__(self, coaches, no_coach: bool):
        name = Trim(Concat("first_name", Value(" "), "last_name"))
        self.coaches = coaches.annotate(sort_name=Lower(Coalesce(NullIf(name, Value("")), "username")))
        self.coaches = self.coaches.order_by("sort_name", "pk").values_list(
            "pk", "first_name", "last_name", "username"
        )
        self.no_coach = no_coach

    @cached_property
    def found(self) -> int:
        return self.coaches.count()

    def __len__(self) -> int:
        return self.found + self.no_coach

    def __getitem__(self, part: slice) -> list:
        rows = list(self.coaches[part.start : min(part.stop, self.found)]) if part.start < self.found else []
        return rows + [None] if self.no_coach and part.stop > self.found else rows


def coach_table(today: datetime.date, page_number=None) -> Page:
    """One page of the coach table: the coaches with open files or with participants
    failing a data-quality check (open or closed files), by name, "no coach" last, each
    with what needs attention and the number failing. Listing the page's coaches takes
    three queries; the counts are computed for the page's coaches only, so a programme
    with 25,000 coaches costs about what one with 25 does."""
    failing = quality.per_coach()
    coaches = get_user_model().objects.filter(
        _with_open_files(today) | Q(pk__in=[pk for pk in failing if pk])
    )
    no_coach = None in failing or Participant.objects.open_files(today).filter(coach__isnull=True).exists()
    page = Paginator(_Listed(coaches, no_coach), COACHES_PER_PAGE).get_page(page_number)
    names = {row[0]: _coach_name(*row[1:]) for row in page.object_list if row is not None}
    listed = [row and row[0] for row in page.object_list]
    counts = {r["coach_id"]: r for r in attention_per_coach(today, listed, names)}
    none = {"files": 0, "signals": 0, "no_contact": 0, "ending": 0}
    page.object_list = [
        {
            "coach_id": pk,
            "coach": names.get(pk, "–"),
            **none,
            **counts.get(pk, {}),
            "quality": failing.get(pk, 0),
        }
        for pk in listed
    ]
    return page


def phase_counts(today: datetime.date) -> Counter:
    """Open files per phase on `today`, as `Participant.objects.open_files(today)
    .phase_counts(today)` gives them: where the stored phase holds, summed from
    OpenPhaseDay (a few rows per day, kept by the database); the rest (stored phase
    empty, ahead or expired since the nightly refresh) computed live, found through the
    indexes on phase_on and phase_until."""
    counts = Counter(
        dict(
            OpenPhaseDay.objects.filter(date__lte=today).values_list("phase").annotate(n=Sum("n")).order_by()
        )
    )
    counts.update(
        dict(
            Participant.objects.open_files(today)
            .phase_stale(today)
            .with_phase(today)
            .values_list("phase")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    return +counts


def per_phase(today: datetime.date) -> list[dict]:
    """Open files per phase (two cheap queries)."""
    counts = phase_counts(today)
    return [{"phase": p.value, "label": p.label, "count": counts.get(p.value, 0)} for p in OPEN_PHASES]


def year_cells(year: Period, today: datetime.date) -> list[tuple[str, Cell]]:
    """This year's figures of rules 1-3, 5, 6 and 7 (on today), read from the events the
    database keeps (reporting/counts.py) as compute_figures reads them: the dashboard
    needs these few, not the whole report (employers, hours, credentials)."""
    counts = event_counts(year.start, year.end, ["instroom", "traject", "uitval", "uitstroom_werk"])
    active = active_on(today)

    def cell(figure: str, n: int, key: str = "") -> Cell:
        return Cell(n, str(n), figure, key)

    return [
        (_("New participants (inflow)"), cell("instroom", counts.of(None, "instroom"))),
        (TrajectoryKind.PRE_TRAJECTORY.label, cell("voortraject", counts.of(None, "traject", PRE))),
        *[
            (trajectories_label(k), cell("trajecten", counts.of(None, "traject", k), k))
            for k in CREDENTIAL_KINDS
        ],
        (_("Dropout"), cell("uitval", counts.of(None, "uitval"))),
        (
            _("Outflow to work or education"),
            cell("uitstroom_werk_of_opleiding", counts.of(None, "uitstroom_werk")),
        ),
        *[
            (figure_label("lopend_op_peildatum", k), cell("lopend_op_peildatum", active.get(k, 0), k))
            for k in TrajectoryKind.values
        ],
    ]


def dashboard(today: datetime.date | None = None, page_number=None) -> dict:
    today = today or timezone.localdate()
    year = Period.year(today.year)
    monthly = per_month(today.year, ["instroom", "uitstroom"])
    inflow, outflow = monthly["instroom"], monthly["uitstroom"]
    months = list(range(1, 13))
    chart = bar_chart(
        _("Inflow and outflow per month, %(year)s") % {"year": today.year},
        [MONTHS_3[m] for m in months],
        [
            (_("Inflow"), [inflow.get(m, 0) for m in months]),
            (_("Outflow"), [outflow.get(m, 0) for m in months]),
        ],
        {"suppress": False, "threshold": 5},
    )
    return {
        "today": today,
        "year": year,
        "cells": year_cells(year, today),
        "targets": targets(Period(today, today)),
        "chart": chart,
        "page": (page := coach_table(today, page_number)),
        "coaches": page.object_list,
        "phases": per_phase(today),
        "quality": quality.counts(participants=True),
    }
