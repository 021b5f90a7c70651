"""The coordinator's overview: this year's figures beside the targets, inflow and
outflow per month, and per coach what needs attention. A fixed number of queries."""

import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.dates import MONTHS_3
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

from .counts import per_month
from .figures import Period, compute_figures
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
    """Per coach (of `coaches`, default all): open files, open signals, no contact in 14
    days, placements ending. Four grouped queries, each from the side where the rows are
    few (open signals, placements ending soon, files with recent contact), instead of the
    caseload's per-row overview over every open file; the same rule as
    `querysets.attention()` (tested to agree). "No contact" is the files in an open phase
    minus those with a recent contact: counting those is a semi-join over the last weeks'
    entries, where a filter inside the count would probe the entries once per file."""
    today = today or timezone.localdate()
    since, ending_before = attention_dates(today)
    open_files = Participant.objects.open_files(today).filter(_of(coaches))
    open_file = (Q(participant__closed_on__isnull=True) | Q(participant__closed_on__gt=today)) & _of(
        coaches, "participant__"
    )
    signals = dict(
        Signal.objects.filter(open_file, closed_on__isnull=True)
        .values_list("participant__coach")
        .annotate(n=Count("pk"))
        .order_by()
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
    in_touch = dict(
        open_files.in_phase(OPEN_PHASES, today)
        .filter(Exists(recent))
        .values_list("coach")
        .annotate(n=Count("pk"))
        .order_by()
    )
    files, in_open_phase = Counter(), Counter()
    for coach, phase, n in (
        open_files.with_phase(today).values_list("coach", "phase").annotate(n=Count("pk")).order_by()
    ):
        files[coach] += n
        in_open_phase[coach] += n if phase in OPEN_PHASES else 0
    if names is None:  # the coach table passes the names it has already read
        names = _coach_names([coach for coach in files if coach])
    found = [
        {
            "coach_id": coach,
            "coach": names.get(coach, "–"),
            "files": n,
            "signals": signals.get(coach, 0),
            "no_contact": in_open_phase[coach] - in_touch.get(coach, 0),
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


def coach_table(today: datetime.date, page_number=None) -> Page:
    """One page of the coach table: the coaches with open files or with participants
    failing a data-quality check (open or closed files), by name, "no coach" last, each
    with what needs attention and the number failing. Listing the coaches takes two
    queries; the counts are computed for the page's coaches only, so a programme with
    2,500 coaches costs what one with 25 does."""
    failing = quality.per_coach()
    coaches = (
        get_user_model()
        .objects.filter(_with_open_files(today) | Q(pk__in=[pk for pk in failing if pk]))
        .values_list("pk", "first_name", "last_name", "username")
    )
    names = {pk: _coach_name(*name) for pk, *name in coaches}
    listed = sorted(names, key=lambda pk: (names[pk].lower(), pk))
    if None in failing or Participant.objects.open_files(today).filter(coach__isnull=True).exists():
        listed.append(None)
    page = Paginator(listed, COACHES_PER_PAGE).get_page(page_number)
    counts = {r["coach_id"]: r for r in attention_per_coach(today, list(page.object_list), names)}
    none = {"files": 0, "signals": 0, "no_contact": 0, "ending": 0}
    page.object_list = [
        {
            "coach_id": pk,
            "coach": names.get(pk, "–"),
            **none,
            **counts.get(pk, {}),
            "quality": failing.get(pk, 0),
        }
        for pk in page.object_list
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


def dashboard(today: datetime.date | None = None, page_number=None) -> dict:
    today = today or timezone.localdate()
    year = Period.year(today.year)
    figures = compute_figures(year, today)
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
    t = figures.totals
    cells = [
        (_("New participants (inflow)"), Cell(t.instroom, str(t.instroom), "instroom")),
        (TrajectoryKind.PRE_TRAJECTORY.label, Cell(t.voortraject, str(t.voortraject), "voortraject")),
        *[(trajectories_label(k), Cell(n, str(n), "trajecten", k)) for k, n in t.trajecten.items()],
        (_("Dropout"), Cell(t.uitval, str(t.uitval), "uitval")),
        (
            _("Outflow to work or education"),
            Cell(
                t.uitstroom_werk_of_opleiding,
                str(t.uitstroom_werk_of_opleiding),
                "uitstroom_werk_of_opleiding",
            ),
        ),
        *[
            (figure_label("lopend_op_peildatum", k), Cell(n, str(n), "lopend_op_peildatum", k))
            for k, n in figures.lopend_op_peildatum.items()
        ],
    ]
    return {
        "today": today,
        "year": year,
        "figures": figures,
        "cells": cells,
        "targets": targets(Period(today, today)),
        "chart": chart,
        "page": (page := coach_table(today, page_number)),
        "coaches": page.object_list,
        "phases": per_phase(today),
        "quality": quality.counts(participants=True),
    }
