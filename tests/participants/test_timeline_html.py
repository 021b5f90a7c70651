"""The timeline's HTML (participants/timeline.py) is written with f-strings and
conditional_escape: it must equal, to the character, what the format_html version wrote,
for every kind of event and text a user may type."""

import datetime

import pytest
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from participants.casefile import participant_file
from participants.models import Signal
from participants.timeline import Event, timeline_html
from tests.factories import (
    CredentialFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
)

D = datetime.date


def format_html_version(events: list[Event]) -> SafeString:
    """timeline_html as it was (commit f8f47af), the reference."""
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


HOSTILE = "<script>alert('x')</script> & \"quoted\"\r\nline two\rthree"


def varied_events() -> list[Event]:
    open_signal = Signal(kind="schulden", raised_on=D(2024, 1, 2))
    closed_signal = Signal(kind="stress", raised_on=D(2024, 1, 2), closed_on=D(2024, 2, 29))
    return [
        Event(
            D(2024, 3, 1), "entry", "Coaching, 60 min", HOSTILE, None, "/a?b=1&c=<2>", "dark", (open_signal,)
        ),
        Event(D(2024, 3, 1), "entry", HOSTILE, "", None, "", "dark", (closed_signal, open_signal)),
        Event(None, "registration", "Registration", "Referred by X & Y", edit_url="/edit/"),
        Event(D(2023, 12, 31), "document", "Document: <b>cv</b>", "cv.pdf", 12, "/download/3/", "secondary"),
        Event(D(2024, 1, 1), "reminder", gettext_lazy("Reminder"), "", None, "", "secondary"),
        Event(D(2024, 1, 1), "intake", mark_safe("<em>safe</em>"), mark_safe("a<br>b"), css='x" onload="y'),
        Event(D(2024, 2, 29), 'k"<>', "", "\n\n", None, "", "info"),
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_varied_events_give_the_same_html(language):
    events = varied_events()
    with override(language):
        ours, theirs = timeline_html(events), format_html_version(events)
        assert ours == theirs
        assert isinstance(ours, SafeString)
        assert timeline_html([]) == format_html_version([])
    assert "<script>" not in ours and "&lt;script&gt;" in ours


@pytest.mark.django_db
@pytest.mark.parametrize("sensitive", [True, False])
def test_a_full_file_gives_the_same_html(participant, sensitive):
    t = TrajectoryFactory(participant=participant, start=D(2024, 1, 1), notes=HOSTILE)
    PlacementFactory(participant=participant, start=D(2024, 1, 5))
    CredentialFactory(participant=participant, trajectory=t)
    for i in range(12):
        entry = ProgressEntryFactory(
            participant=participant, date=D(2024, 2, 1 + i), notes=HOSTILE if i % 3 else ""
        )
        if i % 4 == 0:
            SignalFactory(participant=participant, entry=entry, closed_on=D(2024, 3, 1) if i else None)
    events = participant_file(participant, sensitive=sensitive)["timeline"]
    assert len(events) > 15
    assert timeline_html(events) == format_html_version(events)
