"""Forms of the learning route: the catalogue, picking learning goals, and the quick
observation form (a step per goal as radio buttons)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import DateInput, PLPForm
from .models import Attachment, LearningGoal, Mentor, Observation, QualificationFile, Step, WorkProcess


class QualificationFileForm(PLPForm):
    class Meta:
        model = QualificationFile
        fields = ["crebo", "title", "level", "valid_from", "valid_until"]


class WorkProcessForm(PLPForm):
    class Meta:
        model = WorkProcess
        fields = ["code", "core_task", "title"]


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_(
            "CSV or Excel (.xlsx) with the columns crebo, kwalificatie, niveau, kerntaak, code, werkproces; "
            "at most 2 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class WorkProcessChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: WorkProcess) -> str:
        return f"{obj.code} {obj.title}"


class GoalsForm(forms.Form):
    """Pick work processes (of one or more qualification files) as learning goals."""

    work_processes = WorkProcessChoice(
        label=_("Work processes"),
        queryset=WorkProcess.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, trajectory, **kwargs):
        super().__init__(*args, **kwargs)
        taken = trajectory.goals.values_list("work_process_id", flat=True)
        qs = WorkProcess.objects.select_related("qualification").exclude(pk__in=taken)
        self.fields["work_processes"].queryset = qs.order_by(
            "qualification__title", "qualification__crebo", "code"
        )
        self.groups = _grouped(self.fields["work_processes"].queryset)

    def clean_work_processes(self):
        return list(self.cleaned_data["work_processes"])


def _grouped(queryset) -> list[tuple[QualificationFile, list[WorkProcess]]]:
    groups: dict[int, tuple[QualificationFile, list[WorkProcess]]] = {}
    for wp in queryset:
        groups.setdefault(wp.qualification_id, (wp.qualification, []))[1].append(wp)
    return list(groups.values())


class GoalForm(PLPForm):
    class Meta:
        model = LearningGoal
        fields = ["assignment"]
        help_texts = {"assignment": _("What the participant does for this work process at this workplace.")}


NOT_OBSERVED = ""


class ObservationForm(forms.Form):
    """Date (today), who observed, a step per goal (radio buttons), the STARR fields."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    observer = forms.ChoiceField(
        label=_("Observed by"),
        choices=Observation.Observer.choices[:2],
        initial=Observation.Observer.COACH,
        widget=forms.RadioSelect,
    )
    mentor = forms.ModelChoiceField(
        label=_("Workplace mentor"), queryset=Mentor.objects.none(), required=False
    )
    situation = forms.CharField(
        label=_("Situation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    task = forms.CharField(label=_("Task"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(label=_("Action"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reflection = forms.CharField(
        label=_("Reflection"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.ModelChoiceField(
        label=_("Document"), queryset=Attachment.objects.none(), required=False
    )

    def __init__(self, *args, trajectory, goals: list[LearningGoal], **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        participant = trajectory.participant
        self.fields["attachment"].queryset = Attachment.objects.filter(participant=participant)
        employers = participant.placements.values("employer_id")
        self.fields["mentor"].queryset = Mentor.objects.filter(organisation__in=employers, active=True)
        choices = [(NOT_OBSERVED, _("not observed"))] + [
            (str(v), f"{v} {label}") for v, label in Step.choices
        ]
        self.goal_fields = []
        for goal in goals:
            name = f"goal_{goal.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=str(goal.work_process),
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
                initial=NOT_OBSERVED,
                widget=forms.RadioSelect(attrs={"class": "step-choice"}),
            )
            self.goal_fields.append((goal, name))
        self.helper = FormHelper()
        self.helper.form_tag = False

    @property
    def steps(self) -> dict[int, int]:
        return {
            goal.pk: self.cleaned_data[name] for goal, name in self.goal_fields if self.cleaned_data.get(name)
        }

    @property
    def texts(self) -> dict[str, str]:
        return {f: self.cleaned_data.get(f, "") for f in Observation.TEXT_FIELDS}

    def goal_bound_fields(self):
        return [(goal, self[name]) for goal, name in self.goal_fields]


def submit_helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


YES_NO = [("", _("not judged yet")), ("1", _("yes, mastered")), ("0", _("no, not yet"))]


class JudgmentForm(forms.Form):
    """The summary judgment: per work process mastered yes or no and the motivation
    (prefilled from the evidence), the mentor's name and signing date."""

    mentor_name = forms.CharField(label=_("Workplace mentor (name)"), max_length=200, required=False)
    signed_on = forms.DateField(label=_("Signed by the mentor on"), required=False, widget=DateInput())

    def __init__(self, *args, proposals, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {i.goal_id: i for i in draft.items.all()} if draft else {}
        if draft:
            self.initial.setdefault("mentor_name", draft.mentor_name)
            self.initial.setdefault("signed_on", draft.signed_on)
        self.rows = []
        for proposal in proposals:
            gid = proposal.row.goal.pk
            item = stored.get(gid)
            mastered = item.mastered if item else proposal.mastered
            self.fields[f"mastered_{gid}"] = forms.TypedChoiceField(
                label=_("Mastered"),
                choices=YES_NO,
                coerce=lambda v: v == "1",
                empty_value=None,
                required=False,
                initial="" if mastered is None else ("1" if mastered else "0"),
                widget=forms.RadioSelect,
            )
            self.fields[f"motivation_{gid}"] = forms.CharField(
                label=_("Motivation"),
                required=False,
                initial=item.motivation if item else proposal.motivation,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.rows.append((proposal, self[f"mastered_{gid}"], self[f"motivation_{gid}"]))

    def items(self) -> dict[int, tuple]:
        return {
            p.row.goal.pk: (
                self.cleaned_data.get(f"mastered_{p.row.goal.pk}"),
                self.cleaned_data.get(f"motivation_{p.row.goal.pk}", ""),
                p.evidence_dates,
            )
            for p, _m, _t in self.rows
        }
