"""The coordinator's forms: organisations, workplace mentors, dropout reasons and
accounts."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from plp.models import work_phone
from plp.roles import COACH, ROLE_LABELS, account_role

from .forms import PLPForm
from .models import DropoutReason, Mentor, Organisation

User = get_user_model()


class OrganisationForm(PLPForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "role", "accredited", "contact_name", "email", "phone", "active"]


class MentorForm(PLPForm):
    class Meta:
        model = Mentor
        fields = ["organisation", "name", "email", "phone", "active"]


class DropoutReasonForm(PLPForm):
    class Meta:
        model = DropoutReason
        fields = ["label", "code", "position", "active"]


class UserForm(SetPasswordMixin, PLPForm):
    """Create or change an account. The password is optional when changing. `roles` are
    the roles the user filling in the form may grant; on one's own account the role
    cannot be changed (another coordinator does that)."""

    role = forms.ChoiceField(label=_("Role"))
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password confirmation")
    )
    phone = forms.CharField(
        label=_("Work phone"),
        max_length=40,
        required=False,
        help_text=_("Shown to the workplace mentors of this coach's participants."),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active"]

    def __init__(self, *args, roles=(), own: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        editing = bool(self.instance.pk)
        self.fields["password1"].required = not editing
        self.fields["password2"].required = not editing
        self.fields["email"].required = True
        self.fields["role"].choices = [(role, ROLE_LABELS[role]) for role in roles]
        if editing:
            self.fields["phone"].initial = work_phone(self.instance)
            self.fields["password1"].help_text = _("Leave empty to keep the current password.")
            self.fields["role"].initial = account_role(self.instance) or COACH
        if own:  # another coordinator changes one's role or switches the account off
            del self.fields["role"]
            del self.fields["is_active"]

    def _taken(self, field: str, value: str) -> bool:
        """Whether another account has this value, capitals aside: two logins that differ
        only in case (or share a mailbox) would make the audit trail and lockouts ambiguous."""
        others = User.objects.exclude(pk=self.instance.pk) if self.instance.pk else User.objects.all()
        return others.filter(**{f"{field}__iexact": value}).exists()

    def clean_username(self):
        username = self.cleaned_data["username"]
        if self._taken("username", username):
            raise forms.ValidationError(_("An account with this user name already exists (capitals aside)."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email and self._taken("email", email):
            raise forms.ValidationError(_("Another account already uses this email address."))
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") or cleaned.get("password2") or not self.instance.pk:
            self.validate_passwords()
            self.validate_password_for_user(self.instance)
        return cleaned
