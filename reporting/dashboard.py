"""The coordinator's overview: this year's figures beside the targets, inflow and
outflow per month, and per coach what needs attention. A fixed number of queries."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from participants import quality
from participants.lifecycle import OPEN_PHASES
from participants.models import Outflow, Participant, TrajectoryKind
from participants.querysets import attention

from .figures import Period, compute_figures, instroom_per
from .report import Cell, bar_chart, figure_label, targets, trajectories_label


def _coach_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or username or "–"


def attention_per_coach(today: datetime.date | None = None) -> list[dict]:
    """Per coach: open files, open signals, no contact in 14 days, placements ending."""
    today = today or timezone.localdate()
    flags = attention(today)
    rows = (
        Participant.objects.open_files(today)
        .with_overview(today)
        .values("coach", "coach__username", "coach__first_name", "coach__last_name")
        .annotate(
            files=Count("pk"),
            signals=Sum("open_signals", output_field=IntegerField()),
            no_contact=Count("pk", filter=flags["no_contact"]),
            ending=Count("pk", filter=flags["placement_ending"]),
        )
        .order_by("coach__first_name", "coach__username")
    )
    return [
        {
            "coach_id": r["coach"],
            "coach": _coach_name(r["coach__first_name"], r["coach__last_name"], r["coach__username"]),
            "files": r["files"],
            "signals": r["signals"] or 0,
            "no_contact": r["no_contact"],
            "ending": r["ending"],
        }
        for r in rows
    ]


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
    inflow = instroom_per("month", year)
    outflow = dict(
        Outflow.objects.filter(date__year=today.year)
        .annotate(m=ExtractMonth("date"))
        .values_list("m")
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
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
