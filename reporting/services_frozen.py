"""Reads of a final edition: its frozen figures as a `Figures` value (so the page lays
them out like the PDF did), and what today's records give differently, in words."""

import datetime
from collections import defaultdict
from dataclasses import MISSING, fields

from django.utils.translation import gettext as _

from participants.models import DropoutReason

from .figures import NO_REASON, TOP_EMPLOYERS, EmployerOutflow, Figures, OtherEmployers, Period, RowFigures
from .models import ReportEdition
from .report import figure_label


def _row(data: dict, year: int | None) -> RowFigures:
    """A row of the frozen JSON; a figure frozen before it existed counts as zero."""
    values = {}
    for field in fields(RowFigures):
        if field.name in data:
            values[field.name] = data[field.name]
        elif field.default is not MISSING:
            values[field.name] = field.default
        else:
            values[field.name] = defaultdict(int) if getattr(field.type, "__origin__", None) is dict else 0
    return RowFigures(**{**values, "year": year})


def frozen_figures(data: dict) -> Figures:
    """The figures of a final edition from its frozen JSON (`Figures.as_json`). The JSON
    lists every employer; the report shows the first TOP_EMPLOYERS and the others in one
    line, as `employer_outflow` does. Dropout reasons keep today's labels (their codes
    are frozen)."""
    totals = _row(data["totals"], None)
    employers = [
        EmployerOutflow(e["werkgever"], e["aantal"], tuple(e["functies"]))
        for e in data.get("werkgevers_met_uitstroom", [])
    ]
    rest = employers[TOP_EMPLOYERS:]
    labels = dict(DropoutReason.objects.order_by("position", "label").values_list("code", "label"))
    frozen_reasons = totals.uitval_per_reden
    reasons = {code: label for code, label in labels.items() if code in frozen_reasons}
    reasons |= {code: code for code in frozen_reasons if code not in labels and code != NO_REASON}
    if NO_REASON in frozen_reasons:
        reasons[NO_REASON] = _("No reason recorded")
    return Figures(
        period=Period(
            datetime.date.fromisoformat(data["period"]["from"]),
            datetime.date.fromisoformat(data["period"]["to"]),
        ),
        reference_date=datetime.date.fromisoformat(data["reference_date"]),
        years=tuple(_row(row, row.get("year")) for row in data["years"]),
        totals=totals,
        lopend_op_peildatum=data["lopend_op_peildatum"],
        werkgevers_met_uitstroom=tuple(employers[:TOP_EMPLOYERS]),
        werkgevers_overig=OtherEmployers(len(rest), sum(e.aantal for e in rest)),
        uren=data["uren"],
        reasons=reasons,
        lesuren=data.get("lesuren", 0.0),
        deelnemersuren_lessen=data.get("deelnemersuren_lessen", 0.0),
        leerwerkplekken_gerealiseerd=data.get("leerwerkplekken_gerealiseerd", 0),
        ondersteuning_gestart=data.get("ondersteuning_gestart"),
        ondersteuning_geregeld=data.get("ondersteuning_geregeld"),
    )


def _row_labels(current: dict, frozen: dict) -> list[str]:
    """The labels of the figures of one row (a year or the totals) that differ."""
    labels = []
    for name, value in current.items():
        old = frozen.get(name)
        if name == "year" or value == old:
            continue
        if isinstance(value, dict):
            old = old or {}
            labels += [figure_label(name, key) for key in {**old, **value} if value.get(key) != old.get(key)]
        else:
            labels.append(figure_label(name))
    return labels


def difference_labels(edition: ReportEdition, current: dict) -> list[str]:
    """The figures (as the report names them) that today's records, `current` (JSON as
    `Figures.as_json`), give differently than the final `edition` froze; each once."""
    frozen = edition.figures_json or {}
    labels = []
    frozen_years = {row.get("year"): row for row in frozen.get("years", [])}
    for row in current["years"]:
        labels += _row_labels(row, frozen_years.get(row["year"], {}))
    labels += _row_labels(current["totals"], frozen.get("totals", {}))
    for key, value in current.items():
        if key in ("period", "reference_date", "years", "totals") or value == frozen.get(key):
            continue
        if key == "lopend_op_peildatum":
            labels.append(_("Still active on the reference date"))
        elif key == "werkgevers_met_uitstroom":
            labels.append(figure_label("werkgever"))
        elif key == "uren":
            labels.append(_("Hours of guidance in the period"))
        else:
            labels.append(figure_label(key))
    return list(dict.fromkeys(labels))
