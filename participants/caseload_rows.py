"""The caseload's table rows, and their HTML.

The rows are written here rather than in the template: a page has 25 rows of about
twenty variables, conditions and translations each, and rendering them through the
template engine took about a third of the page's CPU (the coordinator's caseload under
`bash dev load`). They are formatted with str.format and html.escape, escaping every
value as format_html would, without the lazy wrappers that made format_html cost most of
the rows' time (2 ms of a coach's page)."""

from html import escape

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DASH = "–"


def _date(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _escape(value) -> str:
    """What format_html makes of an argument (conditional_escape), without the lazy
    wrappers that cost more than the escaping: safe HTML as it is, the rest escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


ROW = (
    '<tr><td><a href="{}" class="fw-semibold">{}</a>'
    '<div class="small text-body-secondary">{}</div></td>'
    '<td><span class="badge {}">{}</span></td>'
    '<td class="d-none d-md-table-cell">{}</td>'
    '<td class="d-none d-sm-table-cell">{}</td>{}<td>{}</td></tr>'
)


def caseload_rows(rows: list, with_coach: bool) -> SafeString:
    """The `<tr>` of each participant of the page (prepared by the caseload view: `url`,
    `phase_label`, `phase_css`, `ready`, the overview's columns and flags); text is
    escaped as format_html escapes it (tested to give the same HTML). `with_coach` adds
    the coach's column (coordinators)."""
    until = _escape(_("until"))
    badges = [
        (flag, f'<span class="badge {css}">{_escape(label)}</span>')
        for flag, css, label in (
            ("no_recent_contact", "text-bg-warning", _("No contact in 14 days")),
            ("placement_ending", "text-bg-info", _("Placement ends within 14 days")),
            ("ready", "text-bg-success", _("Ready for judgment")),
        )
    ]
    dates = {}

    def day(value) -> str:
        if value not in dates:
            dates[value] = _escape(_date(value))
        return dates[value]

    html = []
    for p in rows:
        end = ""
        if p.placement_end:
            end = f'<div class="small text-body-secondary">{until} {day(p.placement_end)}</div>'
        coach = ""
        if with_coach:
            name = (p.coach.get_full_name() or p.coach.username) if p.coach else DASH
            coach = f'<td class="d-none d-lg-table-cell">{_escape(name)}</td>'
        attention = []
        if p.open_signals:
            n = p.open_signals
            label = ngettext("%(n)s open signal", "%(n)s open signals", n) % {"n": n}
            attention.append(f'<span class="badge text-bg-danger">{_escape(label)}</span>')
        attention += [badge for flag, badge in badges if getattr(p, flag)]
        html.append(
            ROW.format(
                _escape(p.url),
                _escape(p.full_name),
                _escape(p.number),
                _escape(p.phase_css),
                _escape(p.phase_label),
                _escape(p.placement_employer or DASH) + end,
                day(p.last_contact) if p.last_contact else DASH,
                coach,
                "\n".join(attention),
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value escaped above
