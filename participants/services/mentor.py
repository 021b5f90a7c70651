"""The workplace mentor's link: make, revoke and verify it, record what the mentor gives
through it (observations, "Hoe gaat het?"), audit every use, and mail the periodic
check-in. The token is never stored, logged or audited: the link's id stands for it."""

import datetime
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plp.audit import log_action
from plp.models import AuditEntry

from ..models import (
    LearningGoal,
    MentorCheckin,
    MentorCheckinMail,
    MentorLink,
    Observation,
    ObservationStep,
    Placement,
    Signal,
    Step,
    Trajectory,
)
from .records import _save

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits

# What one use of the link is audited as (one entry per request; throttling counts them).
OPENED = "participants.mentorlink.opened"
SUBMITTED = "participants.mentorlink.submitted"
REFUSED = "participants.mentorlink.refused"
THROTTLED = "participants.mentorlink.throttled"
PUBLIC_ACTIONS = (OPENED, SUBMITTED, REFUSED, THROTTLED)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_url(token: str) -> str:
    """The mentor's page, as a path (the views and mails add the site's address)."""
    return reverse("mentor:page", args=[token])


def site_url(path: str) -> str:
    base = settings.PLP_BASE_URL or f"https://{(settings.ALLOWED_HOSTS or ['localhost'])[0].lstrip('.')}"
    return base + path


def _expiry(placement: Placement, now: datetime.datetime) -> datetime.datetime:
    """Until the placement's last day ends, or PLP_MENTOR_LINK_DAYS from now: the earlier."""
    term = now + datetime.timedelta(days=settings.PLP_MENTOR_LINK_DAYS)
    if placement.end is None:
        return term
    tz = timezone.get_current_timezone()
    end = datetime.datetime.combine(placement.end + datetime.timedelta(days=1), datetime.time(), tz)
    return min(term, end)


def _revoke_active(*, by, placement: Placement, now: datetime.datetime) -> None:
    for old in MentorLink.objects.select_for_update().filter(placement=placement, revoked_at__isnull=True):
        old.revoked_at = now
        old.revoked_by = by if by is not None and by.is_authenticated else None
        old.save(update_fields=["revoked_at", "revoked_by"])
        log_action(
            by=by, action="participants.mentorlink.revoked", participant=placement.participant_id, obj=old
        )


@transaction.atomic
def mentor_link_make(
    *,
    by,
    placement: Placement,
    email: bool = False,
    base_url: str = "",
    keep_expiry: MentorLink | None = None,
) -> tuple[MentorLink, str]:
    """Make the placement's link for its mentor and return it with its token (shown once,
    never stored). The placement's earlier link stops working. With `email`, the link
    goes to the mentor's address. With `keep_expiry` (the periodic mail), the new link
    ends when that one did."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("mentor", "participant")
        .get(pk=placement.pk)
    )
    today = timezone.localdate()
    if placement.mentor_id is None:
        raise ValidationError(_("Choose the workplace mentor of this placement first."))
    if placement.end is not None and placement.end < today:
        raise ValidationError(_("This placement has ended: a link is no longer possible."))
    if placement.participant.anonymised_at:
        raise ValidationError(_("This participant is anonymised."))
    if email and not placement.mentor.email:
        raise ValidationError(_("This mentor has no email address."))
    now = timezone.now()
    _revoke_active(by=by, placement=placement, now=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = MentorLink(
        placement=placement,
        mentor_id=placement.mentor_id,
        token_hash=token_hash(token),
        created_by=by if by is not None and by.is_authenticated else None,
        created_at=now,
        expires_at=keep_expiry.expires_at if keep_expiry else _expiry(placement, now),
    )
    link.full_clean()
    link.save()
    log_action(
        by=by, action="participants.mentorlink.created", participant=placement.participant_id, obj=link
    )
    if email:
        _mail(
            by=by,
            link=link,
            url=(base_url or site_url("")) + link_url(token),
            template="link",
        )
    return link, token


SUBJECTS = {
    "link": gettext_lazy("Your link for %(name)s at PLP"),
    "checkin": gettext_lazy("How is %(name)s doing?"),
}


def _mail(*, by, link: MentorLink, url: str, template: str) -> None:
    """Mail the mentor (in Dutch, whatever the coach's language) and audit that it was sent."""
    placement = link.placement
    with translation.override("nl"):
        subject = str(SUBJECTS[template]) % {"name": placement.participant.first_name}
        body = render_to_string(
            f"participants/mentor_mail_{template}.txt",
            {
                "mentor": placement.mentor,
                "first_name": placement.participant.first_name,
                "url": url,
                "expires_at": link.expires_at,
            },
        )
    send_mail(subject, body, None, [placement.mentor.email])
    log_action(
        by=by,
        action=f"participants.mentorlink.mailed_{template}",
        participant=placement.participant_id,
        obj=link,
    )


@transaction.atomic
def mentor_link_revoke(*, by, link: MentorLink) -> MentorLink:
    """Stop the link at once."""
    if link.revoked_at is not None:
        raise ValidationError(_("This link has already been revoked."))
    _revoke_active(by=by, placement=link.placement, now=timezone.now())
    link.refresh_from_db()
    return link


def mentor_link_verify(token: str) -> MentorLink | None:
    """The link `token` opens, if it still may: not revoked, not expired, its placement
    not ended and its participant not anonymised. None otherwise, whatever the reason
    (the page never tells which). Reads only."""
    if not token or len(token) > 100:
        return None
    digest = token_hash(token)
    link = (
        MentorLink.objects.select_related(
            "placement__participant__coach", "placement__employer", "placement__mentor"
        )
        .filter(token_hash=digest)
        .first()
    )
    # The lookup is by the hash of the token; the comparison of the stored hash is in
    # constant time all the same.
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    now = timezone.now()
    placement = link.placement
    if link.revoked_at is not None or link.expires_at <= now:
        return None
    if placement.end is not None and placement.end < timezone.localdate():
        return None
    if placement.participant.anonymised_at or placement.mentor_id != link.mentor_id:
        return None
    return link


def _request_data(link: MentorLink | None, result: str, what: str = "") -> dict:
    data = {"result": result}
    if link is not None:
        data |= {"link": link.pk, "placement": link.placement_id}
    if what:
        data["what"] = what
    return data


def mentor_link_audit(*, link: MentorLink | None, action: str, what: str = "") -> None:
    """One entry per use of the link: link id, placement, address (from the request) and
    result; never the token. Also notes when the link was last used."""
    denied = action in (REFUSED, THROTTLED)
    log_action(
        by=None,
        action=action,
        participant=link.placement.participant_id if link else None,
        obj=link,
        result=AuditEntry.Result.DENIED if denied else AuditEntry.Result.ALLOWED,
        data=_request_data(link, "denied" if denied else "allowed", what),
    )
    if link is not None and not denied:
        MentorLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


def throttled(*, ip: str | None, link: MentorLink | None, submitting: bool = False) -> bool:
    """Too many requests from this address or for this link in the last minute, or too
    many submissions through this link in the last day. Counted in the audit trail (one
    entry per request), so every worker process sees the same numbers."""
    now = timezone.now()
    minute = AuditEntry.objects.filter(at__gte=now - datetime.timedelta(minutes=1), action__in=PUBLIC_ACTIONS)
    limit = settings.PLP_MENTOR_REQUESTS_PER_MINUTE
    if ip and minute.filter(ip=ip).count() >= limit:
        return True
    if link is None:
        return False
    ref = f"participants.mentorlink:{link.pk}"
    if minute.filter(object_repr=ref).count() >= limit:
        return True
    if submitting:
        day = AuditEntry.objects.filter(
            object_repr=ref, action=SUBMITTED, at__gte=now - datetime.timedelta(days=1)
        )
        return day.count() >= settings.PLP_MENTOR_SUBMISSIONS_PER_DAY
    return False


def current_trajectory(placement: Placement) -> Trajectory | None:
    """The participant's ongoing trajectory (the latest started), whose goals the mentor sees."""
    return (
        Trajectory.objects.filter(participant_id=placement.participant_id, end__isnull=True)
        .order_by(F("start").desc(nulls_last=True), "-pk")
        .first()
    )


def mentor_goals(placement: Placement) -> list[LearningGoal]:
    """The goals of the current trajectory, each with `current_step` (the latest
    observed step, or None) and its label."""
    trajectory = current_trajectory(placement)
    if trajectory is None:
        return []
    goals = list(trajectory.goals.select_related("work_process"))
    latest: dict[int, int] = {}
    for goal_id, step in (
        ObservationStep.objects.filter(goal__in=goals).order_by("date", "pk").values_list("goal_id", "step")
    ):
        latest[goal_id] = step
    for goal in goals:
        goal.current_step = latest.get(goal.pk)
        goal.current_step_label = Step(goal.current_step).label if goal.current_step else ""
    return goals


@transaction.atomic
def mentor_observation_record(*, link: MentorLink, steps: dict[int, int], note: str) -> Observation:
    """The mentor's observation through the link: a step 1-4 for one or more goals of the
    participant's current trajectory, and a short note, dated today. Audited like any
    observation (`participants.observation.created`, its steps), with the link's id."""
    placement = link.placement
    trajectory = current_trajectory(placement)
    if not steps:
        raise ValidationError(_("Choose a step for at least one learning goal."))
    goals = {g.pk: g for g in LearningGoal.objects.filter(trajectory=trajectory, pk__in=list(steps))}
    if trajectory is None or set(goals) != set(steps):
        raise ValidationError(_("These learning goals are not for this placement."))
    if any(step not in (1, 2, 3, 4) for step in steps.values()):
        raise ValidationError(_("The step is 1, 2, 3 or 4."))
    today = timezone.localdate()
    observation = Observation(
        participant_id=placement.participant_id,
        trajectory=trajectory,
        date=today,
        observer=Observation.Observer.MENTOR_LINK,
        mentor_id=link.mentor_id,
        note=note,
    )
    observation.full_clean()
    observation.save()
    for goal_id, step in sorted(steps.items()):
        row = ObservationStep(
            observation=observation,
            goal=goals[goal_id],
            step=step,
            date=today,
            participant_id=placement.participant_id,
        )
        row.full_clean()
        row.save()
    log_action(
        by=None,
        action="participants.observation.created",
        participant=placement.participant_id,
        obj=observation,
        data={
            "steps": {str(gid): step for gid, step in sorted(steps.items())},
            "link": link.pk,
            "placement": placement.pk,
        },
    )
    mentor_link_audit(link=link, action=SUBMITTED, what="observation")
    return observation


@transaction.atomic
def mentor_checkin_record(*, link: MentorLink, mood: str, note: str, wants_contact: bool) -> MentorCheckin:
    """ "Hoe gaat het?" through the link. Concerns or a wish for contact open a
    workplace signal (or join the one still open) for the coach's Vandaag."""
    placement = link.placement
    participant = placement.participant
    checkin = MentorCheckin(
        participant=participant,
        placement=placement,
        link=link,
        date=timezone.localdate(),
        mood=mood,
        note=note,
        wants_contact=wants_contact,
    )
    if mood == MentorCheckin.Mood.WORRIED or wants_contact:
        signal = Signal.objects.filter(
            participant=participant, kind=Signal.Kind.WORKPLACE, closed_on__isnull=True
        ).first()
        if signal is None:
            signal = Signal(participant=participant, kind=Signal.Kind.WORKPLACE, raised_on=checkin.date)
            _save(by=None, instance=signal, participant=participant)
        checkin.signal = signal
    checkin.full_clean()
    checkin.save()
    log_action(
        by=None,
        action="participants.mentorcheckin.created",
        participant=participant,
        obj=checkin,
        data={"link": link.pk, "placement": placement.pk},
    )
    mentor_link_audit(link=link, action=SUBMITTED, what="checkin")
    return checkin


def mentor_entries(link: MentorLink, days: int = 90) -> list[dict]:
    """What this placement's mentor gave through links in the last `days` days, newest
    first: their observations and check-ins, nothing from others."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    placement = link.placement
    observations = Observation.objects.filter(
        participant_id=placement.participant_id,
        observer=Observation.Observer.MENTOR_LINK,
        mentor_id=link.mentor_id,
        date__gte=since,
    ).prefetch_related("steps__goal__work_process")
    checkins = MentorCheckin.objects.filter(placement=placement, date__gte=since)
    rows = [{"date": o.date, "kind": "observation", "obj": o, "pk": o.pk} for o in observations]
    rows += [{"date": c.date, "kind": "checkin", "obj": c, "pk": c.pk} for c in checkins]
    return sorted(rows, key=lambda r: (r["date"], r["pk"]), reverse=True)


def checkin_period_start(placement: Placement, today: datetime.date) -> datetime.date | None:
    """The start of the placement's current check-in period (every PLP_MENTOR_CHECKIN_WEEKS
    weeks from its start), or None in its first period."""
    length = 7 * settings.PLP_MENTOR_CHECKIN_WEEKS
    periods = (today - placement.start).days // length
    if periods < 1:
        return None
    return placement.start + datetime.timedelta(days=periods * length)


def mentor_checkins_send(*, today: datetime.date | None = None) -> int:
    """Mail "Hoe gaat het?" with a fresh link to the mentor of every placement with a
    working link, once per period; not for ended placements, not when the link is
    younger than a period (the mentor just got it). The fresh link replaces the old one (only
    its hash is kept, so the old one cannot be mailed again) and keeps its end date.
    Returns how many were sent."""
    today = today or timezone.localdate()
    now = timezone.now()
    every = datetime.timedelta(weeks=settings.PLP_MENTOR_CHECKIN_WEEKS)
    sent = 0
    links = (
        MentorLink.objects.filter(revoked_at__isnull=True, expires_at__gt=now)
        .exclude(placement__end__lt=today)
        .exclude(placement__mentor__isnull=True)
        .exclude(placement__mentor__email="")
        .filter(placement__participant__anonymised_at__isnull=True)
        .select_related("placement__mentor", "placement__participant")
    )
    for link in links:
        period = checkin_period_start(link.placement, today)
        if period is None or now - link.created_at < every:
            continue  # the placement's first period, or the mentor got this link recently
        if MentorCheckinMail.objects.filter(placement=link.placement, period_start=period).exists():
            continue
        try:
            with transaction.atomic():
                MentorCheckinMail.objects.create(
                    placement=link.placement, period_start=period, link=link, sent_at=now
                )
                new, token = mentor_link_make(by=None, placement=link.placement, keep_expiry=link)
                MentorCheckinMail.objects.filter(placement=link.placement, period_start=period).update(
                    link=new
                )
                _mail(
                    by=None,
                    link=new,
                    url=site_url(link_url(token)),
                    template="checkin",
                )
        except IntegrityError:
            continue  # another run took this period a moment ago
        except OSError:
            # The mail server refused or cannot be reached: nothing was kept, the next run tries again.
            logger.warning("Check-in mail for mentor link %s not sent", link.pk, exc_info=True)
            continue
        sent += 1
    return sent
