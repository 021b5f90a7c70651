"""Report editions for the funder and the targets they are measured against."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation, clean_end_after_start, end_after_start

TARGET_FIELDS = {
    "target_instroom": "instroom",
    "target_voortraject": "voortraject",
    "target_praktijkverklaring": "praktijkverklaring",
    "target_ervaringscertificaat": "ervaringscertificaat",
    "target_deelcertificaat": "deelcertificaat",
    "target_uitstroom": "uitstroom_werk_of_opleiding",
    "target_leerwerkplekken": "leerwerkplekken_gerealiseerd",
}


def _target(label):
    return models.PositiveIntegerField(label, null=True, blank=True)


class ProjectYear(models.Model):
    """A named date range with the targets (beoogd) agreed with the funder."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("E.g. Projectjaar 2."))
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    target_instroom = _target(_("target: new participants"))
    target_voortraject = _target(_("target: pre-trajectory"))
    target_praktijkverklaring = _target(_("target: practice statement trajectories"))
    target_ervaringscertificaat = _target(_("target: experience certificate trajectories"))
    target_deelcertificaat = _target(_("target: partial certificate trajectories"))
    target_uitstroom = _target(_("target: outflow to work or education"))
    target_leerwerkplekken = _target(_("target: new learning places"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("project year")
        verbose_name_plural = _("project years")
        constraints = [end_after_start("projectyear")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        clean_end_after_start(self)


class ReportEdition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    title = models.CharField(_("title"), max_length=200, default="Eindrapport Praktijk Leren Plus")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    reference_date = models.DateField(_("reference date"), help_text=_("For 'still active on'."))
    funder = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="report_editions",
        verbose_name=_("funder"),
    )
    organisation_name = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("Who sends the report.")
    )
    version = models.CharField(_("version"), max_length=20, default="1.0")
    introduction = models.TextField(_("introduction"), blank=True)
    goal_approach = models.TextField(_("goal, target group and approach"), blank=True)
    dropout_narrative = models.TextField(_("dropout: causes and measures"), blank=True)
    team = models.TextField(_("team and organisation"), blank=True)
    communication = models.TextField(_("communication"), blank=True)
    lessons = models.TextField(_("results and lessons learned"), blank=True)
    suppress_small = models.BooleanField(
        _("suppress small numbers"),
        default=False,
        help_text=_("Show counts below the threshold as '<5', with totals that do not reveal them."),
    )
    threshold = models.PositiveSmallIntegerField(_("threshold"), default=5, validators=[MinValueValidator(2)])
    # An optional logo for the title page (PNG or SVG, checked on upload), kept in the
    # database like the frozen PDF: no file on disk for WeasyPrint to reach.
    logo = models.BinaryField(_("logo"), null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures_json = models.JSONField(_("frozen figures"), null=True, blank=True, editable=False)
    figures_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("report edition")
        verbose_name_plural = _("report editions")
        constraints = [
            end_after_start("reportedition", "period_start", "period_end"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(figures_json__isnull=False, pdf__isnull=False),
                name="reportedition_final_is_frozen",
            ),
            models.CheckConstraint(
                condition=Q(reference_date__gte=F("period_start")),
                name="reportedition_reference_in_period",
                violation_error_message=_("The reference date cannot be before the period."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:edition-detail", args=[self.pk])

    def clean(self) -> None:
        clean_end_after_start(self, "period_start", "period_end")

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class WorkPlanTask(models.Model):
    class Status(models.TextChoices):
        DONE = "voldaan", _("Done")
        PARTLY = "half-voldaan", _("Partly done")
        NOT_DONE = "niet-voldaan", _("Not done")

    edition = models.ForeignKey(ReportEdition, models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    explanation = models.TextField(_("explanation"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("work plan task")
        verbose_name_plural = _("work plan tasks")

    def __str__(self) -> str:
        return self.title


class Risk(models.Model):
    edition = models.ForeignKey(ReportEdition, models.CASCADE, related_name="risks")
    phase = models.CharField(_("phase"), max_length=50, help_text=_("E.g. Fase 1."))
    risk = models.TextField(_("risk"))
    measure = models.TextField(_("mitigating measure"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "phase", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return f"{self.phase}: {self.risk[:50]}"


class Deliverable(models.Model):
    edition = models.ForeignKey(ReportEdition, models.CASCADE, related_name="deliverables")
    date = models.DateField(_("date"))
    activity = models.CharField(_("activity"), max_length=300)
    agreements = models.TextField(_("agreements"), blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self) -> str:
        return self.activity


class PdfJob(models.Model):
    """A PDF of a report edition made in the background (django-tasks), with its progress,
    so a coordinator never waits on a frozen page. Kept for a day."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Busy")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Step(models.TextChoices):
        QUEUED = "queued", _("Waiting for the background worker")
        FIGURES = "figures", _("Computing the figures")
        LAYOUT = "layout", _("Laying out text and tables")
        PAGES = "pages", _("Setting the pages")
        WRITING = "writing", _("Writing the PDF")
        DONE = "done", _("Done")

    edition = models.ForeignKey(ReportEdition, models.CASCADE, related_name="pdf_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    pages = models.PositiveIntegerField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("PDF job")
        verbose_name_plural = _("PDF jobs")

    def __str__(self) -> str:
        return f"PDF {self.edition_id} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
