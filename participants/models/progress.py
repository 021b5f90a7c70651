"""The coach's record of the way: contact moments (and their daily rollup), signals,
reminders and the follow-up after outflow."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import end_after_start
from .exits import Outflow
from .participant import Participant


class ProgressEntry(models.Model):
    class Kind(models.TextChoices):
        COACHING = "coaching", _("Coaching")
        LESSON = "les", _("Lesson")
        WORKPLACE_VISIT = "werkplekbezoek", _("Workplace visit")
        THREE_WAY = "driegesprek", _("Three-way talk")
        PHONE = "telefonisch", _("Phone call")
        EVALUATION = "evaluatie", _("Evaluation")

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="entries", verbose_name=_("participant")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    notes = models.TextField(_("notes"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        indexes = [
            models.Index(fields=["participant", "-date"]),
            # Entries by date across participants: the data-quality check for dates in the
            # future, which otherwise reads millions of entries, and "contact in the last
            # 14 days" for every open file (the dashboard), answered from the index alone.
            models.Index(fields=["date", "participant"], name="progress_entry_date_pid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=24 * 60),
                name="entry_duration_in_range",
                violation_error_message=_("The duration must be between 1 and 1440 minutes."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d-%m-%Y}"


class ProgressDay(models.Model):
    """Minutes and number of progress entries per day and kind: the report's hours read
    these few thousand rows instead of summing millions of entries. Database triggers on
    ProgressEntry keep them (migration 0014), whatever writes the entries: services,
    imports, cascades and bulk inserts alike. No personal data."""

    date = models.DateField()
    kind = models.CharField(max_length=20, choices=ProgressEntry.Kind.choices)
    minutes = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["date", "kind"], name="progress_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}: {self.minutes} min"


class Signal(models.Model):
    class Kind(models.TextChoices):
        STRESS = "stress", _("Stress")
        MOTIVATION = "motivatie", _("Motivation")
        RELAPSE = "terugval", _("Relapse")
        HOME = "thuissituatie", _("Home situation")
        DEBTS = "schulden", _("Debts")
        WORKPLACE = "werkplek", _("Workplace")

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="signals", verbose_name=_("participant")
    )
    entry = models.ForeignKey(
        ProgressEntry,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("progress entry"),
    )
    kind = models.CharField(_("signal"), max_length=20, choices=Kind.choices)
    raised_on = models.DateField(_("raised on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("how it was resolved"), blank=True)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        indexes = [
            models.Index(fields=["participant"], condition=Q(closed_on__isnull=True), name="signal_open")
        ]
        constraints = [end_after_start("signal", "raised_on", "closed_on")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Reminder(models.Model):
    """A task or appointment about a participant, with a due date, for the assigned
    coach or a colleague."""

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="reminders", verbose_name=_("participant")
    )
    title = models.CharField(_("what"), max_length=200)
    due_on = models.DateField(_("due on"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="reminders",
        verbose_name=_("for"),
    )
    notes = models.TextField(_("notes"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [
            models.Index(
                fields=["assigned_to", "due_on"], condition=Q(done_on__isnull=True), name="reminder_open"
            )
        ]

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    """After an outflow the app asks at 6 and 12 months whether the person still works or
    studies; both answers yes means "duurzaam uitgestroomd" in the report."""

    MONTHS = (6, 12)

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="followups", verbose_name=_("participant")
    )
    outflow = models.ForeignKey(Outflow, models.CASCADE, related_name="followups", verbose_name=_("outflow"))
    months = models.PositiveSmallIntegerField(_("after months"), choices=[(6, "6"), (12, "12")])
    answered_on = models.DateField(_("asked on"))
    still_active = models.BooleanField(_("still in work or education"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["outflow", "months"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [models.UniqueConstraint(fields=["outflow", "months"], name="followup_once_per_moment")]

    def __str__(self) -> str:
        return _("%(months)s months") % {"months": self.months}
