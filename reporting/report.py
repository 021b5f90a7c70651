"""Lays the figures out as the chapters of the funder report: tables (with optional
small-number suppression), bar charts, targets, partners and data-quality warnings.
The same context feeds the PDF, the browser version and the HTML export."""

import datetime

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants import quality
from participants.models import DropoutReason, Organisation, Outflow, ProgressEntry, TrajectoryKind

from .cells import Cell
from .figures import (
    CREDENTIAL_KINDS,
    NO_REASON,
    TOP_EMPLOYERS,
    Figures,
    Period,
    compute_figures,
    target_figures,
)
from .models import TARGET_FIELDS, ProjectYear, ReportEdition
from .report_support import COUNTING_RULES as SUPPORT_RULES
from .report_support import support_context, support_label

# Trajectory and outflow kinds are labelled by their model choices. The hours table
# names the kinds of contact in the plural ("Lessons" where a record is a "Lesson"), so
# it keeps its own labels, here and nowhere else.
HOURS_LABELS = {
    ProgressEntry.Kind.COACHING: gettext_lazy("Coaching"),
    ProgressEntry.Kind.LESSON: gettext_lazy("Lessons"),
    ProgressEntry.Kind.WORKPLACE_VISIT: gettext_lazy("Workplace visits"),
    ProgressEntry.Kind.THREE_WAY: gettext_lazy("Three-way talks"),
    ProgressEntry.Kind.PHONE: gettext_lazy("Phone call"),
    ProgressEntry.Kind.EVALUATION: gettext_lazy("Evaluations"),
}
assert set(HOURS_LABELS) == set(ProgressEntry.Kind.values)
COLOURS = ["#1f5f99", "#e08a1e", "#3a9a5b", "#b03a48", "#7a5ea8"]


def suppress(values: list[int], total: int | None, threshold: int) -> tuple[list[str], str | None]:
    """Hide counts between 1 and threshold-1 as "<threshold". When one cell alone is hidden
    and a total is shown, the smallest other non-zero cell is hidden too, so the total
    does not give the hidden number away."""
    label = f"<{threshold}"
    hidden = {i for i, v in enumerate(values) if 0 < v < threshold}
    if total is not None and len(hidden) == 1:
        others = sorted((v, i) for i, v in enumerate(values) if i not in hidden and v > 0)
        if others:
            hidden.add(others[0][1])
    shown = [label if i in hidden else str(v) for i, v in enumerate(values)]
    total_shown = None if total is None else (label if 0 < total < threshold else str(total))
    return shown, total_shown


def _row(label, figure, key, values, total, years, options) -> dict:
    if options["suppress"]:
        shown, total_shown = suppress(values, total, options["threshold"])
    else:
        shown, total_shown = [str(v) for v in values], str(total)
    cells = [Cell(v, s, figure, key, y) for v, s, y in zip(values, shown, years, strict=True)]
    return {"label": label, "cells": cells, "total": Cell(total, total_shown, figure, key)}


def trajectories_label(kind: str) -> str:
    """The row label of the trajectories of one kind ("Practice statement trajectories")."""
    return _("%(kind)s trajectories") % {"kind": TrajectoryKind(kind).label}


def achieved_label(kind: str) -> str:
    return _("%(kind)s achieved") % {"kind": TrajectoryKind(kind).label}


def figure_label(figure: str, key: str = "") -> str:
    """What a figure of reporting.figures is called, with its kind, reason or employer."""
    kinds = dict(TrajectoryKind.choices)
    if key and figure in ("trajecten", "behaald", "lopend_op_peildatum") and key not in kinds:
        return f"{figure}: {key}"
    match figure:
        case "instroom":
            return _("New participants (inflow)")
        case "voortraject":
            return str(TrajectoryKind.PRE_TRAJECTORY.label)
        case "trajecten":
            return trajectories_label(key)
        case "behaald":
            return achieved_label(key)
        case "lopend_op_peildatum":
            return _("Still active: %(kind)s") % {"kind": kinds[key].lower()}
        case "uitval":
            return _("Dropout")
        case "uitval_per_reden":
            reason = DropoutReason.objects.filter(code=key).values_list("label", flat=True).first()
            return f"{_('Dropout')}: {reason or _('No reason recorded')}"
        case "uitstroom":
            return _("Outflow")
        case "uitstroom_per_soort":
            return f"{_('Outflow')}: {dict(Outflow.Kind.choices).get(key, key)}"
        case "uitstroom_werk_of_opleiding":
            return _("Outflow to work or education")
        case "uitstroom_duurzaam":
            return _("Sustained outflow (after 6 and 12 months)")
        case "werkgever" if key:
            return f"{_('Employer')}: {key}"
        case "werkgever":
            return _("Employers with outflow")
        case "werkgevers_overig":
            return _("Employers with outflow outside the list")
        case "werkprocessen_beheerst" | "deelnemers_met_beheerst_werkproces" | "gegroeid":
            return str(LEARNING_LABELS[figure])
    return support_label(figure, key) or figure


LEARNING_LABELS = {
    "werkprocessen_beheerst": gettext_lazy("Work processes mastered"),
    "deelnemers_met_beheerst_werkproces": gettext_lazy("Participants who mastered a work process"),
    "gegroeid": gettext_lazy("Participants who grew a step"),
}


def learning_table(figures: Figures, options: dict) -> list[dict]:
    """Chapter 10: rules 10-11 per year, with totals."""
    years = [r.year for r in figures.years]
    return [
        _row(
            str(label),
            figure,
            "",
            [getattr(r, figure) for r in figures.years],
            getattr(figures.totals, figure),
            years,
            options,
        )
        for figure, label in LEARNING_LABELS.items()
    ]


def yearly_table(figures: Figures, options: dict) -> list[dict]:
    """Chapter 3: one row per figure of rules 1-6, one column per year, with totals."""
    years = [r.year for r in figures.years]
    t = figures.totals

    def row(label, figure, key, get):
        return _row(label, figure, key, [get(r) for r in figures.years], get(t), years, options)

    rows = [
        row(_("New participants (inflow)"), "instroom", "", lambda r: r.instroom),
        row(TrajectoryKind.PRE_TRAJECTORY.label, "voortraject", "", lambda r: r.voortraject),
    ]
    for kind in CREDENTIAL_KINDS:
        rows.append(row(trajectories_label(kind), "trajecten", kind, lambda r, k=kind: r.trajecten[k]))
    for kind in CREDENTIAL_KINDS:
        rows.append(row(achieved_label(kind), "behaald", kind, lambda r, k=kind: r.behaald[k]))
    rows += [
        row(_("Dropout"), "uitval", "", lambda r: r.uitval),
        row(
            _("Outflow to work or education"),
            "uitstroom_werk_of_opleiding",
            "",
            lambda r: r.uitstroom_werk_of_opleiding,
        ),
        row(
            _("Sustained outflow (after 6 and 12 months)"),
            "uitstroom_duurzaam",
            "",
            lambda r: r.uitstroom_duurzaam,
        ),
    ]
    return rows


def breakdown_table(figures: Figures, figure: str, labels: dict, get, options) -> list[dict]:
    """Dropout per reason or outflow per kind, per year, with totals."""
    years = [r.year for r in figures.years]
    rows = []
    for key, label in labels.items():
        values = [get(r).get(key, 0) for r in figures.years]
        total = get(figures.totals).get(key, 0)
        if total or key != NO_REASON:
            rows.append(_row(label, figure, key, values, total, years, options))
    return rows


def nice_step(peak: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... with four steps reaching the peak."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude * 4 >= peak:
                return factor * magnitude
        magnitude *= 10


def bar_chart(title: str, years: list[int], series: list[tuple[str, list[int]]], options: dict) -> dict:
    """Geometry of a grouped bar chart; the template draws it as SVG (text stays text)."""
    width, height, left, bottom, top = 330, 170, 28, 26, 14
    plot_h = height - bottom - top
    hidden = options["suppress"]
    threshold = options["threshold"]
    peak = max([v for _name, vals in series for v in vals] + [1])
    step = nice_step(peak)
    left = max(left, 10 + 6 * len(str(step * 4)))  # room for the widest axis label
    ticks = [{"y": top + plot_h - plot_h * t / (step * 4), "label": t} for t in range(0, step * 5, step)]
    scale = plot_h / (step * 4)
    group_w = (width - left - 10) / max(len(years), 1)
    bar_w = min(34, (group_w - 10) / max(len(series), 1))
    bars, labels = [], []
    for gi, year in enumerate(years):
        gx = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        labels.append({"x": left + gi * group_w + group_w / 2, "y": height - 10, "text": str(year)})
        for si, (_name, values) in enumerate(series):
            v = values[gi]
            small = hidden and 0 < v < threshold
            h = 0 if small else v * scale
            x = gx + si * bar_w
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(top + plot_h - h, 1),
                    "w": round(bar_w - 2, 1),
                    "h": round(h, 1),
                    "colour": COLOURS[si % len(COLOURS)],
                    "text": f"<{threshold}" if small else str(v),
                    "tx": round(x + (bar_w - 2) / 2, 1),
                    "ty": round(top + plot_h - h - 3, 1),
                }
            )
    legend = (
        [
            {"name": name, "colour": COLOURS[i % len(COLOURS)], "x": left, "y": height + 4 + i * 13}
            for i, (name, _v) in enumerate(series)
        ]
        if len(series) > 1
        else []
    )
    return {
        "title": title,
        "width": width,
        "height": height + 13 * len(legend),
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "left": left,
        "right": width - 10,
        "base": top + plot_h,
        "legend": legend,
    }


def target_cell(figure: str, value: int, period: Period) -> Cell:
    """A project year's realised figure, traceable over that project year (the
    trajectories of one kind are traced as "trajecten" with the kind as key)."""
    if figure in TrajectoryKind.values and figure != TrajectoryKind.PRE_TRAJECTORY:
        return Cell(value, str(value), "trajecten", figure, period=period)
    return Cell(value, str(value), figure, period=period)


def targets(period: Period) -> list[dict]:
    """Target beside realised figure, for each project year that overlaps the period."""
    result = []
    for py in ProjectYear.objects.filter(start__lte=period.end, end__gte=period.start):
        year = Period(py.start, py.end)
        realised = target_figures(year)
        rows = [
            {
                # Under a column headed "Target": the figure's own name, not "target: ...".
                "label": trajectories_label(figure)
                if figure in TrajectoryKind.values
                else figure_label(figure),
                "target": getattr(py, field),
                "realised": target_cell(figure, realised[figure], year),
            }
            for field, figure in TARGET_FIELDS.items()
            if getattr(py, field) is not None
        ]
        result.append({"project_year": py, "rows": rows})
    return result


def partners() -> dict:
    """Chapter 9: partners and employers with their role, from the organisations."""
    orgs = Organisation.objects.filter(active=True).exclude(role="")
    return {
        "partner_orgs": list(orgs.exclude(kind=Organisation.Kind.EMPLOYER).order_by("kind", "name")),
        "employer_orgs": list(orgs.filter(kind=Organisation.Kind.EMPLOYER).order_by("name")),
    }


# The appendix of the report: each counting rule of reporting/figures.py in words.
COUNTING_RULES = [
    (
        gettext_lazy("Inflow"),
        gettext_lazy(
            "Participants whose first trajectory (of any kind, pre-trajectory included) starts in the "
            "period. Each participant therefore counts once: the sum over the years is the number of "
            "unique participants."
        ),
    ),
    (
        gettext_lazy("Pre-trajectory"),
        gettext_lazy("Participants with a pre-trajectory that starts in the period."),
    ),
    (
        gettext_lazy("Trajectories per kind"),
        gettext_lazy(
            "Participants with a trajectory of that kind (practice statement, experience certificate, "
            "partial certificate) that starts in the period; a participant counts once per kind."
        ),
    ),
    (
        gettext_lazy("Achieved"),
        gettext_lazy(
            "Certificates with a date of achievement in the period, per kind (this counts certificates, "
            "not participants)."
        ),
    ),
    (
        gettext_lazy("Dropout"),
        gettext_lazy(
            "Participants with a dropout in the period, also per reason. A pause is not dropout; "
            "changing placement is not either."
        ),
    ),
    (
        gettext_lazy("Outflow"),
        gettext_lazy(
            "Participants with an outflow in the period, per kind. Outflow to work or education counts "
            "every kind except 'other'."
        ),
    ),
    (
        gettext_lazy("Active on the reference date"),
        gettext_lazy(
            "Participants with a trajectory that started on or before the reference date, did not end "
            "on or before the reference date, and who had not left on the reference date: their last "
            "dropout or outflow on or before the reference date is not followed by a re-entry on or "
            "before the reference date. A pause does not end a trajectory."
        ),
    ),
    (
        gettext_lazy("Hours"),
        gettext_lazy("The sum of the durations of all contact moments in the period, per kind."),
    ),
    (
        gettext_lazy("Employers with outflow"),
        format_lazy(
            gettext_lazy(
                "The employers of the outflow in the period, with the job titles and the number of "
                "participants: the {n} with the most participants by name, the others together in one line."
            ),
            n=TOP_EMPLOYERS,
        ),
    ),
    (
        gettext_lazy("Sustained outflow"),
        gettext_lazy(
            "Participants with an outflow to work or education in the period who still had work or "
            "education when asked after 6 and after 12 months."
        ),
    ),
    (
        gettext_lazy("Work processes mastered"),
        gettext_lazy(
            "Pairs of a participant and a work process whose first observation at step 4 (independently) "
            "falls in the period; a step back and a new step 4 later does not count again, nor does the "
            "same work process in a second trajectory. Also the participants with at least one."
        ),
    ),
    (
        gettext_lazy("Grown"),
        gettext_lazy(
            "Participants with, in the period, an observation of a work process at a higher step than "
            "their previous observation of that work process (on any earlier date; on the same date the "
            "observation recorded earlier)."
        ),
    ),
    (
        gettext_lazy("Totals"),
        gettext_lazy(
            "A total counts unique participants over the whole period; someone who appears in two years "
            "counts once in the total."
        ),
    ),
]


def report_context(
    period: Period,
    reference_date: datetime.date,
    edition: ReportEdition | None = None,
    suppress_small: bool | None = None,
    threshold: int | None = None,
    figures: Figures | None = None,
) -> dict:
    """Everything a report template needs, for an edition or for a bare period; the
    figures are computed from today's records unless given (a final edition's frozen ones)."""
    options = {
        "suppress": edition.suppress_small if suppress_small is None and edition else bool(suppress_small),
        "threshold": (threshold or (edition.threshold if edition else 5)),
    }
    figures = figures or compute_figures(period, reference_date)
    years = [r.year for r in figures.years]
    dropout_reasons = breakdown_table(
        figures, "uitval_per_reden", figures.reasons, lambda r: r.uitval_per_reden, options
    )
    outflow_kinds = breakdown_table(
        figures, "uitstroom_per_soort", dict(Outflow.Kind.choices), lambda r: r.uitstroom_per_soort, options
    )
    charts = [
        bar_chart(
            _("Inflow per year"),
            years,
            [(_("New participants"), [r.instroom for r in figures.years])],
            options,
        ),
        bar_chart(
            _("Trajectories per year"),
            years,
            [
                (TrajectoryKind.PRE_TRAJECTORY.label, [r.voortraject for r in figures.years]),
                *[
                    (TrajectoryKind(kind).label, [r.trajecten[kind] for r in figures.years])
                    for kind in (
                        TrajectoryKind.PRACTICE_STATEMENT,
                        TrajectoryKind.EXPERIENCE_CERTIFICATE,
                        TrajectoryKind.PARTIAL_CERTIFICATE,
                    )
                ],
            ],
            options,
        ),
        bar_chart(
            _("Dropout and outflow per year"),
            years,
            [
                (_("Dropout"), [r.uitval for r in figures.years]),
                (_("Outflow to work or education"), [r.uitstroom_werk_of_opleiding for r in figures.years]),
            ],
            options,
        ),
    ]
    learning_chart = bar_chart(
        _("Learning at the workplace per year"),
        years,
        [
            (str(label), [getattr(r, figure) for r in figures.years])
            for figure, label in LEARNING_LABELS.items()
        ],
        options,
    )
    active = [
        (
            label,
            _row(label, "lopend_op_peildatum", k, [], figures.lopend_op_peildatum[k], [], options)["total"],
        )
        for k, label in TrajectoryKind.choices
    ]
    return {
        "title": edition.title if edition else _("Praktijk Leren Plus report"),
        "organisation_name": (edition.organisation_name if edition else "") or "Praktijk Leren Plus",
        "edition": edition,
        "period": period,
        "reference_date": reference_date,
        "figures": figures,
        "options": options,
        "years": years,
        "yearly": yearly_table(figures, options),
        "dropout_reasons": dropout_reasons,
        "outflow_kinds": outflow_kinds,
        "charts": charts,
        "learning": learning_table(figures, options),
        "learning_chart": learning_chart,
        "active": active,
        "hours": [(HOURS_LABELS[k], v) for k, v in figures.uren.items()],
        "hours_total": round(sum(figures.uren.values()), 1),
        "targets": targets(period),
        "quality": quality.counts(),
        "counting_rules": COUNTING_RULES + SUPPORT_RULES,
        **support_context(figures, options, _row, period),
        "tasks": list(edition.tasks.all()) if edition and edition.pk else [],
        "risks": list(edition.risks.all()) if edition and edition.pk else [],
        "deliverables": list(edition.deliverables.all()) if edition and edition.pk else [],
        **partners(),
        "today": timezone.localdate(),
    }
