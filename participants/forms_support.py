"""Forms about what surrounds the participant: support needs (and group lessons and
learning places)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import DateInput, PLPForm
from .models import GroupLesson, LearningPlace, Organisation, Participant, SupportNeed


class SupportNeedForm(PLPForm):
    submit_label = _("Save support need")

    class Meta:
        model = SupportNeed
        fields = ["kind", "description", "since", "partner", "contact_person", "status", "closed_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_today("since")
        partners = Organisation.objects.filter(kind=Organisation.Kind.CHAIN_PARTNER)
        if self.instance.partner_id:
            partners = partners.filter(active=True) | partners.filter(pk=self.instance.partner_id)
        else:
            partners = partners.filter(active=True)
        self.fields["partner"].queryset = partners
        if self.instance._state.adding:
            # A new need is open; settling it is a step of its own.
            del self.fields["status"], self.fields["closed_on"]

    def clean(self):
        data = super().clean()
        status, closed_on = data.get("status"), data.get("closed_on")
        if status == SupportNeed.Status.OPEN:
            data["closed_on"] = None
        elif status and not closed_on:
            self.add_error("closed_on", _("Give the date it was settled."))
        return data


class SupportNeedSettleForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in SupportNeed.Status.choices if c[0] != SupportNeed.Status.OPEN],
        widget=forms.RadioSelect,
        initial=SupportNeed.Status.SETTLED,
    )
    closed_on = forms.DateField(label=_("Settled on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, need: SupportNeed, **kwargs):
        super().__init__(*args, **kwargs)
        self.need = need
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Close support need")))

    def clean_closed_on(self):
        closed_on = self.cleaned_data["closed_on"]
        if closed_on < self.need.since:
            raise forms.ValidationError(_("A support need cannot be settled before it started."))
        if closed_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return closed_on


class LearningPlaceForm(PLPForm):
    submit_label = _("Save learning places")

    class Meta:
        model = LearningPlace
        fields = ["employer", "title", "places", "start", "end", "accredited"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_today("start")
        employers = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER)
        self.fields["employer"].queryset = employers.filter(active=True) | employers.filter(
            pk=self.instance.employer_id or 0
        )


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


# More than this in one lesson is a typing or clicking mistake, not a group.
MAX_INVITED = 500


class GroupLessonForm(PLPForm):
    """A lesson or a weekly series and whom it invites. The invite list is not rendered
    from the field (that would be one checkbox per participant): the page searches,
    and sends the chosen ids (see `support_selectors.invite_candidates`)."""

    submit_label = _("Save lesson")
    participants = forms.ModelMultipleChoiceField(
        label=_("Invited participants"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "invalid_choice": _(
                "Only participants you guide, with an open file, can be invited. Search again and choose "
                "from the list."
            ),
            "invalid_pk_value": _("Choose participants from the list."),
        },
    )
    weeks = forms.IntegerField(
        label=_("Weeks"),
        min_value=1,
        max_value=26,
        initial=1,
        help_text=_("A series: the same lesson every week on this weekday, e.g. 8 for eight weeks."),
    )

    class Meta:
        model = GroupLesson
        fields = ["date", "start_time", "duration_minutes", "topic", "teacher", "location"]
        widgets = {"start_time": TimeInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_today("date")
        visible = Participant.objects.for_user(user)
        invited = self.instance.attendances.values("participant") if self.instance.pk else []
        today = timezone.localdate()
        open_or_invited = Q(closed_on__isnull=True) | Q(closed_on__gt=today) | Q(pk__in=invited)
        self.fields["participants"].queryset = visible.filter(open_or_invited).order_by(
            "last_name", "first_name", "number"
        )
        if self.instance.pk:
            del self.fields["weeks"]
        # The page lays out the fields and the invite list around them, in one <form>.
        self.helper.form_tag = False
        self.helper.inputs = []
        self.helper.layout = Layout(*(name for name in self.fields if name != "participants"))

    def clean_participants(self):
        chosen = self.cleaned_data["participants"]
        if len(chosen) > MAX_INVITED:
            raise forms.ValidationError(
                _("At most %(n)s participants can be invited to one lesson.") % {"n": MAX_INVITED}
            )
        return chosen

    @classmethod
    def kept(cls, data, **kwargs) -> "GroupLessonForm":
        """The form as typed, not checked: for a search in the invite list, which must
        neither save nor show errors, and keeps everything (the lock too, so a change
        made by a colleague meanwhile is still caught on saving)."""
        form = cls(**kwargs)
        form.initial.update(
            {
                name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
                for name, field in form.fields.items()
                if name != "participants"
            }
        )
        return form


def posted_ids(data, name: str = "participants") -> list[int]:
    """The ids sent for a multiple choice, numbers only, each once, in order."""
    return list(dict.fromkeys(int(v) for v in data.getlist(name) if v.isdigit()))[: MAX_INVITED + 1]
