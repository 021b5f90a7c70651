"""What a participant follows: trajectories, placements at a learning workplace,
credentials earned, and pauses."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .base import clean_end_after_start, end_after_start
from .organisations import Mentor, Organisation
from .participant import Participant


def _certificate_name() -> str:
    return settings.PLP_CERTIFICATE_NAME


# The programme's own certificate goes by the name the programme gives it (a setting;
# default "Waardevol Werk-certificaat"), in the app and the report alike.
CERTIFICATE_NAME = lazy(_certificate_name, str)()


class TrajectoryKind(models.TextChoices):
    PRE_TRAJECTORY = "voortraject", _("Pre-trajectory")
    PRACTICE_STATEMENT = "praktijkverklaring", _("Practice statement")
    EXPERIENCE_CERTIFICATE = "ervaringscertificaat", CERTIFICATE_NAME
    PARTIAL_CERTIFICATE = "deelcertificaat", _("Partial certificate")


def trajectory_kinds() -> list[tuple[str, str]]:
    """The field's choices, read when used: the certificate's name comes from settings
    (a callable keeps that name out of the migrations)."""
    return TrajectoryKind.choices


class Trajectory(models.Model):
    class Outcome(models.TextChoices):
        ONGOING = "lopend", _("Ongoing")
        ACHIEVED = "behaald", _("Achieved")
        STOPPED = "gestopt", _("Stopped")
        SWITCHED = "overgestapt", _("Switched")

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="trajectories", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=trajectory_kinds)
    # Nullable so that imported history without a start can be stored and flagged.
    start = models.DateField(_("start date"), null=True, blank=True)
    end = models.DateField(_("end date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.ONGOING)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        constraints = [end_after_start("trajectory")]
        indexes = [models.Index(fields=["participant", "start"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.participant.number}"

    def clean(self) -> None:
        clean_end_after_start(self)
        if self.outcome == self.Outcome.ONGOING and self.end:
            raise ValidationError({"outcome": _("A trajectory with an end date is not ongoing.")})
        if self.outcome != self.Outcome.ONGOING and not self.end:
            raise ValidationError({"end": _("Enter the end date for this outcome.")})


class Placement(models.Model):
    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="placements", verbose_name=_("participant")
    )
    employer = models.ForeignKey(
        Organisation, models.PROTECT, related_name="placements", verbose_name=_("employer")
    )
    mentor = models.ForeignKey(
        Mentor,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("workplace mentor"),
    )
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(60)],
    )
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        indexes = [
            # The caseload's "placement ends within 14 days" finds its few files here.
            models.Index(fields=["end"], condition=Q(end__isnull=False), name="placement_end"),
        ]
        constraints = [
            end_after_start("placement"),
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(end__isnull=True),
                name="placement_one_open_per_participant",
                violation_error_message=_("This participant already has an open placement."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gt=0, hours_per_week__lte=60),
                name="placement_hours_in_range",
                violation_error_message=_("Hours per week must be between 0 and 60."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} ({self.participant.number})"

    def clean(self) -> None:
        clean_end_after_start(self)
        if self.mentor_id and self.employer_id and self.mentor.organisation_id != self.employer_id:
            raise ValidationError({"mentor": _("This mentor does not work at this employer.")})


class CredentialKind(models.TextChoices):
    PRACTICE_STATEMENT = "praktijkverklaring", _("Practice statement")
    EXPERIENCE_CERTIFICATE = "ervaringscertificaat", CERTIFICATE_NAME
    PARTIAL_CERTIFICATE = "deelcertificaat", _("Partial certificate")


def credential_kinds() -> list[tuple[str, str]]:
    """See `trajectory_kinds`."""
    return CredentialKind.choices


class Credential(models.Model):
    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="credentials", verbose_name=_("participant")
    )
    trajectory = models.ForeignKey(
        Trajectory,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
        verbose_name=_("trajectory"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=credential_kinds)
    awarded_on = models.DateField(_("awarded on"))
    issuer = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="credentials_issued",
        verbose_name=_("issued by"),
    )
    accepted_work_processes = models.ManyToManyField(
        "participants.WorkProcess",
        blank=True,
        related_name="credentials",
        verbose_name=_("work processes accepted"),
        help_text=_("The work processes the school accepted, from the trajectory's learning goals."),
    )
    # Before the learning route the work processes were free text: what could not be
    # matched to the catalogue is kept here.
    work_processes = models.TextField(
        _("note on the work processes"), blank=True, help_text=_("Only what is not in the list above.")
    )

    class Meta:
        ordering = ["-awarded_on", "-pk"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.awarded_on:%d-%m-%Y}"

    def clean(self) -> None:
        if self.trajectory_id and self.trajectory.participant_id != self.participant_id:
            raise ValidationError({"trajectory": _("This trajectory belongs to someone else.")})


class Pause(models.Model):
    """A temporary stop. It is not dropout and does not end a trajectory."""

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="pauses", verbose_name=_("participant")
    )
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True)
    planned_end = models.DateField(
        _("planned end"), null=True, blank=True, help_text=_("When the pause is expected to end.")
    )
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        constraints = [end_after_start("pause")]

    def __str__(self) -> str:
        return f"{_('Pause')} {self.start:%d-%m-%Y}"

    def clean(self) -> None:
        clean_end_after_start(self)
        if self.planned_end and self.start and self.planned_end < self.start:
            raise ValidationError({"planned_end": _("The planned end cannot be before the start.")})
