"""The caseload's rows (participants/caseload_rows.py) are the very HTML that format_html
wrote before, for hostile text, safe HTML, lazy labels, every flag and column."""

import datetime
import itertools
import random
from types import SimpleNamespace

from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participants.caseload_rows import caseload_rows
from participants.models import PHASE_CSS, Phase

DASH = "–"


def _date(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def old_caseload_rows(rows, with_coach):
    """caseload_rows as it was (commit f8f47af), with format_html."""
    until = _("until")
    badges = {
        "no_recent_contact": ("text-bg-warning", _("No contact in 14 days")),
        "placement_ending": ("text-bg-info", _("Placement ends within 14 days")),
        "ready": ("text-bg-success", _("Ready for judgment")),
    }
    html = []
    for p in rows:
        end = ""
        if p.placement_end:
            end = format_html(
                '<div class="small text-body-secondary">{} {}</div>', until, _date(p.placement_end)
            )
        placement = format_html("{}{}", p.placement_employer or DASH, end)
        coach = ""
        if with_coach:
            name = (p.coach.get_full_name() or p.coach.username) if p.coach else DASH
            coach = format_html('<td class="d-none d-lg-table-cell">{}</td>', name)
        attention = []
        if p.open_signals:
            n = p.open_signals
            label = ngettext("%(n)s open signal", "%(n)s open signals", n) % {"n": n}
            attention.append(format_html('<span class="badge text-bg-danger">{}</span>', label))
        for flag, (css, label) in badges.items():
            if getattr(p, flag):
                attention.append(format_html('<span class="badge {}">{}</span>', css, label))
        html.append(
            format_html(
                '<tr><td><a href="{}" class="fw-semibold">{}</a>'
                '<div class="small text-body-secondary">{}</div></td>'
                '<td><span class="badge {}">{}</span></td>'
                '<td class="d-none d-md-table-cell">{}</td>'
                '<td class="d-none d-sm-table-cell">{}</td>{}<td>{}</td></tr>',
                p.url,
                p.full_name,
                p.number,
                p.phase_css,
                p.phase_label,
                placement,
                _date(p.last_contact) or DASH,
                coach,
                mark_safe("\n".join(attention)),  # noqa: S308
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308


TEXTS = ["Jansen", "<b>Ada</b>", 'O\'Neil & "Co"', "", "50% a_b \\", mark_safe("<i>safe</i>"), "–"]


def coach(rng):
    first, last, username = rng.choice(TEXTS), rng.choice(TEXTS), rng.choice(["anna", "<x>", "o'neil"])
    return rng.choice(
        [
            None,
            SimpleNamespace(
                get_full_name=lambda: f"{first} {last}".strip(),
                username=username,
            ),
        ]
    )


def rows(n, seed):
    rng = random.Random(seed)
    day = datetime.date(2026, 12, 2)
    found = []
    for i in range(n):
        phase = rng.choice(Phase.values)
        found.append(
            SimpleNamespace(
                url=rng.choice([f"/deelnemers/{i}/", '/x?a=1&b="2"', mark_safe("/safe/")]),
                full_name=f"{rng.choice(TEXTS)} {rng.choice(TEXTS)}",
                number=rng.choice(["PLP-1", "N<1>", 17, mark_safe("<u>7</u>")]),
                phase_css=PHASE_CSS[phase],
                phase_label=rng.choice([Phase(phase).label, gettext_lazy("Paused"), "<lbl>"]),
                placement_employer=rng.choice([None, "", *TEXTS]),
                placement_end=rng.choice([None, day, day + datetime.timedelta(days=rng.randrange(400))]),
                last_contact=rng.choice([None, day, day - datetime.timedelta(days=rng.randrange(400))]),
                coach=coach(rng),
                open_signals=rng.choice([None, 0, 1, 2, 11]),
                no_recent_contact=rng.random() < 0.5,
                placement_ending=rng.random() < 0.5,
                ready=rng.random() < 0.5,
            )
        )
    return found


def test_the_rows_are_the_html_format_html_wrote():
    for language, with_coach, seed in itertools.product(("nl", "en"), (False, True), range(20)):
        page = rows(25, seed)
        with translation.override(language):
            new, old = caseload_rows(page, with_coach), old_caseload_rows(page, with_coach)
        assert new == old, (language, with_coach, seed)
        assert type(new) is type(old)
    assert caseload_rows([], True) == ""
