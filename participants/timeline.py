"""The participant page's timeline: its events, and their HTML.

The list is written here rather than in the template: a file shows up to 50 contacts
and their other records, and the template engine spent ~45 us an event (ten variables
and conditions each); format_html spends a fifth of that."""

import datetime
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .html_parts import date_formatter, esc, linebreaks_br


@dataclass(frozen=True)
class Event:
    date: datetime.date | None
    kind: str
    title: str
    detail: str = ""
    obj: object = None
    edit_url: str = ""
    css: str = "secondary"
    signals: tuple = ()


def timeline_html(events: list[Event]) -> SafeString:
    """The `<li>` items of the timeline, newest first as given; text is escaped.

    Each item is one f-string with every value escaped as format_html would
    (participants/html_parts.py; tests/participants/test_timeline_html.py holds it to
    the format_html version's output, character for character)."""
    if not events:
        return format_html('<li class="text-body-secondary">{}</li>', _("Nothing recorded yet."))
    no_date, edit, download = esc(_("no date")), esc(_("edit")), esc(_("download"))
    signal, closed = esc(_("Signal")), _("closed")
    day = date_formatter("SHORT_DATE_FORMAT")

    items = []
    for ev in events:
        link = ""
        if ev.edit_url:
            label = download if ev.kind == "document" else edit
            link = f' <a class="small fw-normal ms-1" href="{esc(ev.edit_url)}">{label}</a>'
        detail = f'<div class="text-break">{linebreaks_br(ev.detail)}</div>' if ev.detail else ""
        badges = "".join(
            f'<span class="badge {"text-bg-danger" if s.is_open else "text-bg-light border"}">'
            f"{signal}: {esc(s.get_kind_display())}"
            f"{'' if s.is_open else esc(f' ({closed} {day(s.closed_on)})')}</span> "
            for s in ev.signals
        )
        items.append(
            f'<li class="timeline-item border-start border-3 border-{esc(ev.css)} ps-3 pb-3" '
            f'data-kind="{esc(ev.kind)}">'
            f'<div class="small text-body-secondary">{esc(day(ev.date)) if ev.date else no_date}</div>'
            f'<div class="fw-semibold">{esc(ev.title)}{link}</div>{detail}{badges}</li>'
        )
    return SafeString("\n".join(items))
