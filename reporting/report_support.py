"""The report's parts about what surrounds the participant: routes after dropout
(chapter 4), learning places against the target (chapter 7), lesson hours and support
(chapter 10), and the appendix texts of rules 12-15. Laid out from `Figures` only."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.models import DropoutRoute

from .figures import Figures


def support_label(figure: str, key: str = "") -> str:
    """What the figures of rules 12-15 are called (empty for other figures)."""
    match figure:
        case "uitval_per_vervolgroute":
            return f"{_('Dropout')}: {dict(DropoutRoute.choices).get(key, key)}"
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


def support_context(figures: Figures, options: dict, row) -> dict:
    """The template context of these parts."""
    return {"dropout_routes": dropout_routes(figures, options, row)}


COUNTING_RULES = [
    (
        gettext_lazy("Dropout per route"),
        gettext_lazy(
            "The dropout of the period, split by the route after dropout recorded with it (day "
            "activities, individual support, other education or work, care or treatment, none, unknown)."
        ),
    ),
]
