"""Template tags of the report: a number with its link to the participants behind it."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from reporting.figures import Period

register = template.Library()


def trace_query(cell, period: Period, reference_date) -> str:
    """Query string of the trace page for one table cell."""
    part = period.clip(cell.year) if cell.year else period
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
    """A figure: a link to its participants in the browser version, plain text in the PDF."""
    if not context.get("traceable"):
        return cell.shown
    url = reverse("reporting:trace") + "?" + trace_query(cell, context["period"], context["reference_date"])
    return format_html('<a href="{}" class="trace">{}</a>', url, cell.shown)
