"""The workplace mentor's two forms on their page: an observation on the learning goals
and "Hoe gaat het?"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MentorCheckin, Step

NOTE_MAX = 1000


class MentorObservationForm(forms.Form):
    """A step for one or more of the goals (each may be left open) and a short note."""

    note = forms.CharField(
        label=_("What did you see? (short)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        choices = [("", _("Not seen this time")), *[(str(v), f"{v}. {label}") for v, label in Step.choices]]
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.TypedChoiceField(
                label=str(goal.work_process),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def goal_fields(self):
        """(goal, bound field) per goal, for the template."""
        return [(goal, self[f"goal_{goal.pk}"]) for goal in self.goals]

    def clean(self):
        data = super().clean()
        steps = {g.pk: data.get(f"goal_{g.pk}") for g in self.goals}
        data["steps"] = {pk: step for pk, step in steps.items() if step}
        if not data["steps"] and not self.errors:
            raise forms.ValidationError(_("Choose a step for at least one learning goal."))
        return data


class MentorCheckinForm(forms.Form):
    mood = forms.ChoiceField(
        label=_("How is it going?"),
        choices=MentorCheckin.Mood.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    wants_contact = forms.BooleanField(
        label=_("I would like contact with the coach"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
