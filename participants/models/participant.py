"""The participant's registration and intake."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..lifecycle import Phase
from ..querysets import ParticipantQuerySet
from .base import clean_end_after_start, end_after_start
from .organisations import Organisation

PHASE_CSS = {
    Phase.REGISTERED: "text-bg-light border",
    Phase.INTAKE: "text-bg-secondary",
    Phase.PRE_TRAJECTORY: "text-bg-info",
    Phase.IN_TRAJECTORY: "text-bg-primary",
    Phase.PAUSED: "text-bg-warning",
    Phase.COMPLETED: "text-bg-light border",
    Phase.DROPPED_OUT: "text-bg-danger",
    Phase.OUTFLOWED: "text-bg-success",
}


class Participant(models.Model):
    number = models.CharField(
        _("participant number"),
        max_length=30,
        unique=True,
        help_text=_("The register key, e.g. PLP-2024-007."),
        error_messages={"unique": _("A participant with this number already exists.")},
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("coach"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="shared_caseload",
        verbose_name=_("also guided by"),
        help_text=_(
            "Peer experts and colleagues who share this caseload. They do not see health or debt details."
        ),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    # Date the participant left (dropout or outflow without a re-entry after it); kept
    # by the services so the caseload can leave closed files out without computing phases.
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    # The phase as computed on phase_on, valid until phase_until (the next start or end of
    # a trajectory or pause). Kept by the services and by the nightly refresh_phases, so
    # lists can filter and count by phase without computing it over every row.
    stored_phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.REGISTERED, editable=False
    )
    phase_on = models.DateField(_("phase computed on"), null=True, blank=True, editable=False)
    phase_until = models.DateField(_("phase valid until"), null=True, blank=True, editable=False)
    # Kept by the database (migration 0027), however the records are written: a goal
    # trajectory is running and every learning goal of the running trajectories stands at
    # step 4 at its latest observation. A value written here by anything else is replaced.
    ready_for_judgment = models.BooleanField(
        _("ready for judgment"), default=False, db_default=False, editable=False
    )
    referrer = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_participants",
        verbose_name=_("referrer"),
    )
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Number and names in one column, so that one trigram index (PostgreSQL, migration
    # 0013) serves each word of a caseload search.
    search_text = models.GeneratedField(
        expression=Concat("number", Value(" "), "first_name", Value(" "), "last_name"),
        output_field=models.CharField(max_length=232),
        db_persist=True,
        verbose_name=_("search text"),
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "number"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["coach", "last_name", "first_name"]),
            # The caseload's ORDER BY: the page's LIMIT walks this index instead of sorting.
            models.Index(fields=["last_name", "first_name", "number"], name="participant_name_order"),
            models.Index(fields=["stored_phase"], name="participant_stored_phase"),
            models.Index(fields=["phase_until"], name="participant_phase_until"),
            # Open files first (PostgreSQL puts NULL first in a descending index, then the
            # files that close later): counting the open files stops after the cap instead of
            # stepping past every closed file (13.7 to 0.2 ms at 1M). Serves date ranges too.
            models.Index(F("closed_on").desc(), name="participant_open_first"),
            # The caseload's "ready for judgment": counted and paged in name order.
            models.Index(
                fields=["last_name", "first_name", "number"],
                condition=Q(ready_for_judgment=True),
                name="participant_ready_name_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.number})"

    def get_absolute_url(self) -> str:
        return reverse("participants:participant-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def stored_phase_holds(self, day: datetime.date) -> bool:
        """Whether stored_phase is the phase on `day` (the negation of querysets._stale)."""
        return (
            self.phase_on is not None
            and self.phase_on <= day
            and (self.phase_until is None or day < self.phase_until)
        )


class Intake(models.Model):
    class LoadCapacity(models.TextChoices):
        LOW = "low", _("Low")
        MODERATE = "moderate", _("Moderate")
        GOOD = "good", _("Good")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not decided yet")
        ADMITTED = "admitted", _("Admitted")
        PRE_TRAJECTORY = "pre_trajectory", _("Admitted to pre-trajectory")
        REFERRED = "referred", _("Referred elsewhere")
        DECLINED = "declined", _("Not admitted")

    participant = models.OneToOneField(
        Participant, models.CASCADE, related_name="intake", verbose_name=_("participant")
    )
    date = models.DateField(_("intake date"))
    motivation = models.TextField(_("motivation"), blank=True)
    load_capacity = models.CharField(
        _("load capacity"), max_length=20, choices=LoadCapacity.choices, blank=True
    )
    load_capacity_notes = models.TextField(_("load capacity notes"), blank=True)
    learning_style = models.TextField(_("learning style"), blank=True)
    network = models.TextField(
        _("network involved"), blank=True, help_text=_("Family, support workers, others.")
    )
    tests_used = models.TextField(_("tests used"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    trial_start = models.DateField(_("trial period start"), null=True, blank=True)
    trial_end = models.DateField(_("trial period end"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [end_after_start("intake", "trial_start", "trial_end")]

    def __str__(self) -> str:
        return f"{_('Intake')} {self.participant.number}"

    def clean(self) -> None:
        clean_end_after_start(self, "trial_start", "trial_end")
        if self.trial_end and not self.trial_start:
            raise ValidationError({"trial_start": _("Enter the start of the trial period.")})
