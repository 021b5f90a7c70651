"""The caseload's table rows, and their HTML.

The rows are written here rather than in the template: a page has 25 rows of about
twenty variables, conditions and translations each, and rendering them through the
template engine took about a third of the page's CPU (the coordinator's caseload under
`bash dev load`); format_html spends a fraction of that."""

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DASH = "–"


def _date(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def caseload_rows(rows: list, with_coach: bool) -> SafeString:
    """The `<tr>` of each participant of the page (prepared by the caseload view: `url`,
    `phase_label`, `phase_css`, `ready`, the overview's columns and flags); text is
    escaped. `with_coach` adds the coach's column (coordinators)."""
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
                mark_safe("\n".join(attention)),  # noqa: S308 - each part built by format_html
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each row built by format_html
