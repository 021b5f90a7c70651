"""What coordinators keep for everyone (organisations, mentors, dropout reasons) and the
accounts with their roles."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plp.audit import log_action
from plp.models import StaffProfile
from plp.roles import ROLE_CHANGED, ROLES, account_role, grantable_roles, may_manage_account

from ..models import (
    DropoutReason,
    Mentor,
    Organisation,
)


@transaction.atomic
def reference_save(*, by, obj: Organisation | Mentor | DropoutReason):
    """Create or change what coordinators keep for everyone: an organisation, a mentor or
    a dropout reason."""
    adding = obj._state.adding
    obj.full_clean()
    obj.save()
    verb = "created" if adding else "changed"
    log_action(by=by, action=f"participants.{obj._meta.model_name}.{verb}", obj=obj)
    return obj


@transaction.atomic
def account_save(*, by, user, role: str | None, password: str | None = None, phone: str | None = None):
    """Create or change an account (`user`, unsaved changes included) and give it `role`
    (None keeps the current one) and, when given, a new `password`. Coordinators may
    grant every role; administrators manage coaches' and peer experts' accounts only
    and never their own: anything else raises PermissionDenied before a row is written.
    Audits `auth.user.created` or `auth.user.changed`, and every change of role as
    `auth.user.role_changed` with the account's id and the old and new role codes.
    `phone`, when given, is the work phone workplace mentors see."""
    adding = user._state.adding
    stored = None if adding else type(user).objects.get(pk=user.pk)
    if stored is not None and not may_manage_account(by, stored):
        raise PermissionDenied
    old = account_role(stored) if stored is not None else ""
    if role is not None and role not in ROLES:
        raise ValidationError({"role": _("Choose a role.")})
    changes_role = role is not None and role != old
    if changes_role and role not in grantable_roles(by):
        raise PermissionDenied
    if password:
        user.set_password(password)
    user.save()
    if phone is not None:
        StaffProfile.objects.update_or_create(user=user, defaults={"phone": phone.strip()})
    log_action(by=by, action=f"auth.user.{'created' if adding else 'changed'}", obj=user)
    if changes_role:
        user.groups.set([Group.objects.get_or_create(name=role)[0]])
        log_action(by=by, action=ROLE_CHANGED, data={"user_id": user.pk, "old": old, "new": role})
    return user
