"""The caseload page's content (its heading, filter form, count, table and pager), written
here rather than in templates/participants/participant_list.html.

Like its rows (caseload_rows.py), and for the same reason: the template engine spent
about 1 ms of a coach's ~10 ms on the options, conditions and translations of this
block, which it renders on every request. Every value is escaped as the template escaped
it (tested to give the same page, byte for byte); the pager is still the shared
_pagination.html."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import get_template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plp.roles import can_register_participants, is_coordinator

from .caseload_rows import _escape


def _option(value, label, chosen: bool) -> str:
    return f'<option value="{_escape(value)}" {"selected" if chosen else ""}>{_escape(label)}</option>'


def _header(user, querystring: str) -> str:
    coordinator = is_coordinator(user)
    export = new = ""
    if coordinator:
        then = "&amp;" if querystring else ""
        href = f"{_escape(reverse('participants:export'))}?{_escape(querystring)}{then}"
        export = f'<a class="btn btn-outline-secondary" href="{href}format=xlsx">{_escape(_("Export"))}</a>'
    if can_register_participants(user):
        href = _escape(reverse("participants:participant-create"))
        new = f'<a class="btn btn-primary" href="{href}">{_escape(_("New participant"))}</a>'
    title = _escape(_("Participants") if coordinator else _("My participants"))
    return "\n".join(
        [
            "",
            '<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3">',
            f'  <h1 class="h3 mb-0">{title}</h1>',
            '  <div class="d-flex gap-2">',
            f"    {export}",
            f"    {new}",
            "  </div>",
            "</div>",
            "",
        ]
    )


def _coach_field(ctx: dict) -> str:
    chosen, coach_id = ctx["coach_chosen"], ctx["coach_id"]
    value = _escape(chosen["username"] if chosen else coach_id)
    named = _escape(chosen["name"]) if chosen else _escape(_("No coach")) if coach_id == "none" else ""
    return "\n".join(
        [
            "",
            '  <div class="col-6 col-md-2">',
            f'    <label class="visually-hidden" for="coach">{_escape(_("Coach: name or username"))}</label>',
            '    <input class="form-control" type="search" id="coach" name="coach" list="coach-options" '
            'autocomplete="off"',
            f'      value="{value}"',
            f'      placeholder="{_escape(_("Coach"))}" aria-describedby="coach-chosen"',
            f'      hx-get="{_escape(reverse("participants:coach-options"))}" '
            'hx-trigger="focus once, input changed delay:250ms"',
            '      hx-target="#coach-options" hx-sync="this:replace">',
            '    <datalist id="coach-options"></datalist>',
            f'    <div class="form-text" id="coach-chosen">{named}</div>',
            "  </div>",
            "  ",
        ]
    )


def _form(user, ctx: dict) -> str:
    search, phase, flag, check = (
        _escape(_("Search by name or number")),
        ctx["phase"],
        ctx["flag"],
        ctx["check"],
    )
    phases = "".join(_option(value, label, value == phase) for value, label in ctx["phases"])
    flags = "".join(_option(value, label, value == flag) for value, label in ctx["flags"].items())
    form = "\n".join(
        [
            '<form method="get" class="row g-2 mb-3" role="search">',
            '  <div class="col-12 col-md-4">',
            f'    <label class="visually-hidden" for="q">{search}</label>',
            f'    <input class="form-control" type="search" id="q" name="q" value="{_escape(ctx["q"])}" '
            f'placeholder="{search}">',
            "  </div>",
            '  <div class="col-6 col-md-2">',
            f'    <label class="visually-hidden" for="phase">{_escape(_("Phase"))}</label>',
            '    <select class="form-select" id="phase" name="phase">',
            f'      <option value="">{_escape(_("Active participants"))}</option>',
            f"      {_option('all', _('Everyone'), phase == 'all')}",
            f"      {phases}",
            "    </select>",
            "  </div>",
            '  <div class="col-6 col-md-2">',
            f'    <label class="visually-hidden" for="flag">{_escape(_("Needs attention"))}</label>',
            '    <select class="form-select" id="flag" name="flag">',
            f'      <option value="">{_escape(_("All"))}</option>',
            f"      {flags}",
            "    </select>",
            "  </div>",
            "  ",
        ]
    )
    if is_coordinator(user):
        form += _coach_field(ctx)
    hidden = f'<input type="hidden" name="check" value="{_escape(check.code)}">' if check else ""
    named = ""
    if check:
        label = f"{_escape(_('Data-quality check:'))} <strong>{_escape(check.label)}</strong>"
        named = f'<p class="small">{label}</p>'
    button = f'<button class="btn btn-outline-primary w-100" type="submit">{_escape(_("Filter"))}</button>'
    return form + "\n".join(
        ["", f"  {hidden}", f'  <div class="col-6 col-md-2">{button}</div>', "</form>", named, "", ""]
    )


def _status(page) -> str:
    paginator = page.paginator
    if paginator.capped:
        n = _escape(intcomma(paginator.cap))
        text = _(
            "More than %(n)s participants match; the first %(n)s are shown. Narrow the search or the "
            "filters to find the others."
        ) % {"n": n}
    else:
        n = paginator.count
        text = ngettext("%(n)s participant", "%(n)s participants", n) % {"n": _escape(localize(n))}
    return f'<p class="small text-body-secondary mb-2" role="status">{text}</p>'


def _table(user, page, rows: str) -> str:
    coach = ""
    if is_coordinator(user):
        coach = f'<th scope="col" class="d-none d-lg-table-cell">{_escape(_("Coach"))}</th>'
    return "\n".join(
        [
            "",
            _status(page),
            '<div class="table-responsive">',
            '<table class="table table-hover align-middle caseload">',
            "  <thead><tr>",
            f'    <th scope="col">{_escape(_("Participant"))}</th>',
            f'    <th scope="col">{_escape(_("Phase"))}</th>',
            f'    <th scope="col" class="d-none d-md-table-cell">{_escape(_("Placement"))}</th>',
            f'    <th scope="col" class="d-none d-sm-table-cell">{_escape(_("Last contact"))}</th>',
            f"    {coach}",
            f'    <th scope="col">{_escape(_("Attention"))}</th>',
            "  </tr></thead>",
            "  <tbody>",
            f"  {_escape(rows)}",
            "  </tbody>",
            "</table>",
            "</div>",
            "",
        ]
    )


def caseload_content(request, ctx: dict) -> SafeString:
    """The page's content block for the caseload view's context `ctx` (`page`, `rows`,
    the filters, `coach_chosen`, `querystring`), as the template wrote it."""
    user, page = request.user, ctx["page"]
    html = _header(user, ctx["querystring"]) + _form(user, ctx)
    if page.object_list:
        pager = get_template("_pagination.html").render({"page": page, "querystring": ctx["querystring"]})
        html += _table(user, page, ctx["rows"]) + pager + "\n"
    else:
        html += f'\n<p class="text-body-secondary">{_escape(_("No participants match."))}</p>\n'
    return mark_safe(html + "\n")  # noqa: S308 - every value escaped above
