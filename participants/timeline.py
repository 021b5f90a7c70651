"""The participant page's timeline: its events, and their HTML.

The list is written here rather than in the template: a file shows up to 50 contacts
and their other records, and the template engine spent ~45 us an event (ten variables
and conditions each); format_html spends a fifth of that."""

import datetime
from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


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
    """The `<li>` items of the timeline, newest first as given; text is escaped."""
    if not events:
        return format_html('<li class="text-body-secondary">{}</li>', _("Nothing recorded yet."))
    no_date, edit, download = _("no date"), _("edit"), _("download")
    signal, closed = _("Signal"), _("closed")
    items = []
    for ev in events:
        link = ""
        if ev.edit_url:
            label = download if ev.kind == "document" else edit
            link = format_html(' <a class="small fw-normal ms-1" href="{}">{}</a>', ev.edit_url, label)
        detail = format_html('<div class="text-break">{}</div>', linebreaksbr(ev.detail)) if ev.detail else ""
        badges = format_html_join(
            "",
            '<span class="badge {}">{}: {}{}</span> ',
            (
                (
                    "text-bg-danger" if s.is_open else "text-bg-light border",
                    signal,
                    s.get_kind_display(),
                    "" if s.is_open else f" ({closed} {date_format(s.closed_on, 'SHORT_DATE_FORMAT')})",
                )
                for s in ev.signals
            ),
        )
        items.append(
            format_html(
                '<li class="timeline-item border-start border-3 border-{} ps-3 pb-3" data-kind="{}">'
                '<div class="small text-body-secondary">{}</div>'
                '<div class="fw-semibold">{}{}</div>{}{}</li>',
                ev.css,
                ev.kind,
                date_format(ev.date, "SHORT_DATE_FORMAT") if ev.date else no_date,
                ev.title,
                link,
                detail,
                badges,
            )
        )
    return SafeString("\n".join(items))
