"""The learning route: qualification files and their work processes, a trajectory's
learning goals, and observations that place the participant on a step per goal."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import clean_end_after_start, end_after_start
from .documents import Attachment
from .organisations import Mentor
from .participant import Participant
from .trajectory import Trajectory


class QualificationFile(models.Model):
    """An MBO kwalificatiedossier, identified by its crebo number."""

    crebo = models.CharField(
        _("crebo number"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{4,10}$", _("A crebo number consists of digits."))],
    )
    title = models.CharField(_("qualification"), max_length=200)
    level = models.PositiveSmallIntegerField(
        _("MBO level"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["title", "crebo"]
        verbose_name = _("qualification file")
        verbose_name_plural = _("qualification files")
        constraints = [
            end_after_start("qualification", "valid_from", "valid_until"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4),
                name="qualification_level_1_to_4",
                violation_error_message=_("The MBO level is 1, 2, 3 or 4."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.crebo})"

    def clean(self) -> None:
        clean_end_after_start(self, "valid_from", "valid_until")


class WorkProcess(models.Model):
    """A werkproces of a qualification file, such as B1-K1-W2, under its kerntaak."""

    qualification = models.ForeignKey(
        QualificationFile, models.CASCADE, related_name="work_processes", verbose_name=_("qualification file")
    )
    code = models.CharField(_("code"), max_length=20)
    core_task = models.CharField(_("core task"), max_length=200, blank=True)
    title = models.CharField(_("work process"), max_length=300)

    class Meta:
        ordering = ["qualification", "code"]
        verbose_name = _("work process")
        verbose_name_plural = _("work processes")
        constraints = [
            models.UniqueConstraint(fields=["qualification", "code"], name="work_process_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Step(models.IntegerChoices):
    """Where the participant stands on a work process (DOMAIN.md, the learning route)."""

    NOT_YET = 1, _("not yet visible")
    MUCH_HELP = 2, _("with a lot of help")
    SOME_HELP = 3, _("with some help")
    INDEPENDENT = 4, _("independently")


class LearningGoal(models.Model):
    """A work process the participant works on in one trajectory, with the assignment
    as it is done at this workplace."""

    trajectory = models.ForeignKey(
        Trajectory, models.CASCADE, related_name="goals", verbose_name=_("trajectory")
    )
    work_process = models.ForeignKey(
        WorkProcess, models.PROTECT, related_name="goals", verbose_name=_("work process")
    )
    assignment = models.TextField(_("assignment at this workplace"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Kept by the database (migration 0027), however the steps are written: the step of
    # the goal's latest ObservationStep (by date, then record), none without one. A value
    # written here by anything else is replaced by the trigger.
    latest_step = models.PositiveSmallIntegerField(_("latest step"), null=True, editable=False)

    class Meta:
        ordering = ["work_process__code", "pk"]
        verbose_name = _("learning goal")
        verbose_name_plural = _("learning goals")
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "work_process"], name="goal_once_per_trajectory")
        ]

    def __str__(self) -> str:
        return str(self.work_process)


class Observation(models.Model):
    """Evidence: what was seen on a date, by the coach or the workplace mentor, in the
    STARR form, with a step for one or more learning goals (ObservationStep)."""

    class Observer(models.TextChoices):
        COACH = "coach", _("Coach")
        MENTOR = "leermeester", _("Workplace mentor (told to the coach)")
        MENTOR_LINK = "leermeester_link", _("Workplace mentor via link")

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="observations", verbose_name=_("participant")
    )
    trajectory = models.ForeignKey(
        Trajectory, models.CASCADE, related_name="observations", verbose_name=_("trajectory")
    )
    date = models.DateField(_("date"))
    observer = models.CharField(_("observed by"), max_length=20, choices=Observer.choices)
    mentor = models.ForeignKey(
        Mentor,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("workplace mentor"),
    )
    situation = models.TextField(_("situation"), blank=True)
    task = models.TextField(_("task"), blank=True)
    action = models.TextField(_("action"), blank=True)
    result = models.TextField(_("result"), blank=True)
    reflection = models.TextField(_("reflection"), blank=True)
    note = models.TextField(_("note"), blank=True)
    attachment = models.ForeignKey(
        Attachment,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("document"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    TEXT_FIELDS = ("situation", "task", "action", "result", "reflection", "note")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [models.Index(fields=["participant", "-date"])]

    def __str__(self) -> str:
        return f"{_('Observation')} {self.date:%d-%m-%Y}"

    def clean(self) -> None:
        theirs = self.trajectory_id and self.trajectory.participant_id
        if theirs and self.participant_id and theirs != self.participant_id:
            raise ValidationError({"trajectory": _("This trajectory belongs to someone else.")})


class ObservationStep(models.Model):
    """The step an observation gives one learning goal. Date and participant are copied
    from the observation so that the report's rules 10-11 read one table."""

    observation = models.ForeignKey(
        Observation, models.CASCADE, related_name="steps", verbose_name=_("observation")
    )
    goal = models.ForeignKey(
        LearningGoal, models.CASCADE, related_name="steps", verbose_name=_("learning goal")
    )
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    date = models.DateField(_("date"))
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="observation_steps")

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["observation", "goal"], name="observation_step_once_per_goal"),
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=4),
                name="observation_step_1_to_4",
                violation_error_message=_("The step is 1, 2, 3 or 4."),
            ),
        ]
        indexes = [models.Index(fields=["goal", "date"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.goal}: {self.step}"


class Judgment(models.Model):
    """A samenvattend oordeel (summary judgment) for the school: one version per trajectory,
    a judgment per learning goal (JudgmentItem), signed by the workplace mentor. Once sent
    it is frozen with its PDF and the PDF's SHA-256; a change makes a new version."""

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="judgments", verbose_name=_("participant")
    )
    trajectory = models.ForeignKey(
        Trajectory, models.CASCADE, related_name="judgments", verbose_name=_("trajectory")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    mentor_name = models.CharField(_("workplace mentor (name)"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed by the mentor on"), null=True, blank=True)
    sent_on = models.DateField(_("sent to the school on"), null=True, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["trajectory", "-version"]
        verbose_name = _("summary judgment")
        verbose_name_plural = _("summary judgments")
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "version"], name="judgment_version_once")
        ]

    def __str__(self) -> str:
        return f"{_('Summary judgment')} {self.version}"

    @property
    def is_sent(self) -> bool:
        return self.sent_on is not None


class JudgmentItem(models.Model):
    """The judgment of one learning goal: mastered yes or no, with the motivation and the
    dates of the evidence it rests on."""

    judgment = models.ForeignKey(Judgment, models.CASCADE, related_name="items", verbose_name=_("judgment"))
    goal = models.ForeignKey(
        LearningGoal, models.CASCADE, related_name="judgments", verbose_name=_("learning goal")
    )
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="judgment_items")
    mastered = models.BooleanField(_("mastered"), null=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    evidence_dates = models.JSONField(_("evidence dates"), default=list, blank=True)

    class Meta:
        ordering = ["goal__work_process__code", "pk"]
        verbose_name = _("judgment of a work process")
        verbose_name_plural = _("judgments of work processes")
        constraints = [
            models.UniqueConstraint(fields=["judgment", "goal"], name="judgment_item_once_per_goal")
        ]

    def __str__(self) -> str:
        return str(self.goal)
