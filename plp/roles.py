"""Roles are Django groups; these helpers are the only place that knows their names."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _

COORDINATOR = "coordinator"
COACH = "coach"
PEER_EXPERT = "peer_expert"
ADMINISTRATOR = "administrator"
ROLES = (COORDINATOR, COACH, PEER_EXPERT, ADMINISTRATOR)
ROLE_LABELS = {
    COACH: _("Coach"),
    PEER_EXPERT: _("Peer expert"),
    COORDINATOR: _("Coordinator"),
    ADMINISTRATOR: _("Administrator (accounts only)"),
}
# The roles an administrator may grant, and the accounts they may manage: no account
# with one of the other roles (coordinator, administrator), nor their own.
ADMINISTRATOR_GRANTS = (COACH, PEER_EXPERT)
# The audit action of a change of role (data: the account's id, the old and new role).
ROLE_CHANGED = "auth.user.role_changed"


def _groups(user) -> set[str]:
    if not hasattr(user, "_plp_groups"):
        user._plp_groups = set(user.groups.values_list("name", flat=True))
    return user._plp_groups


def role_of(user) -> str:
    """The user's main role, for the audit trail."""
    if user.is_superuser:
        return "superuser"
    names = _groups(user)
    return next((role for role in ROLES if role in names), "")


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or role in _groups(user)


def is_coordinator(user) -> bool:
    return has_role(user, COORDINATOR)


def sees_signals(user) -> bool:
    """Whether the caseload offers the open-signals filter: to coordinators and coaches,
    not to peer experts (signals are special data; each row shows them only to those
    who `may_see_sensitive`)."""
    return is_coordinator(user) or has_role(user, COACH)


def can_register_participants(user) -> bool:
    """Coaches and coordinators; whoever registers a participant becomes their coach, so
    peer experts (no special data) and administrators (no participant data) may not."""
    return is_coordinator(user) or has_role(user, COACH)


def can_manage_accounts(user) -> bool:
    return is_coordinator(user) or has_role(user, ADMINISTRATOR)


def accounts_only(user) -> bool:
    """Whether the user is an administrator and nothing more: no participants to see,
    so no caseload; they start on the accounts list."""
    participant_roles = (COORDINATOR, COACH, PEER_EXPERT)
    return has_role(user, ADMINISTRATOR) and not any(has_role(user, role) for role in participant_roles)


def account_role(user) -> str:
    """The role an account holds, the most powerful first ("" for none). Reads the
    prefetched groups when there are any."""
    names = {g.name for g in user.groups.all()}
    return next((role for role in (COORDINATOR, ADMINISTRATOR, PEER_EXPERT, COACH) if role in names), "")


def grantable_roles(user) -> tuple[str, ...]:
    """The roles `user` may give an account: all for coordinators (and superusers),
    coach and peer expert for administrators, none for others."""
    if is_coordinator(user):
        return (COACH, PEER_EXPERT, COORDINATOR, ADMINISTRATOR)
    if has_role(user, ADMINISTRATOR):
        return ADMINISTRATOR_GRANTS
    return ()


def may_manage_account(user, account) -> bool:
    """Whether `user` may change `account` (role, password, second factor, active):
    coordinators any account but a superuser's (only a superuser may change those),
    administrators only coaches' and peer experts' accounts, never their own."""
    if account.is_superuser and not user.is_superuser:
        return False
    if is_coordinator(user):
        return True
    if has_role(user, ADMINISTRATOR):
        # Only accounts that hold a coach's or peer expert's role and nothing more: not
        # staff, no permissions of their own, not an account without a role.
        names = {g.name for g in account.groups.all()}
        plain = not account.is_staff and not account.user_permissions.exists()
        return account.pk != user.pk and plain and bool(names) and names <= set(ADMINISTRATOR_GRANTS)
    return False


def context_processor(request):
    user = getattr(request, "user", None)
    return {
        "is_coordinator": bool(user and is_coordinator(user)),
        "can_manage_accounts": bool(user and can_manage_accounts(user)),
        "can_register_participants": bool(user and can_register_participants(user)),
        "accounts_only": bool(user and accounts_only(user)),
    }
