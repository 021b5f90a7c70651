"""The workplace mentor's personal link to a placement, the check-ins given through it
and the periodic check-in mails sent for it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .organisations import Mentor
from .participant import Participant
from .progress import Signal
from .trajectory import Placement


class MentorLink(models.Model):
    """A link without account for the placement's mentor. Only the SHA-256 of the token
    is kept: the token itself is shown once, to the coach who made it (and mailed)."""

    placement = models.ForeignKey(
        Placement, models.CASCADE, related_name="mentor_links", verbose_name=_("placement")
    )
    # The mentor it was made for: a new mentor on the placement does not inherit it.
    mentor = models.ForeignKey(
        Mentor, models.CASCADE, related_name="links", verbose_name=_("workplace mentor")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made at"))
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mentor link")
        verbose_name_plural = _("mentor links")
        constraints = [
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(revoked_at__isnull=True),
                name="mentor_link_one_unrevoked_per_placement",
                violation_error_message=_("This placement already has a link for its mentor."),
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="mentor_link_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        # Never the token or its hash: the link's id is how logs and the trail name it.
        return f"{_('Mentor link')} {self.pk}"


class MentorCheckin(models.Model):
    """ "Hoe gaat het?": the mentor's short answer about the participant at the workplace."""

    class Mood(models.TextChoices):
        GOOD = "goed", _("Good")
        MIXED = "wisselend", _("Mixed")
        WORRIED = "zorgen", _("Worried")

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="mentor_checkins", verbose_name=_("participant")
    )
    placement = models.ForeignKey(
        Placement, models.CASCADE, related_name="mentor_checkins", verbose_name=_("placement")
    )
    link = models.ForeignKey(
        MentorLink, models.SET_NULL, null=True, related_name="checkins", verbose_name=_("mentor link")
    )
    date = models.DateField(_("date"))
    mood = models.CharField(_("how it goes"), max_length=20, choices=Mood.choices)
    note = models.TextField(_("note"), blank=True)
    wants_contact = models.BooleanField(_("would like contact with the coach"), default=False)
    signal = models.ForeignKey(
        Signal, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("signal")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("mentor check-in")
        verbose_name_plural = _("mentor check-ins")
        indexes = [models.Index(fields=["placement", "-date"])]

    def __str__(self) -> str:
        return f"{_('Check-in')} {self.date:%d-%m-%Y}"


class MentorCheckinMail(models.Model):
    """One periodic "Hoe gaat het?" mail for a placement's period: never two for one period."""

    placement = models.ForeignKey(
        Placement, models.CASCADE, related_name="mentor_mails", verbose_name=_("placement")
    )
    period_start = models.DateField(_("period from"))
    link = models.ForeignKey(MentorLink, models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("check-in mail")
        verbose_name_plural = _("check-in mails")
        constraints = [
            models.UniqueConstraint(fields=["placement", "period_start"], name="mentor_mail_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.period_start}"
