"""The report's forms: a period and reference date, an edition and its items, project years."""

import datetime

from defusedxml import DefusedXmlException, ElementTree
from django import forms
from django.utils.translation import gettext_lazy as _

from participants.forms import DateInput, PLPForm
from participants.models import Organisation

from .models import Deliverable, ProjectYear, ReportEdition, Risk, WorkPlanTask


class PeriodForm(forms.Form):
    """The period and reference date of the figures page (GET)."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    peildatum = forms.DateField(label=_("Reference date"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        if (
            cleaned.get("end")
            and cleaned.get("start")
            and cleaned["end"] - cleaned["start"] > datetime.timedelta(days=366 * 25)
        ):
            self.add_error("end", _("Choose a period of at most 25 years."))
        return cleaned


LOGO_MAX_BYTES = 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def logo_type(content: bytes) -> str:
    """The content type of an uploaded logo, judged by its content: a PNG, or an SVG
    that parses as plain XML (no DTD, no entities, no scripts). Raises ValidationError."""
    if len(content) > LOGO_MAX_BYTES:
        raise forms.ValidationError(_("The logo is larger than 1 MB."))
    if content.startswith(PNG_MAGIC):
        return "image/png"
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        root = None
    if root is None or not root.tag.endswith("svg"):
        raise forms.ValidationError(_("Upload the logo as a PNG or SVG file."))
    if any(el.tag.split("}")[-1] in ("script", "foreignObject") for el in root.iter()):
        raise forms.ValidationError(_("This SVG contains a script; upload a plain image."))
    return "image/svg+xml"


class EditionForm(PLPForm):
    class Meta:
        model = ReportEdition
        fields = [
            "title",
            "organisation_name",
            "funder",
            "version",
            "period_start",
            "period_end",
            "reference_date",
            "introduction",
            "goal_approach",
            "dropout_narrative",
            "team",
            "communication",
            "lessons",
            "suppress_small",
            "threshold",
        ]

    copy_from = forms.IntegerField(widget=forms.HiddenInput, required=False)
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("Optional, for the title page: PNG or SVG, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args, copy_from: ReportEdition | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].initial = copy_from.pk if copy_from else ""
        if not self.instance.logo:
            del self.fields["remove_logo"]
        self.fields["funder"].queryset = Organisation.objects.filter(kind=Organisation.Kind.FUNDER)
        for name in (
            "introduction",
            "goal_approach",
            "dropout_narrative",
            "team",
            "communication",
            "lessons",
        ):
            self.fields[name].widget.attrs["rows"] = 6
            self.fields[name].help_text = _("Plain text; an empty line starts a new paragraph.")

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if upload:
            content = upload.read(LOGO_MAX_BYTES + 1)
            self.logo = (content, logo_type(content))
        return upload

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "logo", None):
            self.instance.logo, self.instance.logo_type = self.logo
        elif cleaned.get("remove_logo"):
            self.instance.logo, self.instance.logo_type = None, ""
        return cleaned


class TaskForm(PLPForm):
    class Meta:
        model = WorkPlanTask
        fields = ["title", "status", "explanation", "position"]


class RiskForm(PLPForm):
    class Meta:
        model = Risk
        fields = ["phase", "risk", "measure", "position"]


class DeliverableForm(PLPForm):
    class Meta:
        model = Deliverable
        fields = ["date", "activity", "agreements"]


class ProjectYearForm(PLPForm):
    class Meta:
        model = ProjectYear
        fields = [
            "name",
            "start",
            "end",
            "target_instroom",
            "target_voortraject",
            "target_praktijkverklaring",
            "target_ervaringscertificaat",
            "target_deelcertificaat",
            "target_uitstroom",
            "target_leerwerkplekken",
        ]
