"""The participant page's learning section (the goals matrix per trajectory, and links to
choose goals), written in Python: the template engine spent ~25 us a goal row and ~1 ms
a page on it. The output is, character for character, what the templates
`participants/_learning_section.html` (kept in tests/participants/test_learning_html.py
as the reference) and `participants/_goal_matrix.html` (still used by the learning page)
render; that test holds the two together."""

from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .addresses import address
from .goals import TrajectoryGoals
from .html_parts import date_formatter, esc


def learning_section_html(
    participant, learning: list[TrajectoryGoals], goal_trajectories: list, may_write_learning: bool
) -> SafeString:
    """The section: one card per trajectory with goals, then the links to choose goals."""
    out = ["\n"]
    day = date_formatter("SHORT_DATE_FORMAT")
    pk = participant.pk
    if learning:
        since, observation = esc(_("since")), esc(_("Observation"))
        head = _matrix_head()
        out.append(
            '\n<section class="mb-4" aria-labelledby="learning-h">\n'
            f'  <h2 class="h5" id="learning-h">{esc(_("Learning goals"))}</h2>\n  '
        )
        for table in learning:
            t = table.trajectory
            start = esc(day(t.start)) if t.start else ""
            out.append(
                '\n  <div class="card mb-2"><div class="card-body p-2">\n'
                '    <div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-1">\n'
                '      <h3 class="h6 mb-0">'
                f'<a href="{esc(address("participants:learning", pk, t.pk))}">'
                f"{esc(t.get_kind_display())}</a> "
                f'<span class="small text-body-secondary">{since} {start}</span></h3>\n      '
            )
            if may_write_learning:
                create = esc(address("participants:observation-create", pk, t.pk))
                out.append(f'<a class="btn btn-sm btn-primary" href="{create}">{observation}</a>')
            out.append("\n    </div>\n    ")
            out.append(_matrix(table, head, day))
            out.append("\n  </div></div>\n  ")
        out.append("\n</section>\n")
    out.append("\n")
    if goal_trajectories:
        choose = _("Choose learning goals for the %(kind)s")
        links = " · ".join(
            f'<a href="{esc(address("participants:goals-pick", pk, t.pk))}">'
            f"{choose % {'kind': esc(t.get_kind_display())}}</a>"
            for t in goal_trajectories
        )
        out.append(f'\n<p class="small">{links}</p>\n')
    out.append("\n")
    return SafeString("".join(out))


def _matrix_head() -> str:
    return (
        '\n<div class="goal-matrix-wrap"><table class="table table-sm align-middle goal-matrix mb-1">\n'
        f'  <thead><tr><th scope="col">{esc(_("Work process"))}</th>'
        f'<th scope="col">{esc(_("Step"))}</th>'
        f'<th scope="col" class="d-none d-sm-table-cell">{esc(_("Last seen"))}</th>'
        f'<th scope="col" class="path">{esc(_("Path"))}</th></tr></thead>\n'
        "  <tbody>"
    )


def _matrix(table: TrajectoryGoals, head: str, day) -> str:
    """participants/_goal_matrix.html for one trajectory."""
    rows = []
    for row in table.rows:
        goal, seen, step = row.goal, row.last_seen, row.step
        process = goal.work_process
        seen_text = esc(day(seen)) if seen else ""
        if step:
            label = esc(row.step_label)
            number = esc(localize(step))
            step_cell = (
                f'<span class="badge step-badge step-{number}" title="{label}">{number}</span> '
                f'<span class="small d-none d-md-inline">{label}</span>'
            )
        else:
            step_cell = '<span class="text-body-secondary">–</span>'
        rows.append(
            f'\n  <tr data-goal="{esc(localize(goal.pk))}">\n'
            f'    <td><span class="fw-semibold">{esc(process.code)}</span> '
            f'<span class="small">{esc(process.title)}</span>\n'
            f'      <div class="small text-body-secondary d-sm-none">{seen_text}</div></td>\n'
            f"    <td>{step_cell}</td>\n"
            f'    <td class="d-none d-sm-table-cell small">{seen_text or "–"}</td>\n'
            f'    <td class="path">{esc(row.svg)}</td>\n'
            "  </tr>"
        )
    ready = (
        f'<p class="small mb-0"><span class="badge text-bg-success">{esc(_("Ready for judgment"))}</span></p>'
        if table.ready
        else ""
    )
    return f"{head}{''.join(rows)}</tbody>\n</table></div>\n{ready}\n"
