"""The head of the participant page (breadcrumb, name, phase, coach, the buttons and the
row of actions), written in Python: the template engine spent ~1.5 ms a page on its
fifteen links and twenty translations. The output is, character for character, what
the template rendered (kept in tests/participants/test_file_head.py as the reference)."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .addresses import address
from .html_parts import esc

CLOSED = ("dropped_out", "outflowed")


def head_html(
    participant, *, phase_css, phase_label, sensitive, coordinator, learning, certificate_name
) -> SafeString:
    """The page from the breadcrumb to the end of the row of actions."""
    p, pk = participant, participant.pk

    def link(css: str, name: str, label: str, query: str = "") -> str:
        return f'<a class="{css}" href="{esc(address(name, pk))}{query}">{esc(label)}</a>'

    number = esc(p.number)
    coach = ""
    if p.coach:
        coach_name = p.coach.get_full_name() or p.coach.username
        coach = f"· {esc(_('Coach'))}: {esc(coach_name)}"
    referrer = f"· {esc(_('Referrer'))}: {esc(p.referrer)}" if p.referrer else ""
    small = "btn btn-outline-secondary btn-sm"
    certificate = (
        f'<a class="{small}" href="{esc(address("participants:certificate-download", pk))}">'
        f"{esc(certificate_name)}</a>"
        if learning
        else ""
    )
    coordinator_links = ""
    if coordinator:
        anonymise = (
            ""
            if p.anonymised_at
            else link("btn btn-outline-danger btn-sm", "participants:participant-anonymise", _("Anonymise"))
        )
        coordinator_links = (
            "\n    "
            + link(small, "participants:participant-export", _("All data (PDF)"), "?format=pdf")
            + "\n    "
            + link(small, "participants:participant-export", "JSON", "?format=json")
            + f"\n    {anonymise}\n    "
        )
    document = link("btn btn-outline-primary", "participants:attachment-create", _("Document"))
    out = [
        '<nav aria-label="breadcrumb"><ol class="breadcrumb">\n'
        f'  <li class="breadcrumb-item"><a href="{esc(address("participants:caseload"))}">'
        f"{esc(_('Participants'))}</a></li>\n"
        f'  <li class="breadcrumb-item active" aria-current="page">{number}</li>\n'
        "</ol></nav>\n"
        '<div class="d-flex flex-wrap align-items-start justify-content-between gap-2 mb-3">\n'
        "  <div>\n"
        f'    <h1 class="h3 mb-1">{esc(p.full_name)} <span class="badge {esc(phase_css)}">'
        f"{esc(phase_label)}</span></h1>\n"
        '    <div class="text-body-secondary small">\n'
        f"      {number}\n"
        f"      {coach}\n"
        f"      {referrer}\n"
        "    </div>\n"
        "  </div>\n"
        '  <div class="d-flex flex-wrap gap-2">\n'
        f"    {link(small, 'participants:participant-edit', _('Edit registration'))}\n"
        f"    {certificate}\n"
        f"    {coordinator_links}\n"
        "  </div>\n"
        "</div>\n\n"
        '<div class="d-flex flex-wrap gap-2 mb-4 actions">\n'
        f"  {link('btn btn-primary', 'participants:entry-create', _('Log contact'))}\n"
        f"  {link('btn btn-outline-primary', 'participants:reminder-create', _('Reminder'))}\n"
        "  " + (document if sensitive else "") + "\n  "
    ]
    if p.phase in CLOSED:
        out.append(
            "\n    " + link("btn btn-outline-primary", "participants:reentry-create", _("Re-entry")) + "\n  "
        )
    else:
        primary = "btn btn-outline-primary"
        out.append(
            "\n    "
            + (link(primary, "participants:intake-edit", _("Intake")) if sensitive else "")
            + "\n    "
            + link(primary, "participants:trajectory-create", _("Trajectory"))
            + "\n    "
            + link(primary, "participants:placement-create", _("Placement"))
            + "\n    "
            + link(primary, "participants:credential-create", _("Credential"))
            + "\n    "
            + (
                link("btn btn-outline-secondary", "participants:pause-create", _("Pause"))
                + "\n    "
                + link("btn btn-outline-danger", "participants:dropout-create", _("Dropout"))
                if sensitive
                else ""
            )
            + "\n    "
            + (
                link("btn btn-outline-secondary", "participants:supportneed-create", _("Support need"))
                if sensitive
                else ""
            )
            + "\n    "
            + link("btn btn-outline-success", "participants:outflow-create", _("Outflow"))
            + "\n  "
        )
    out.append("\n</div>")
    return SafeString("".join(out))
