"""The report's parts about what surrounds the participant: routes after dropout
(chapter 4), the employers who hired (chapter 5), learning places against the target
(chapter 7), lesson hours and support (chapter 10), and the appendix texts of rules 12-15.
Laid out from `Figures` only; support is shown as counts per kind, nothing more."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participants.models import DropoutRoute, SupportNeed

from .cells import Cell
from .figures import Figures, Period
from .figures_support import places_realised
from .models import ProjectYear


def support_label(figure: str, key: str = "") -> str:
    """What the figures of rules 12-15 are called (empty for other figures)."""
    kinds = dict(SupportNeed.Kind.choices)
    match figure:
        case "uitval_per_vervolgroute":
            return f"{_('Dropout')}: {dict(DropoutRoute.choices).get(key, key)}"
        case "lesuren":
            return _("Lesson hours")
        case "deelnemersuren_lessen":
            return _("Participant hours from lessons (duration x present)")
        case "leerwerkplekken_gerealiseerd":
            return _("New learning places")
        case "ondersteuning_gestart":
            return f"{_('Support need opened')}: {kinds.get(key, _('all kinds'))}"
        case "ondersteuning_geregeld":
            return f"{_('Support need settled')}: {kinds.get(key, _('all kinds'))}"
    return ""


def dropout_routes(figures: Figures, options: dict, row) -> list[dict]:
    """Chapter 4: dropout per route after dropout, per year, with totals (rule 14).
    `row` lays out one table row (report._row)."""
    years = [r.year for r in figures.years]
    return [
        row(
            label,
            "uitval_per_vervolgroute",
            code,
            [r.uitval_per_vervolgroute[code] for r in figures.years],
            figures.totals.uitval_per_vervolgroute[code],
            years,
            options,
        )
        for code, label in DropoutRoute.choices
    ]


def support_table(figures: Figures, options: dict, row) -> list[dict]:
    """Chapter 10: participants with a support need opened and settled, per kind (rule 15)."""
    opened, settled = figures.ondersteuning_gestart, figures.ondersteuning_geregeld

    def cell(figure, key, value):
        return row("", figure, key, [], value, [], options)["total"]

    rows = [
        {
            "label": label,
            "opened": cell("ondersteuning_gestart", kind, opened["per_soort"][kind]),
            "settled": cell("ondersteuning_geregeld", kind, settled["per_soort"][kind]),
        }
        for kind, label in SupportNeed.Kind.choices
        if opened["per_soort"][kind] or settled["per_soort"][kind]
    ]
    rows.append(
        {
            "label": _("Participants (each once)"),
            "opened": cell("ondersteuning_gestart", "", opened["deelnemers"]),
            "settled": cell("ondersteuning_geregeld", "", settled["deelnemers"]),
        }
    )
    return rows


def places_against_targets(figures: Figures, period: Period) -> list[dict]:
    """Chapter 7: new learning places per project year that overlaps the period, beside
    its target."""
    return [
        {
            "project_year": py,
            "target": py.target_leerwerkplekken,
            "realised": places_cell(places_realised(py.start, py.end), Period(py.start, py.end)),
        }
        for py in ProjectYear.objects.filter(start__lte=period.end, end__gte=period.start)
        if py.target_leerwerkplekken is not None
    ]


def places_cell(value: int, period: Period) -> Cell:
    """The places realised in `period`, traceable to the Leerwerkplekken page. Places are
    not people: never hidden as a small number."""
    return Cell(value, str(value), "leerwerkplekken_gerealiseerd", period=period)


def lesson_cells(figures: Figures) -> dict:
    """Rule 12's two numbers, shown with one decimal, each traceable to the lessons and
    the participants present."""
    return {
        figure: Cell(getattr(figures, figure), floatformat(getattr(figures, figure), 1), figure)
        for figure in ("lesuren", "deelnemersuren_lessen")
    }


def employer_table(figures: Figures, options: dict, row) -> dict:
    """Chapter 5 (rule 9): the employers with the most participants, with their job
    titles; the other employers in one line; and the total, which the lines add up to."""
    listed = [
        {
            "name": e.werkgever,
            "titles": e.functies,
            "count": row("", "werkgever", e.werkgever, [], e.aantal, [], options)["total"],
        }
        for e in figures.werkgevers_met_uitstroom
    ]
    other = figures.werkgevers_overig
    total = sum(e.aantal for e in figures.werkgevers_met_uitstroom) + other.deelnemers
    return {
        "employers": listed,
        "employers_other": other.werkgevers
        and {
            "label": ngettext("%(n)s other employer", "%(n)s other employers", other.werkgevers)
            % {"n": other.werkgevers},
            "count": row("", "werkgevers_overig", "", [], other.deelnemers, [], options)["total"],
        },
        "employers_total": row("", "werkgever", "", [], total, [], options)["total"],
        "employers_count": len(listed) + other.werkgevers,
    }


def support_context(figures: Figures, options: dict, row, period: Period) -> dict:
    """The template context of these parts."""
    return {
        **employer_table(figures, options, row),
        "dropout_routes": dropout_routes(figures, options, row),
        "support_rows": support_table(figures, options, row),
        "places_targets": places_against_targets(figures, period),
        "places_realised": places_cell(figures.leerwerkplekken_gerealiseerd, period),
        "lesson_cells": lesson_cells(figures),
    }


COUNTING_RULES = [
    (
        gettext_lazy("Lesson hours"),
        gettext_lazy(
            "The sum of the durations of the group lessons in the period, each lesson once; and the "
            "participant hours from lessons: each lesson's duration times the participants present. "
            "The hours of contact moments (above) are counted separately and never added to these."
        ),
    ),
    (
        gettext_lazy("Learning places realised"),
        gettext_lazy(
            "The learning places at employers whose start falls in the period: the number of places (an "
            "offer of three places counts three), not the number of employers."
        ),
    ),
    (
        gettext_lazy("Dropout per route"),
        gettext_lazy(
            "The dropout of the period, split by the route after dropout recorded with it (day "
            "activities, individual support, other education or work, care or treatment, none, unknown)."
        ),
    ),
    (
        gettext_lazy("Support"),
        gettext_lazy(
            "Participants with a support need opened in the period, per kind; and participants with a "
            "support need settled in the period. A participant counts once per kind and once in all. "
            "Only numbers are reported, never what the need was about."
        ),
    ),
]
