"""The report's forms: a period and reference date, an edition and its items, project years."""

import datetime

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
