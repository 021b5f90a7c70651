"""Writes about what surrounds the participant: support needs (and, below, group lessons
and learning places). Each write is one transaction with its audit entry (codes and ids
only, never the typed text)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plp.audit import log_action

from ..models import LearningPlace, Organisation, SupportNeed


@transaction.atomic
def support_need_save(*, by, need: SupportNeed) -> SupportNeed:
    """Record or change a support need. The partner must be a chain partner; a need that
    is open has no settled date (settle it with `support_need_settle`)."""
    adding = need._state.adding
    if adding and need.created_by_id is None and by is not None:
        need.created_by = by
    if need.partner_id and need.partner.kind != Organisation.Kind.CHAIN_PARTNER:
        raise ValidationError({"partner": _("Choose a chain partner.")})
    if need.status == SupportNeed.Status.OPEN:
        need.closed_on = None
    elif need.closed_on is None:
        raise ValidationError({"closed_on": _("Give the date it was settled.")})
    need.full_clean()
    need.save()
    log_action(
        by=by,
        action=f"participants.supportneed.{'created' if adding else 'changed'}",
        participant=need.participant,
        obj=need,
        data={"kind": need.kind, "status": need.status},
    )
    return need


@transaction.atomic
def support_need_settle(*, by, need: SupportNeed, status: str, closed_on: datetime.date) -> SupportNeed:
    """Close an open need as settled (geregeld) or no longer needed, on `closed_on`."""
    if need.status != SupportNeed.Status.OPEN:
        raise ValidationError(_("This support need is already closed."))
    if status not in (SupportNeed.Status.SETTLED, SupportNeed.Status.NO_LONGER_NEEDED):
        raise ValidationError({"status": _("Choose settled or no longer needed.")})
    need.status, need.closed_on = status, closed_on
    need.full_clean()
    need.save()
    log_action(
        by=by,
        action="participants.supportneed.settled",
        participant=need.participant,
        obj=need,
        data={"status": status},
    )
    return need


@transaction.atomic
def learning_place_save(*, by, place: LearningPlace) -> LearningPlace:
    """Record or change an employer's learning places. The employer must be an employer."""
    adding = place._state.adding
    if place.employer_id and place.employer.kind != Organisation.Kind.EMPLOYER:
        raise ValidationError({"employer": _("Choose an employer.")})
    place.full_clean()
    place.save()
    log_action(
        by=by,
        action=f"participants.learningplace.{'created' if adding else 'changed'}",
        obj=place,
        data={"employer": place.employer_id, "places": place.places},
    )
    return place
