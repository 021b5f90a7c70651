"""How a participation ends, and how it starts again: dropout, outflow, re-entry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import DropoutReason, Organisation
from .participant import Participant


class DropoutRoute(models.TextChoices):
    """Where a participant goes after dropping out (source 3.4: kept in dagbesteding "met
    uitzicht op instroom"). The codes are an interface: the register and the JSON use them."""

    DAY_ACTIVITIES = "dagbesteding", _("Day activities")
    INDIVIDUAL_SUPPORT = "individuele_begeleiding", _("Individual support")
    EDUCATION_OR_WORK = "opleiding_of_werk", _("Other education or work")
    CARE = "zorg", _("Care or treatment")
    NONE = "geen", _("None")
    UNKNOWN = "onbekend", _("Unknown")


class Dropout(models.Model):
    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="dropouts", verbose_name=_("participant")
    )
    date = models.DateField(_("date"))
    # Nullable for imported history; the form requires it and the report warns.
    reason = models.ForeignKey(
        DropoutReason,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="dropouts",
        verbose_name=_("reason"),
    )
    explanation = models.TextField(_("explanation"), blank=True)
    route = models.CharField(
        _("route after dropout"),
        max_length=30,
        choices=DropoutRoute.choices,
        default=DropoutRoute.UNKNOWN,
        help_text=_("Where the person goes from here."),
    )
    follow_up = models.TextField(
        _("follow-up route"),
        blank=True,
        help_text=_("In your own words: which organisation, what was agreed."),
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("dropout")
        verbose_name_plural = _("dropouts")

    def __str__(self) -> str:
        return f"{_('Dropout')} {self.date:%d-%m-%Y}"


class Outflow(models.Model):
    class Kind(models.TextChoices):
        PAID_WORK = "betaald werk", _("Paid work")
        SHELTERED_WORK = "beschut werk", _("Sheltered work")
        PARTICIPATION_JOB = "participatiebaan", _("Participation job")
        SECONDMENT = "detachering", _("Secondment")
        FURTHER_EDUCATION = "vervolgopleiding", _("Further education")
        OTHER = "anders", _("Other")

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="outflows", verbose_name=_("participant")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    employer = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outflows",
        verbose_name=_("employer or school"),
    )
    job_title = models.CharField(_("job title or programme"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("outflow")
        verbose_name_plural = _("outflows")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d-%m-%Y}"


class ReEntry(models.Model):
    """Explicit return to the programme after a dropout or outflow."""

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="reentries", verbose_name=_("participant")
    )
    date = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("re-entry")
        verbose_name_plural = _("re-entries")

    def __str__(self) -> str:
        return f"{_('Re-entry')} {self.date:%d-%m-%Y}"
