"""The case file: a participant and everything recorded about them."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .lifecycle import Phase
from .querysets import ParticipantQuerySet


def private_storage():
    """Documents live outside the web root (PLP_PRIVATE_ROOT), never under STATIC/MEDIA URLs."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PLP_PRIVATE_ROOT, base_url=None)


def end_after_start(model: str, start: str = "start", end: str = "end") -> models.CheckConstraint:
    """A CheckConstraint: the end date is empty or on/after the start date."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=f"{model}_{end}_after_{start}",
        violation_error_message=_("The end date cannot be before the start date."),
    )


def clean_end_after_start(instance, start: str = "start", end: str = "end") -> None:
    """Form-level twin of end_after_start, so the message lands on the end field."""
    start_value, end_value = getattr(instance, start), getattr(instance, end)
    if start_value and end_value and end_value < start_value:
        raise ValidationError({end: _("The end date cannot be before the start date.")})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer (learning company)")
        SCHOOL = "school", _("School")
        REFERRER = "referrer", _("Referrer")
        FUNDER = "funder", _("Funder")
        KNOWLEDGE_PARTNER = "knowledge_partner", _("Knowledge partner")
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
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False, db_index=True)
    # The phase as computed on phase_on, valid until phase_until (the next start or end of
    # a trajectory or pause). Kept by the services and by the nightly refresh_phases, so
    # lists can filter and count by phase without computing it over every row.
    stored_phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.REGISTERED, editable=False
    )
    phase_on = models.DateField(_("phase computed on"), null=True, blank=True, editable=False)
    phase_until = models.DateField(_("phase valid until"), null=True, blank=True, editable=False)
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


class TrajectoryKind(models.TextChoices):
    PRE_TRAJECTORY = "voortraject", _("Pre-trajectory")
    PRACTICE_STATEMENT = "praktijkverklaring", _("Practice statement")
    EXPERIENCE_CERTIFICATE = "ervaringscertificaat", _("Experience certificate")
    PARTIAL_CERTIFICATE = "deelcertificaat", _("Partial certificate")


class Trajectory(models.Model):
    class Outcome(models.TextChoices):
        ONGOING = "lopend", _("Ongoing")
        ACHIEVED = "behaald", _("Achieved")
        STOPPED = "gestopt", _("Stopped")
        SWITCHED = "overgestapt", _("Switched")

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="trajectories", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=TrajectoryKind.choices)
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


class ProgressEntry(models.Model):
    class Kind(models.TextChoices):
        COACHING = "coaching", _("Coaching")
        LESSON = "les", _("Lesson")
        WORKPLACE_VISIT = "werkplekbezoek", _("Workplace visit")
        THREE_WAY = "driegesprek", _("Three-way talk")
        PHONE = "telefonisch", _("Phone call")

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
            # future, which otherwise reads millions of entries.
            models.Index(fields=["date"], name="progress_entry_date"),
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


class CredentialKind(models.TextChoices):
    PRACTICE_STATEMENT = "praktijkverklaring", _("Practice statement")
    EXPERIENCE_CERTIFICATE = "ervaringscertificaat", _("Experience certificate")
    PARTIAL_CERTIFICATE = "deelcertificaat", _("Partial certificate")


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
    kind = models.CharField(_("kind"), max_length=30, choices=CredentialKind.choices)
    awarded_on = models.DateField(_("awarded on"))
    issuer = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="credentials_issued",
        verbose_name=_("issued by"),
    )
    work_processes = models.TextField(_("work processes covered"), blank=True, help_text=_("One per line."))

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
    follow_up = models.TextField(
        _("follow-up route"), blank=True, help_text=_("Where the person goes from here.")
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


class PendingImport(models.Model):
    """An uploaded register between preview and confirm. Deleted on confirm, cancel or
    failure, and after an hour at the latest: uploads are never written to disk."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.filename


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


def attachment_path(instance, filename: str) -> str:
    """A name the server chooses, with the extension of the type detected from the
    content (never the uploaded name or its extension)."""
    import uuid

    extension = settings.PLP_ATTACHMENT_TYPES[instance.content_type]
    return f"attachments/{instance.participant_id}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A document in the file (intake form, signed agreement, certificate). Stored under
    PLP_PRIVATE_ROOT, outside the web root, and served only through a view that checks
    who may see the participant."""

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="attachments", verbose_name=_("participant")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title
