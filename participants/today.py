"""Vandaag, the coach's day: reminders due, follow-ups after outflow, support needs that
wait, and the participants who need attention.

Its queries run from SQL compiled once a day (participants/prepared.py), with the user's
id filled in, and its lists are written here with format_html, as the caseload's rows
are (participants/caseload_rows.py): building the seven querysets and rendering the
lists through the template took two thirds of the page's CPU under `bash dev load`."""

import datetime
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Participant, Pause, Reminder, SupportNeed
from .prepared import ANY_PK, Prepared
from .querysets import attention
from .selectors import with_flags

REMINDERS_MAX = 100
ATTENTION_MAX = 100
SUPPORT_MAX = 50
NAMES = {"first": F("participant__first_name"), "last": F("participant__last_name")}
ITEM = '<li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2">'


def _reminders(user_id: int, coordinator: bool, until: datetime.date):
    """The user's open reminders due on or before `until`, only of participants the user
    may see now (the rule of `ParticipantQuerySet.for_user`, inside the one query):
    someone taken off a participant's team no longer sees its reminders."""
    qs = Reminder.objects.filter(assigned_to_id=user_id, done_on__isnull=True, due_on__lte=until)
    if not coordinator:
        shared = Participant.team.through.objects.filter(
            participant=OuterRef("participant_id"), user_id=user_id
        )
        qs = qs.filter(Q(participant__coach_id=user_id) | Exists(shared))
    return qs.order_by("due_on", "pk").values("pk", "due_on", "title", "participant_id", **NAMES)[
        :REMINDERS_MAX
    ]


def _support_waiting(user_id: int, coordinator: bool, day: datetime.date):
    """Support needs open for more than 30 days, oldest first: of the participants the
    user coaches (all of them for coordinators: both may see the needs)."""
    qs = SupportNeed.objects.waiting(day)
    if not coordinator:
        qs = qs.filter(participant__coach_id=user_id)
    return qs.order_by("since", "pk").values(
        "pk", "kind", "since", "participant_id", partner_name=F("partner__name"), **NAMES
    )[:SUPPORT_MAX]


def _needing_attention(user_id: int, day: datetime.date):
    """The user's open files with an open signal, no contact in 14 days, or a placement
    or pause that ends soon; the longest without contact first."""
    soon = day + datetime.timedelta(days=settings.PLP_PLACEMENT_ENDING_DAYS)
    pause_ending = Pause.objects.filter(participant=OuterRef("pk"), end__gte=day, end__lte=soon)
    flags = attention(day)
    return (
        Participant.objects.filter(coach_id=user_id)
        .open_files(day)
        .with_overview(day)
        .annotate(pause_ending=Exists(pause_ending))
        .filter(flags["signals"] | flags["no_contact"] | flags["placement_ending"] | Q(pause_ending=True))
        .order_by("last_contact", "last_name")[:ATTENTION_MAX]
    )


_REMINDERS = Prepared(_reminders)
_SUPPORT = Prepared(_support_waiting)
_ATTENTION = Prepared(_needing_attention)


def reminders_due(user, until: datetime.date, coordinator: bool) -> list[dict]:
    return _REMINDERS.values(user.pk, coordinator, until)


def support_needs_waiting(user, day: datetime.date, coordinator: bool) -> list[dict]:
    return _SUPPORT.values(user.pk, coordinator, day)


def needing_attention(user, day: datetime.date) -> list[Participant]:
    """Participants with their attention flags set (`selectors.with_flags`)."""
    return with_flags(_ATTENTION.objects(user.pk, day), day)


def _address(name: str, count: int) -> Callable[..., str]:
    """`address(*ids)`: URL `name` with `count` ids, reversed once for a whole list."""
    address = reverse(f"participants:{name}", args=[ANY_PK + i for i in range(count)])
    for i in range(count):
        address = address.replace(str(ANY_PK + i), f"{{{i}}}")
    return address.format


def _name(row: dict) -> str:
    return f"{row['first']} {row['last']}"


def _short(day: datetime.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else ""


def reminders_html(request, reminders: list[dict], today: datetime.date) -> SafeString:
    """The reminders' cards, each with its "Done" button (a form back to Vandaag)."""
    if not reminders:
        return format_html('<p class="text-body-secondary">{}</p>', _("Nothing due this week."))
    detail, done = _address("participant-detail", 1), _address("reminder-done", 2)
    back = reverse("participants:today")
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    overdue, done_label = " · " + _("overdue"), _("Done")
    cards = []
    for r in reminders:
        due = r["due_on"]
        border = "border-danger" if due < today else "border-warning" if due == today else ""
        cards.append(
            format_html(
                '<div class="card mb-2 {}"><div class="card-body py-2">'
                '<div class="small text-body-secondary">{}{}</div>'
                '<div class="fw-semibold">{}</div>'
                '<div class="small"><a href="{}">{}</a></div>'
                '<form method="post" action="{}" class="mt-1">{}'
                '<input type="hidden" name="next" value="{}">'
                '<button class="btn btn-sm btn-outline-success">{}</button></form></div></div>',
                border,
                date_format(due, "l j F" if due.year == today.year else "l j F Y"),
                overdue if due < today else "",
                r["title"],
                detail(r["participant_id"]),
                _name(r),
                done(r["participant_id"], r["pk"]),
                csrf,
                back,
                done_label,
            )
        )
    return mark_safe("\n".join(cards))  # noqa: S308 - each card built by format_html


def followups_html(followups: list[dict]) -> SafeString:
    """The follow-ups after outflow that are due, each with a link to record the answer."""
    detail, create = _address("participant-detail", 1), _address("followup-create", 3)
    ask, since = _("Ask and record"), _("%(months)s months after outflow, since %(date)s")
    items = [
        format_html(
            ITEM + '<div><a href="{}" class="fw-semibold">{}</a>'
            '<div class="small text-body-secondary">{}</div></div>'
            '<a class="btn btn-sm btn-primary" href="{}">{}</a></li>',
            detail(f["participant_id"]),
            f["name"],
            since % {"months": f["months"], "date": _short(f["due_on"])},
            create(f["participant_id"], f["outflow_id"], f["months"]),
            ask,
        )
        for f in followups
    ]
    return mark_safe("\n".join(items))  # noqa: S308 - each item built by format_html


def support_html(request, needs: list[dict]) -> SafeString:
    """Support needs open for more than 30 days, each with a link to settle it."""
    detail, settle = _address("participant-detail", 1), _address("supportneed-settle", 2)
    kinds = dict(SupportNeed.Kind.choices)
    since, settle_label, back = _("since"), _("Settle"), quote(request.path)
    items = []
    for n in needs:
        partner = format_html(" · {}", n["partner_name"]) if n["partner_name"] else ""
        items.append(
            format_html(
                ITEM + '<div><a href="{}" class="fw-semibold">{}</a>'
                '<div class="small text-body-secondary">{}{} · {} {}</div></div>'
                '<a class="btn btn-sm btn-outline-success" href="{}?next={}">{}</a></li>',
                detail(n["participant_id"]),
                _name(n),
                kinds.get(n["kind"], n["kind"]),
                partner,
                since,
                _short(n["since"]),
                settle(n["participant_id"], n["pk"]),
                back,
                settle_label,
            )
        )
    return mark_safe("\n".join(items))  # noqa: S308 - each item built by format_html


def attention_html(request, rows: list[Participant]) -> SafeString:
    """The participants who need attention: why (badges), last contact, and a button to
    log a contact that comes back here."""
    if not rows:
        return format_html(
            '<li class="list-group-item text-body-secondary">{}</li>', _("Nobody needs attention. Good work.")
        )
    detail, log = _address("participant-detail", 1), _address("entry-create", 1)
    back = quote(request.path)
    badges = (
        ("no_recent_contact", "text-bg-warning", _("No contact in 14 days")),
        ("placement_ending", "text-bg-info", _("Placement ends within 14 days")),
        ("pause_ending", "text-bg-secondary", _("Pause ends within 14 days")),
    )
    last_contact, log_label = _("Last contact"), _("Log contact")
    items = []
    for p in rows:
        shown = []
        if p.open_signals:
            label = ngettext("%(n)s open signal", "%(n)s open signals", p.open_signals) % {
                "n": p.open_signals
            }
            shown.append(format_html('<span class="badge text-bg-danger">{}</span>', label))
        shown += [
            format_html('<span class="badge {}">{}</span>', css, text)
            for flag, css, text in badges
            if getattr(p, flag)
        ]
        items.append(
            format_html(
                ITEM + '<div><a href="{}" class="fw-semibold">{}</a><div class="small">{} '
                '<span class="text-body-secondary">{}: <span class="text-nowrap">{}</span></span></div></div>'
                '<a class="btn btn-primary btn-sm" href="{}?next={}">{}</a></li>',
                detail(p.pk),
                p.full_name,
                mark_safe("\n".join(shown)),  # noqa: S308 - each badge built by format_html
                last_contact,
                _short(p.last_contact) or "–",
                log(p.pk),
                back,
                log_label,
            )
        )
    return mark_safe("\n".join(items))  # noqa: S308 - each item built by format_html
