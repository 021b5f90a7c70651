"""The coordinator's overview: this year's figures beside the targets, inflow and
outflow per month, and per coach what needs attention. A fixed number of queries."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from participants import quality
from participants.lifecycle import OPEN_PHASES
from participants.models import Participant, Placement, Signal, TrajectoryKind
from participants.querysets import attention, attention_dates

from .counts import per_month
from .figures import Period, compute_figures
from .report import Cell, bar_chart, figure_label, targets, trajectories_label


def _coach_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or username or "–"


def attention_per_coach(today: datetime.date | None = None) -> list[dict]:
    """Per coach: open files, open signals, no contact in 14 days, placements ending.
    Three grouped queries, each from the side where the rows are few (open signals,
    placements ending soon), instead of the caseload's per-row overview over every open
    file; the same rule as `querysets.attention()` (tested to agree)."""
    today = today or timezone.localdate()
    flags = attention(today)
    _, ending_before = attention_dates(today)
    open_file = Q(participant__closed_on__isnull=True) | Q(participant__closed_on__gt=today)
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
    rows = (
        Participant.objects.open_files(today)
        .values_list("coach")
        .annotate(files=Count("pk"), no_contact=Count("pk", filter=flags["no_contact"]))
        .order_by()
    )
    names = {
        pk: _coach_name(*name)
        for pk, *name in get_user_model()
        .objects.filter(pk__in=[coach for coach, *_ in rows if coach])
        .values_list("pk", "first_name", "last_name", "username")
    }
    found = [
        {
            "coach_id": coach,
            "coach": names.get(coach, "–"),
            "files": files,
            "signals": signals.get(coach, 0),
            "no_contact": no_contact,
            "ending": ending.get(coach, 0),
        }
        for coach, files, no_contact in rows
    ]
    return sorted(found, key=lambda r: (r["coach_id"] is None, r["coach"].lower()))


def per_phase(today: datetime.date) -> list[dict]:
    """Open files per phase (stored phases, so one cheap query)."""
    counts = dict(
        Participant.objects.open_files(today)
        .with_phase(today)
        .values_list("phase")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [{"phase": p.value, "label": p.label, "count": counts.get(p.value, 0)} for p in OPEN_PHASES]


def with_quality(coaches: list[dict]) -> list[dict]:
    """Add per coach the participants with incomplete or inconsistent data (open or
    closed files), including coaches who only have such closed files."""
    failing = quality.per_coach()
    rows = {c["coach_id"]: c | {"quality": failing.pop(c["coach_id"], 0)} for c in coaches}
    if failing:
        names = {
            pk: _coach_name(*name)
            for pk, *name in get_user_model()
            .objects.filter(pk__in=[pk for pk in failing if pk])
            .values_list("pk", "first_name", "last_name", "username")
        }
        for pk, n in failing.items():
            rows[pk] = {
                "coach_id": pk,
                "coach": names.get(pk, "–"),
                "files": 0,
                "signals": 0,
                "no_contact": 0,
                "ending": 0,
                "quality": n,
            }
    return sorted(rows.values(), key=lambda r: (r["coach_id"] is None, r["coach"].lower()))


def dashboard(today: datetime.date | None = None) -> dict:
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
        "coaches": with_quality(attention_per_coach(today)),
        "phases": per_phase(today),
        "quality": quality.counts(participants=True),
    }
