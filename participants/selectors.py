"""Reads shared by views: access to a participant and the timeline of their file."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _

from plp.roles import is_coordinator

from .models import Participant, Signal

TIMELINE_ENTRIES = 50


def participant_for_user(
    request: HttpRequest, pk: int, *, for_update: bool = False, sensitive: bool = False
) -> Participant:
    """The participant if the user may see it; 404 otherwise (never 403: a coach must not
    learn that a number exists outside their caseload). With `sensitive`, only the
    assigned coach and coordinators pass (health and debt details). Denied attempts are
    written to the audit trail."""
    from .services import log_action

    qs = Participant.objects.for_user(request.user)
    if not for_update:
        qs = qs.with_phase().select_related("coach", "referrer", "intake")
    participant = qs.filter(pk=pk).first()
    if participant is None or (sensitive and not may_see_sensitive(request.user, participant)):
        log_action(
            by=request.user,
            action="participants.participant.denied",
            participant=pk,
            result="denied",
            data={"path": request.path[:200], "method": request.method},
        )
        raise Http404
    return participant


def may_see_sensitive(user, participant: Participant) -> bool:
    """Health, debt and home details: the assigned coach and coordinators only."""
    return is_coordinator(user) or participant.coach_id == user.pk


@dataclass(frozen=True)
class Event:
    date: datetime.date | None
    kind: str
    title: str
    detail: str = ""
    obj: object = None
    edit_url: str = ""
    css: str = "secondary"


def _url(name: str, participant: Participant, pk: int) -> str:
    return reverse(f"participants:{name}", args=[participant.pk, pk])


def participant_file(
    participant: Participant, entries_limit: int = TIMELINE_ENTRIES, sensitive: bool = True
) -> dict:
    """Everything the participant page shows, in a fixed number of queries: the records
    per kind, the open signals, and one timeline of all of it, newest first. Without
    `sensitive` (a peer expert sharing the caseload) notes, signals and intake details
    are left out."""
    p = participant
    trajectories = list(p.trajectories.all())
    placements = list(p.placements.select_related("employer", "mentor"))
    entries = list(
        p.entries.select_related("author").prefetch_related(
            Prefetch("signals", queryset=Signal.objects.order_by("kind"))
        )[: entries_limit + 1]
    )
    more_entries = len(entries) > entries_limit
    entries = entries[:entries_limit]
    signals = list(p.signals.filter(closed_on__isnull=True))
    credentials = list(p.credentials.select_related("issuer", "trajectory"))
    pauses = list(p.pauses.all())
    dropouts = list(p.dropouts.select_related("reason"))
    outflows = list(p.outflows.select_related("employer"))
    reentries = list(p.reentries.all())
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
                edit_url=reverse("participants:participant-edit", args=[p.pk]),
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
                reverse("participants:intake-edit", args=[p.pk]),
                "info",
            )
        )
        if intake.trial_start:
            events.append(Event(intake.trial_start, "trial", _("Trial period starts"), "", intake))
    for t in trajectories:
        events.append(
            Event(
                t.start,
                "trajectory",
                _("%(kind)s started") % {"kind": t.get_kind_display()},
                t.notes,
                t,
                _url("trajectory-edit", p, t.pk),
                "primary",
            )
        )
        if t.end:
            events.append(
                Event(
                    t.end,
                    "trajectory-end",
                    _("%(kind)s ended: %(outcome)s")
                    % {"kind": t.get_kind_display(), "outcome": t.get_outcome_display()},
                    "",
                    t,
                    _url("trajectory-edit", p, t.pk),
                    "primary",
                )
            )
    for pl in placements:
        detail = ", ".join(
            str(x)
            for x in (
                pl.mentor and pl.mentor.name,
                pl.hours_per_week and _("%(h)s hours/week") % {"h": localize(pl.hours_per_week.normalize())},
            )
            if x
        )
        events.append(
            Event(
                pl.start,
                "placement",
                _("Placement at %(employer)s") % {"employer": pl.employer},
                detail,
                pl,
                _url("placement-edit", p, pl.pk),
                "success",
            )
        )
        if pl.end:
            events.append(
                Event(
                    pl.end,
                    "placement-end",
                    _("Placement at %(employer)s ended") % {"employer": pl.employer},
                    "",
                    pl,
                    _url("placement-edit", p, pl.pk),
                    "success",
                )
            )
    for e in entries:
        events.append(
            Event(
                e.date,
                "entry",
                _("%(kind)s, %(minutes)s min")
                % {"kind": e.get_kind_display(), "minutes": e.duration_minutes},
                e.notes,
                e,
                _url("entry-edit", p, e.pk),
                "dark",
            )
        )
    for c in credentials:
        events.append(
            Event(
                c.awarded_on,
                "credential",
                _("%(kind)s awarded") % {"kind": c.get_kind_display()},
                ", ".join(filter(None, [str(c.issuer or ""), c.work_processes.replace("\n", "; ")])),
                c,
                _url("credential-edit", p, c.pk),
                "success",
            )
        )
    for pa in pauses:
        events.append(
            Event(pa.start, "pause", _("Pause"), pa.reason, pa, _url("pause-edit", p, pa.pk), "warning")
        )
        if pa.end:
            events.append(
                Event(pa.end, "pause-end", _("Pause ended"), "", pa, _url("pause-edit", p, pa.pk), "warning")
            )
    for d in dropouts:
        events.append(
            Event(
                d.date,
                "dropout",
                _("Dropout: %(reason)s") % {"reason": d.reason or _("no reason")},
                d.explanation,
                d,
                _url("dropout-edit", p, d.pk),
                "danger",
            )
        )
    for o in outflows:
        detail = " – ".join(str(x) for x in (o.employer, o.job_title) if x)
        events.append(
            Event(
                o.date,
                "outflow",
                _("Outflow: %(kind)s") % {"kind": o.get_kind_display()},
                detail,
                o,
                _url("outflow-edit", p, o.pk),
                "success",
            )
        )
    for r in reentries:
        events.append(Event(r.date, "reentry", _("Re-entry"), r.reason, r, css="info"))
    today = timezone.localdate()
    events.sort(key=lambda ev: ev.date or datetime.date.min, reverse=True)
    if not sensitive:
        events = [Event(e.date, e.kind, e.title, "", None, "", e.css) for e in events if e.kind != "intake"]
        signals = []

    return {
        "trajectories": trajectories,
        "placements": placements,
        "entries": entries,
        "more_entries": more_entries,
        "open_signals": signals,
        "credentials": credentials,
        "pauses": pauses,
        "dropouts": dropouts,
        "outflows": outflows,
        "timeline": events,
        "current_placement": next(
            (pl for pl in placements if pl.start <= today and (pl.end is None or pl.end >= today)),
            None,
        ),
        "open_trajectories": [t for t in trajectories if t.end is None],
    }
