"""Template tags of the report: a number with its link to the participants behind it."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from reporting.figures import Period

register = template.Library()


# Figures that count something other than participants, traced on a page of their own:
# the learning places started in the period (counting rule 13).
PLACES = "leerwerkplekken_gerealiseerd"


def trace_query(cell, period: Period, reference_date) -> str:
    """Query string of the trace page for one table cell."""
    period = cell.period or period
    part = period.clip(cell.year) if cell.year else period
    if cell.figure == PLACES:
        return urlencode({"from": part.start.isoformat(), "to": part.end.isoformat()})
    params = {
        "figure": cell.figure,
        "from": part.start.isoformat(),
        "to": part.end.isoformat(),
        "peildatum": reference_date.isoformat(),
    }
    if cell.key:
        params["key"] = cell.key
    return urlencode(params)


@register.simple_tag(takes_context=True)
def number(context, cell):
    """A figure: a link to what it counts in the browser version (its participants, or for
    the learning places realised the coordinator's Leerwerkplekken page filtered to the
    places counted), plain text in the PDF."""
    if not context.get("traceable"):
        return cell.shown
    page = reverse("participants:learningplace-list" if cell.figure == PLACES else "reporting:trace")
    url = page + "?" + trace_query(cell, context["period"], context["reference_date"])
    return format_html('<a href="{}" class="trace">{}</a>', url, cell.shown)
