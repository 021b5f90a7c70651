"""What surrounds the participant (source 3.5 and 3.6): support needs with the chain
partner that helps, group lessons and their attendance, and learning places at employers."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import clean_end_after_start, end_after_start
from .organisations import Organisation
from .participant import Participant


class SupportNeedQuerySet(models.QuerySet):
    def open(self) -> "SupportNeedQuerySet":
        """The needs still open."""
        return self.filter(status=SupportNeed.Status.OPEN)

    def waiting(self, day: datetime.date, days: int = 30) -> "SupportNeedQuerySet":
        """Open needs opened more than `days` days before `day`."""
        return self.open().filter(since__lt=day - datetime.timedelta(days=days))


class SupportNeed(models.Model):
    """A condition that keeps a participant in the programme (vervoer, schulden, ...):
    special category data, for the assigned coach and coordinators only."""

    class Kind(models.TextChoices):
        TRANSPORT = "vervoer", _("Transport")
        MONEY = "financien", _("Money and debts")
        ADMINISTRATION = "administratie", _("Administration")
        DAY_STRUCTURE = "dagstructuur", _("Day structure")
        CARE_FOR_OTHERS = "zorg_naasten", _("Care for children or relatives")
        HOUSING = "wonen", _("Housing")
        HEALTH = "gezondheid", _("Health")
        OTHER = "anders", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SETTLED = "geregeld", _("Settled")
        NO_LONGER_NEEDED = "niet_nodig", _("No longer needed")

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="support_needs", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind of support"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    since = models.DateField(_("since"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(
        _("settled on"), null=True, blank=True, help_text=_("When it was settled or no longer needed.")
    )
    partner = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="support_needs",
        limit_choices_to={"kind": Organisation.Kind.CHAIN_PARTNER},
        verbose_name=_("chain partner"),
    )
    contact_person = models.CharField(_("contact person there"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SupportNeedQuerySet.as_manager()

    class Meta:
        ordering = ["-since", "-pk"]
        verbose_name = _("support need")
        verbose_name_plural = _("support needs")
        indexes = [models.Index(fields=["since"], condition=Q(status="open"), name="support_need_open")]
        constraints = [
            end_after_start("supportneed", "since", "closed_on"),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="supportneed_closed_when_not_open",
                violation_error_message=_("An open need has no settled date; a settled need has one."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        clean_end_after_start(self, "since", "closed_on")


class LearningPlace(models.Model):
    """Learning workplaces an employer offers (source 4.3: "25 nieuwe leer- en
    werkplekken"): what work, how many places, from when until when."""

    employer = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="learning_places",
        limit_choices_to={"kind": Organisation.Kind.EMPLOYER},
        verbose_name=_("employer"),
    )
    title = models.CharField(_("work"), max_length=200, help_text=_("E.g. medewerker groenvoorziening."))
    places = models.PositiveSmallIntegerField(_("number of places"), default=1)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    accredited = models.BooleanField(_("accredited"), default=False)

    class Meta:
        ordering = ["employer__name", "start", "pk"]
        verbose_name = _("learning place")
        verbose_name_plural = _("learning places")
        constraints = [
            end_after_start("learningplace"),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="learningplace_at_least_one",
                violation_error_message=_("An offer has at least one place."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.employer})"

    def clean(self) -> None:
        clean_end_after_start(self)

    def runs_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class GroupLesson(models.Model):
    """A group lesson (source 3.6: "8 weken lang per kandidaat gemiddeld 1 uur per
    week"): when, how long, what, by whom and where; the participants invited."""

    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    topic = models.CharField(_("topic"), max_length=200)
    teacher = models.CharField(_("teacher"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        Participant, through="LessonAttendance", related_name="group_lessons", verbose_name=_("invited")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        verbose_name = _("group lesson")
        verbose_name_plural = _("group lessons")
        indexes = [models.Index(fields=["date"], name="group_lesson_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=12 * 60),
                name="group_lesson_duration_in_range",
                violation_error_message=_("The duration must be between 1 and 720 minutes."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.date:%d-%m-%Y}"


class LessonAttendance(models.Model):
    """A participant invited to a group lesson, and whether they came: empty until the
    attendance is taken."""

    class Absence(models.TextChoices):
        EXCUSED = "afgemeld", _("Excused in advance")
        NO_NOTICE = "zonder_bericht", _("Without notice")
        OTHER = "anders", _("Other")

    lesson = models.ForeignKey(
        GroupLesson, models.CASCADE, related_name="attendances", verbose_name=_("lesson")
    )
    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="lesson_attendances", verbose_name=_("participant")
    )
    present = models.BooleanField(_("present"), null=True, blank=True)
    absence = models.CharField(_("reason of absence"), max_length=20, choices=Absence.choices, blank=True)

    class Meta:
        ordering = ["lesson", "participant__number"]
        verbose_name = _("lesson attendance")
        verbose_name_plural = _("lesson attendances")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "participant"], name="attendance_once_per_lesson"),
            models.CheckConstraint(
                condition=Q(absence="") | Q(present=False),
                name="attendance_reason_only_when_absent",
                violation_error_message=_("A reason of absence is only for someone absent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} – {self.participant_id}"
