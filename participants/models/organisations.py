"""Organisations (employers, schools, partners), their workplace mentors, and the
dropout reasons coordinators keep."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer (learning company)")
        SCHOOL = "school", _("School")
        REFERRER = "referrer", _("Referrer")
        FUNDER = "funder", _("Funder")
        KNOWLEDGE_PARTNER = "knowledge_partner", _("Knowledge partner")
        CHAIN_PARTNER = "chain_partner", _("Chain partner (support around the participant)")
        OTHER = "other", _("Other partner")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    role = models.TextField(
        _("role in the programme"), blank=True, help_text=_("As shown in the funder report.")
    )
    accredited = models.BooleanField(_("accredited learning company"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Mentor(models.Model):
    """A workplace mentor (leermeester) at an employer."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="mentors", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("workplace mentor")
        verbose_name_plural = _("workplace mentors")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="mentor_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class DropoutReason(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("dropout reason")
        verbose_name_plural = _("dropout reasons")

    def __str__(self) -> str:
        return self.label
