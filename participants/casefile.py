"""The participant page: the "Nu" card, the records and the timeline of one file, in a
fixed number of queries."""

import datetime
from collections.abc import Callable

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .addresses import address
from .lifecycle import Phase
from .models import Participant, Placement, ProgressEntry, Reminder, Signal, Trajectory
from .prepared import Prepared
from .timeline import Event

TIMELINE_ENTRIES = 50
# What those who may not see health details see of some records in the timeline.
HIDDEN_TITLES = {
    "reminder": gettext_lazy("Reminder"),
    "mentor-checkin": gettext_lazy("Check-in by the workplace mentor"),
}
CLOSED_PHASES = (Phase.DROPPED_OUT, Phase.OUTFLOWED)


def _record_urls(participant: Participant) -> Callable[[str, int], str]:
    """`url(name, pk)`: the address of one of the participant's records (a timeline has
    up to 50 contacts; participants/addresses.py reverses each URL name once)."""

    def url(name: str, pk: int) -> str:
        return address(f"participants:{name}", participant.pk, pk)

    return url


def _link_used():
    """When the placement's mentor last used a link of it (a subquery)."""
    from .models import MentorLink

    used = MentorLink.objects.filter(placement=OuterRef("pk"), last_used_at__isnull=False)
    return Subquery(used.order_by("-last_used_at").values("last_used_at")[:1])


def _entries(pk: int):
    return ProgressEntry.objects.filter(participant_id=pk)


# The page's records, their SQL compiled once (participants/prepared.py).
_TRAJECTORIES = Prepared(lambda pk: Trajectory.objects.filter(participant_id=pk))
_PLACEMENTS = Prepared(
    lambda pk: Placement.objects.filter(participant_id=pk).annotate(
        employer_name=F("employer__name"), mentor_name=F("mentor__name"), mentor_link_used=_link_used()
    )
)
_ENTRIES = Prepared(lambda pk: _entries(pk)[: TIMELINE_ENTRIES + 1])
# The open signals, those without a contact and those of the contacts shown.
_SIGNALS = Prepared(
    lambda pk: (
        Signal.objects.filter(participant_id=pk)
        .filter(
            Q(closed_on__isnull=True)
            | Q(entry__isnull=True)
            | Q(entry_id__in=_entries(pk)[:TIMELINE_ENTRIES].values("pk"))
        )
        .order_by("kind")
    )
)


def participant_file(participant: Participant, sensitive: bool = True) -> dict:
    """Everything the participant page shows, in a fixed number of queries: the records
    per kind, the open signals, and one timeline of all of it, newest first. Without
    `sensitive` (a peer expert sharing the caseload) notes, signals and intake details
    are left out."""
    p = participant
    url = _record_urls(p)
    trajectories = _TRAJECTORIES.related(p.pk)
    placements = _PLACEMENTS.related(p.pk)
    entries = _ENTRIES.related(p.pk)
    more_entries = len(entries) > TIMELINE_ENTRIES
    entries = entries[:TIMELINE_ENTRIES]
    all_signals = _SIGNALS.related(p.pk)
    signals = [sg for sg in all_signals if sg.closed_on is None]
    by_entry: dict[int, list[Signal]] = {}
    for sg in all_signals:
        by_entry.setdefault(sg.entry_id, []).append(sg)
    small = _small_records(p)
    documents = [
        {"pk": pk, "title": text, "name": label, "date": start}
        for kind, pk, start, end, text, label, _extra in small
        if kind == "document"
    ]
    open_reminders = [
        {"pk": pk, "title": text, "due_on": start, "user": label}
        for kind, pk, start, end, text, label, _extra in small
        if kind == "reminder" and end is None
    ]
    open_needs = [
        {"pk": pk, "kind": extra, "partner": label, "since": start}
        for kind, pk, start, end, text, label, extra in small
        if kind == "supportneed" and end is None
    ]
    intake = getattr(p, "intake", None)

    events: list[Event] = []
    if p.registration_date:
        detail = _("Referred by %(referrer)s") % {"referrer": p.referrer} if p.referrer else ""
        events.append(
            Event(
                p.registration_date,
                "registration",
                _("Registration"),
                detail,
                edit_url=address("participants:participant-edit", p.pk),
            )
        )
    if intake:
        events.append(
            Event(
                intake.date,
                "intake",
                _("Intake"),
                _("Outcome: %(outcome)s") % {"outcome": intake.get_outcome_display()},
                intake,
                address("participants:intake-edit", p.pk),
                "info",
            )
        )
        if intake.trial_start:
            events.append(Event(intake.trial_start, "trial", _("Trial period starts"), "", intake))
    for t in trajectories:
        edit = url("trajectory-edit", t.pk)
        title = _("%(kind)s started") % {"kind": t.get_kind_display()}
        events.append(Event(t.start, "trajectory", title, t.notes, t, edit, "primary"))
        if t.end:
            title = _("%(kind)s ended: %(outcome)s") % {
                "kind": t.get_kind_display(),
                "outcome": t.get_outcome_display(),
            }
            events.append(Event(t.end, "trajectory-end", title, "", t, edit, "primary"))
    for pl in placements:
        hours = pl.hours_per_week and _("%(h)s hours/week") % {"h": localize(pl.hours_per_week.normalize())}
        detail = ", ".join(x for x in (pl.mentor_name, hours) if x)
        edit = url("placement-edit", pl.pk)
        title = _("Placement at %(employer)s") % {"employer": pl.employer_name}
        events.append(Event(pl.start, "placement", title, detail, pl, edit, "success"))
        if pl.end:
            title = _("Placement at %(employer)s ended") % {"employer": pl.employer_name}
            events.append(Event(pl.end, "placement-end", title, "", pl, edit, "success"))
    # get_kind_display() would translate every choice for every contact.
    entry_title, entry_kinds = _("%(kind)s, %(minutes)s min"), dict(ProgressEntry.Kind.choices)
    for e in entries:
        title = entry_title % {"kind": entry_kinds.get(e.kind, e.kind), "minutes": e.duration_minutes}
        signals_shown = tuple(by_entry.get(e.pk, ()))
        events.append(
            Event(e.date, "entry", title, e.notes, e, url("entry-edit", e.pk), "dark", signals_shown)
        )
    for sg in all_signals:
        if sg.closed_on:
            title = _("Signal closed: %(kind)s") % {"kind": sg.get_kind_display()}
            events.append(Event(sg.closed_on, "signal-closed", title, sg.closing_note, sg, css="secondary"))
    for kind, pk, start, end, text, label, extra in small:
        events.extend(_small_events(url, kind, pk, start, end, text, label, extra))
    today = timezone.localdate()
    events.sort(key=lambda ev: ev.date or datetime.date.min, reverse=True)
    if not sensitive:
        events = [
            Event(e.date, e.kind, HIDDEN_TITLES.get(e.kind, e.title), "", None, "", e.css)
            for e in events
            if e.kind not in ("intake", "document", "signal-closed", "supportneed", "supportneed-end")
        ]
        signals, open_reminders, documents, open_needs = [], [], [], []

    closed = getattr(p, "phase", None) in CLOSED_PHASES
    return {
        "trajectories": trajectories,
        "placements": placements,
        "entries": entries,
        "more_entries": more_entries,
        "open_signals": signals,
        "timeline": events,
        # A closed file has no current placement, on the day it closed too.
        "current_placement": None
        if closed
        else next(
            (pl for pl in placements if pl.start <= today and (pl.end is None or pl.end >= today)),
            None,
        ),
        "current_pause": None if closed else _current_pause(small, today),
        "trial": intake if not closed and _trial_runs(intake, today) else None,
        "ended": _ending(small) if closed else None,
        "open_trajectories": [t for t in trajectories if t.end is None],
        "open_reminders": sorted(open_reminders, key=lambda r: r["due_on"]),
        "documents": sorted(documents, key=lambda d: d["date"], reverse=True),
        "support_needs": _support_needs(open_needs),
    }


def _current_pause(small: list[tuple], today: datetime.date) -> dict | None:
    """The pause running today, from the file's small records: start, planned end, reason."""
    for kind, pk, start, end, text, _label, extra in small:
        if kind == "pause" and start <= today and (end is None or end >= today):
            planned = datetime.date.fromisoformat(extra[:10]) if extra else None
            return {"pk": pk, "start": start, "end": end, "planned_end": planned, "reason": text}
    return None


def _trial_runs(intake, today: datetime.date) -> bool:
    """A trial period recorded at intake that has not ended before today."""
    return bool(intake and intake.trial_start) and (intake.trial_end is None or intake.trial_end >= today)


def _ending(small: list[tuple]) -> dict | None:
    """How the file ended: its latest dropout or outflow."""
    exits = [r for r in small if r[0] in ("dropout", "outflow")]
    if not exits:
        return None
    kind, pk, date, _end, text, label, extra = max(exits, key=lambda r: (r[2], r[1]))
    if kind == "dropout":
        return {"kind": kind, "date": date, "title": _("Dropped out"), "detail": label}
    from .models import Outflow

    detail = " – ".join(x for x in (label, text) if x)
    return {"kind": kind, "date": date, "title": Outflow.Kind(extra).label, "detail": detail}


def _support_needs(rows: list[dict]) -> list[dict]:
    """The open support needs of the "Nu" card, oldest first, with their kinds' labels."""
    from .models import SupportNeed

    return [
        {**row, "label": SupportNeed.Kind(row["kind"]).label}
        for row in sorted(rows, key=lambda r: r["since"])
    ]


def _small_records(p: Participant) -> list[tuple]:
    """Credentials, pauses, dropouts, outflows, re-entries, reminders, documents,
    follow-up answers and support needs in one UNION query:
    (kind, pk, date, end date, text, label, extra)."""
    # SQLite gives dates as text.
    rows = _SMALL.rows(p.pk)
    return [(k, pk, _day(d1), _day(d2), a, b, c) for k, pk, d1, d2, a, b, c in rows]


def _day(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _small_query(participant_id: int):
    """The UNION of `_small_records` as a queryset."""
    from django.db.models import Case, CharField, DateField, TextField, Value, When
    from django.db.models.functions import Cast, Coalesce, TruncDate

    from .models import (
        Attachment,
        Credential,
        Dropout,
        FollowUp,
        LessonAttendance,
        MentorCheckin,
        Observation,
        Outflow,
        Pause,
        ReEntry,
        SupportNeed,
    )

    def rows(model, kind, start, end=None, text=None, label=None, extra=None, filters=None, **annotations):
        none_date = Value(None, output_field=DateField())
        empty = Value("", output_field=TextField())
        qs = (
            model.objects.filter(participant_id=participant_id, **(filters or {}))
            .order_by()
            .annotate(**annotations)
        )
        if start == "uploaded_on":
            qs = qs.annotate(uploaded_on=TruncDate("uploaded_at"))
        return qs.annotate(
            k=Value(kind, output_field=CharField()),
            d1=F(start),
            d2=F(end) if end else none_date,
            a=Coalesce(F(text), empty, output_field=TextField()) if text else empty,
            b=Coalesce(F(label), empty, output_field=TextField()) if label else empty,
            c=Coalesce(F(extra), empty, output_field=TextField()) if extra else empty,
        ).values_list("k", "pk", "d1", "d2", "a", "b", "c")

    return rows(
        Credential, "credential", "awarded_on", text="work_processes", label="issuer__name", extra="kind"
    ).union(
        rows(
            Pause,
            "pause",
            "start",
            "end",
            text="reason",
            extra="planned",
            planned=Cast("planned_end", TextField()),
        ),
        rows(Dropout, "dropout", "date", text="explanation", label="reason__label", extra="route"),
        rows(Outflow, "outflow", "date", text="job_title", label="employer__name", extra="kind"),
        rows(ReEntry, "reentry", "date", text="reason"),
        rows(
            LessonAttendance,
            "lesson",
            "lesson__date",
            text="lesson__topic",
            extra="minutes",
            filters={"present": True},
            minutes=Cast("lesson__duration_minutes", TextField()),
        ),
        rows(
            SupportNeed,
            "supportneed",
            "since",
            "closed_on",
            text="description",
            label="partner__name",
            extra="kind",
        ),
        rows(Reminder, "reminder", "due_on", "done_on", text="title", label="assigned_to__username"),
        rows(Attachment, "document", "uploaded_on", text="title", label="original_name"),
        rows(
            FollowUp,
            "followup",
            "answered_on",
            text="notes",
            label="answer",
            extra="after",
            answer=Case(When(still_active=True, then=Value("yes")), default=Value("no")),
            after=Cast("months", TextField()),
        ),
        # What the workplace mentor gave through their link.
        rows(
            Observation,
            "mentor-observation",
            "date",
            text="note",
            label="mentor__name",
            filters={"observer": Observation.Observer.MENTOR_LINK},
        ),
        rows(
            MentorCheckin,
            "mentor-checkin",
            "date",
            text="note",
            label="mood",
            extra="contact",
            contact=Case(When(wants_contact=True, then=Value("yes")), default=Value("no")),
        ),
        all=True,
    )


_SMALL = Prepared(_small_query)


def _small_events(url, kind, pk, start, end, text, label, extra) -> list[Event]:
    from .models import CredentialKind, MentorCheckin, Outflow

    if kind == "mentor-observation":
        title = _("Observation by the workplace mentor %(name)s (via link)") % {"name": label}
        return [Event(start, kind, title, text, None, css="info")]
    if kind == "mentor-checkin":
        title = _("Workplace mentor (via link): %(mood)s") % {"mood": MentorCheckin.Mood(label).label}
        if extra == "yes":
            title += ", " + _("would like contact")
        worried = label == MentorCheckin.Mood.WORRIED or extra == "yes"
        return [Event(start, kind, title, text, None, css="warning" if worried else "info")]
    if kind == "credential":
        detail = ", ".join(filter(None, [label, text.replace("\n", "; ")]))
        title = _("%(kind)s awarded") % {"kind": CredentialKind(extra).label}
        return [Event(start, kind, title, detail, None, url("credential-edit", pk), "success")]
    if kind == "pause":
        edit = url("pause-edit", pk)
        events = [Event(start, kind, _("Pause"), text, None, edit, "warning")]
        if end:
            events.append(Event(end, "pause-end", _("Pause ended"), "", None, edit, "warning"))
        return events
    if kind == "dropout":
        from .models import DropoutRoute

        title = _("Dropout: %(reason)s") % {"reason": label or _("no reason")}
        route = _("Route after dropout: %(route)s") % {"route": DropoutRoute(extra).label}
        detail = " – ".join(x for x in (route, text) if x)
        return [Event(start, kind, title, detail, None, url("dropout-edit", pk), "danger")]
    if kind == "outflow":
        title = _("Outflow: %(kind)s") % {"kind": Outflow.Kind(extra).label}
        detail = " – ".join(x for x in (label, text) if x)
        return [Event(start, kind, title, detail, None, url("outflow-edit", pk), "success")]
    if kind == "document":
        title = _("Document: %(title)s") % {"title": text}
        return [Event(start, kind, title, label, pk, url("attachment-download", pk), "secondary")]
    if kind == "reminder":
        title = _("Reminder: %(title)s") % {"title": text}
        detail = (
            (_("done on %(date)s") % {"date": end.strftime("%d-%m-%Y")})
            if end
            else (_("for %(user)s") % {"user": label})
        )
        return [Event(start, kind, title, detail, pk, url("reminder-edit", pk), "secondary")]
    if kind == "lesson":
        title = _("Group lesson: %(topic)s") % {"topic": text}
        return [Event(start, kind, title, _("%(minutes)s min") % {"minutes": extra}, None, css="dark")]
    if kind == "supportneed":
        from .models import SupportNeed

        edit = url("supportneed-edit", pk)
        what = SupportNeed.Kind(extra).label
        detail = " – ".join(x for x in (label, text) if x)
        events = [
            Event(start, kind, _("Support need: %(kind)s") % {"kind": what}, detail, None, edit, "info")
        ]
        if end:
            title = _("Support need closed: %(kind)s") % {"kind": what}
            events.append(Event(end, "supportneed-end", title, "", None, edit, "info"))
        return events
    if kind == "followup":
        if label == "yes":
            title = _("Follow-up after %(months)s months: still in work or education")
        else:
            title = _("Follow-up after %(months)s months: no longer in work or education")
        return [
            Event(
                start,
                kind,
                title % {"months": extra},
                text,
                None,
                css="success" if label == "yes" else "warning",
            )
        ]
    return [Event(start, kind, _("Re-entry"), text, None, url("reentry-edit", pk), "info")]
