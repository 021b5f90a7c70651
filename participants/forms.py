"""The case file's forms: validation, Dutch date inputs, the edit lock, and the crispy layout."""

import datetime
import hashlib

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, Q, When
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from plp.roles import COACH, COORDINATOR, PEER_EXPERT

from .models import (
    Credential,
    Dropout,
    DropoutReason,
    DropoutRoute,
    FollowUp,
    Intake,
    Mentor,
    Organisation,
    Outflow,
    Participant,
    Pause,
    Placement,
    ProgressEntry,
    ReEntry,
    Reminder,
    Signal,
    Trajectory,
)
from .services import next_participant_number

User = get_user_model()


class DateInput(forms.DateInput):
    """A native date picker: phones show their own calendar."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


def fingerprint(instance) -> str:
    """A hash of a saved row's values: the version a form was opened with."""
    values = [str(getattr(instance, f.attname)) for f in instance._meta.concrete_fields]
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:32]


class PLPForm(forms.ModelForm):
    """Base: native date pickers, textareas of a sensible height, a crispy helper, and
    optimistic locking: saving over a change someone else made in the meantime is refused."""

    submit_label = _("Save")
    # Dates of what has happened (an exit, an award, an answer): today at the latest. A
    # future one would make the file say something that has not happened yet.
    past_dates: tuple[str, ...] = ()
    # The record's fingerprint when the form was opened (not "version": a model may have
    # a field of that name, as a report edition does).
    lock = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["lock"].initial = fingerprint(self.instance)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
                if name in self.past_dates:
                    field.widget.attrs["max"] = timezone.localdate().isoformat()
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))

    def default_today(self, name: str) -> None:
        """Prefill an empty date field with today. (A field's own `initial` does not do:
        a ModelForm's initial data from its unsaved instance, None, takes precedence.)"""
        if name in self.fields and self.initial.get(name) is None:
            self.initial[name] = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        self._check_dates(cleaned)
        if self.instance.pk and self.is_bound:
            self._check_version(fingerprint(self.instance))
        return cleaned

    def _check_dates(self, cleaned: dict) -> None:
        """Every date between 1900 and 2100 (a typo such as 0001 or 9999 is not a date in a
        case file), and `past_dates` not after today."""
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(field, forms.DateField) or value is None:
                continue
            if not EARLIEST <= value <= LATEST:
                self.add_error(name, _("Enter a date between 1900 and 2100."))
            elif name in self.past_dates and value > timezone.localdate():
                self.add_error(name, _("The date cannot be in the future."))

    def check_still_current(self) -> None:
        """Compare again inside the save's transaction, with the row locked (SQLite: the
        IMMEDIATE transaction holds the write lock). clean() compared before either of two
        simultaneous saves had written; here the second one sees the first one's change."""
        if self.instance.pk:
            model = type(self.instance)
            current = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
            self._check_version(fingerprint(current) if current else "deleted")

    def _check_version(self, current: str) -> None:
        if self.data.get(self.add_prefix("lock")) != current:
            # The next save, after the user has looked again, may go through.
            self.data = self.data.copy()
            self.data[self.add_prefix("lock")] = current
            raise forms.ValidationError(
                _(
                    "Someone else changed this record while you were editing it. Your input is kept "
                    "below: check it against the current record and save again."
                ),
                code="conflict",
            )


def coaches():
    return User.objects.filter(is_active=True, groups__name__in=[COACH, COORDINATOR, PEER_EXPERT]).distinct()


class ParticipantForm(PLPForm):
    class Meta:
        model = Participant
        fields = [
            "number",
            "first_name",
            "last_name",
            "birth_date",
            "email",
            "phone",
            "coach",
            "team",
            "referrer",
            "registration_date",
        ]

    def __init__(self, *args, coach_choice: bool = True, number_choice: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_date"].required = True
        for name in ("birth_date", "registration_date"):
            self.fields[name].widget.attrs["max"] = timezone.localdate().isoformat()
        if not number_choice:
            # Numbers are assigned (services.participant_save): typing one would tell
            # whether it exists. Shown read-only, before saving too.
            del self.fields["number"]
            shown = forms.CharField(
                label=capfirst(Participant._meta.get_field("number").verbose_name),
                disabled=True,
                required=False,
                initial=self.instance.number or next_participant_number(),
                help_text=_("Given by a coordinator.")
                if self.instance.pk
                else _("Assigned when you save: the next free number of this year."),
            )
            self.fields = {"assigned_number": shown, **self.fields}
        self.fields["referrer"].queryset = Organisation.objects.filter(
            active=True, kind=Organisation.Kind.REFERRER
        )
        self.fields["referrer"].help_text = _("UWV, municipality, RMC, district team, care partner.")
        if coach_choice:
            for name in ("coach", "team"):
                self.fields[name].queryset = coaches().order_by("first_name", "username")
                self.fields[name].label_from_instance = lambda u: u.get_full_name() or u.username
            self.fields["team"].widget = forms.CheckboxSelectMultiple(choices=self.fields["team"].choices)
        else:
            del self.fields["coach"]
            del self.fields["team"]

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()

    def clean_birth_date(self):
        return self._not_in_future("birth_date", _("A birth date cannot be in the future."))

    def clean_registration_date(self):
        return self._not_in_future("registration_date", _("A registration date cannot be in the future."))

    def _not_in_future(self, name: str, message):
        value = self.cleaned_data.get(name)
        if value and value > timezone.localdate():
            raise forms.ValidationError(message)
        return value


class IntakeForm(PLPForm):
    class Meta:
        model = Intake
        fields = [
            "date",
            "motivation",
            "load_capacity",
            "load_capacity_notes",
            "learning_style",
            "network",
            "tests_used",
            "outcome",
            "trial_start",
            "trial_end",
        ]


class TrajectoryForm(PLPForm):
    class Meta:
        model = Trajectory
        fields = ["kind", "start", "end", "outcome", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].required = True


class MentorSelect(forms.Select):
    """Each mentor's option names its employer (data-organisation): static/js/plp.js
    hides the mentors of other employers once an employer is chosen."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-organisation"] = instance.organisation_id
        return option


class PlacementForm(PLPForm):
    class Meta:
        model = Placement
        fields = ["employer", "mentor", "hours_per_week", "start", "end", "notes"]
        widgets = {"mentor": MentorSelect(attrs={"data-filter-by": "id_employer"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Organisation.objects.filter(
            active=True, kind=Organisation.Kind.EMPLOYER
        )
        self.fields["mentor"].queryset = Mentor.objects.filter(active=True).select_related("organisation")
        self.fields["mentor"].help_text = _("Only the mentors of the chosen employer.")

    def clean(self):
        cleaned = super().clean()
        employer, mentor = cleaned.get("employer"), cleaned.get("mentor")
        if employer and mentor and mentor.organisation_id != employer.pk:
            self.add_error(
                "mentor",
                _("%(mentor)s works at %(other)s, not at %(employer)s. Choose a mentor of %(employer)s.")
                % {"mentor": mentor.name, "other": mentor.organisation, "employer": employer},
            )
        return cleaned


class SwitchPlacementForm(PlacementForm):
    submit_label = _("Switch placement")

    class Meta(PlacementForm.Meta):
        fields = ["employer", "mentor", "hours_per_week", "start", "notes"]


class ProgressEntryForm(PLPForm):
    signals = forms.MultipleChoiceField(
        label=_("Signals"),
        choices=Signal.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each signal stays open until a coach closes it."),
    )

    class Meta:
        model = ProgressEntry
        fields = ["date", "kind", "duration_minutes", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.default_today("date")
        else:
            del self.fields["signals"]
        # The model's rule, checked here so that an absurd number gets this message and not
        # the database's integer range.
        duration = _("The duration must be between 1 and 1440 minutes.")
        self.fields["duration_minutes"].validators = [
            MinValueValidator(1, message=duration),
            MaxValueValidator(1440, message=duration),
        ]
        self.fields["duration_minutes"].widget.attrs.update(min=1, max=1440)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            # A contact moment in the future would count as the last contact for years;
            # an appointment is a reminder.
            raise forms.ValidationError(
                _("A contact moment cannot be in the future. Plan an appointment as a reminder.")
            )
        return date


class SignalCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(
        label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, signal: Signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.signal = signal
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Close signal")))

    def clean_closed_on(self):
        closed_on = self.cleaned_data["closed_on"]
        if closed_on < self.signal.raised_on:
            raise forms.ValidationError(_("A signal cannot be closed before it was raised."))
        return closed_on


class CredentialForm(PLPForm):
    past_dates = ("awarded_on",)

    class Meta:
        model = Credential
        fields = ["kind", "trajectory", "awarded_on", "issuer", "accepted_work_processes", "work_processes"]
        widgets = {"accepted_work_processes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import WorkProcess

        goals = WorkProcess.objects.filter(goals__trajectory__participant=participant)
        chosen = (
            self.instance.accepted_work_processes.all() if self.instance.pk else WorkProcess.objects.none()
        )
        self.fields["accepted_work_processes"].queryset = (goals | chosen).distinct().order_by("code")
        self.fields["trajectory"].queryset = participant.trajectories.exclude(kind="voortraject")
        self.fields["trajectory"].label_from_instance = trajectory_label
        self.fields["trajectory"].help_text = _("An ongoing trajectory is marked achieved on the award date.")
        # Schools issue credentials (the programme itself issues its certificate): schools
        # first, then the other partners; never a funder or a referrer.
        self.fields["issuer"].queryset = (
            Organisation.objects.filter(active=True)
            .exclude(kind__in=[Organisation.Kind.FUNDER, Organisation.Kind.REFERRER])
            .order_by(Case(When(kind=Organisation.Kind.SCHOOL, then=0), default=1), "name")
        )
        self.fields["issuer"].label_from_instance = lambda o: f"{o.name} ({o.get_kind_display()})"


def trajectory_label(trajectory: Trajectory) -> str:
    """ "Practice statement, started 01-09-2025" (not the participant's number)."""
    if trajectory.start is None:
        return f"{trajectory.get_kind_display()}, {_('no start date')}"
    return _("%(kind)s, started %(date)s") % {
        "kind": trajectory.get_kind_display(),
        "date": trajectory.start.strftime("%d-%m-%Y"),
    }


class PauseForm(PLPForm):
    past_dates = ("end",)  # a pause may be planned; its end is recorded once it has ended

    class Meta:
        model = Pause
        fields = ["start", "planned_end", "end", "reason"]


class PauseEndForm(forms.Form):
    """The small form on the participant page that ends a running pause."""

    end = forms.DateField(
        label=_("End date"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("The last day of the pause."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("End pause")))


class DropoutForm(PLPForm):
    submit_label = _("Record dropout")
    past_dates = ("date",)

    class Meta:
        model = Dropout
        fields = ["date", "reason", "explanation", "route", "follow_up"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].queryset = DropoutReason.objects.filter(active=True)
        # Not yet known is an answer too: left empty, the route is "onbekend".
        self.fields["route"].required = False

    def clean_route(self):
        return self.cleaned_data.get("route") or DropoutRoute.UNKNOWN


class OutflowForm(PLPForm):
    submit_label = _("Record outflow")
    past_dates = ("date",)

    class Meta:
        model = Outflow
        fields = ["date", "kind", "employer", "job_title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Organisation.objects.filter(active=True)


class ReEntryForm(PLPForm):
    submit_label = _("Record re-entry")
    past_dates = ("date",)

    class Meta:
        model = ReEntry
        fields = ["date", "reason"]


class ReminderForm(PLPForm):
    class Meta:
        model = Reminder
        fields = ["title", "due_on", "assigned_to", "notes", "done_on"]

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            User.objects.filter(is_active=True)
            .filter(Q(pk=participant.coach_id) | Q(shared_caseload=participant) | Q(groups__name=COORDINATOR))
            .distinct()
            .order_by("first_name", "username")
        )
        self.fields["assigned_to"].queryset = people
        self.fields["assigned_to"].label_from_instance = lambda u: u.get_full_name() or u.username
        if not self.instance.pk:
            # In self.initial, not the field's initial: the unsaved instance's empty value
            # would win over that (see default_today).
            if self.initial.get("assigned_to") is None:
                self.initial["assigned_to"] = participant.coach_id
            self.default_today("due_on")
            del self.fields["done_on"]


class FollowUpForm(PLPForm):
    submit_label = _("Save answer")
    past_dates = ("answered_on",)
    still_active = forms.TypedChoiceField(
        label=_("Is the person still in work or education?"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = FollowUp
        fields = ["answered_on", "still_active", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_today("answered_on")


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG or JPEG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add document")))
