"""Roles are Django groups; these helpers are the only place that knows their names."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

COORDINATOR = "coordinator"
COACH = "coach"
PEER_EXPERT = "peer_expert"
ADMINISTRATOR = "administrator"
ROLES = (COORDINATOR, COACH, PEER_EXPERT, ADMINISTRATOR)


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


def can_manage_accounts(user) -> bool:
    return is_coordinator(user) or has_role(user, ADMINISTRATOR)


def coordinator_required(view):
    """Decorator for coordinator-only views: other roles get 403 (and an audit entry)."""
    return _role_required(view, is_coordinator)


def account_manager_required(view):
    """Decorator for account management: coordinators and administrators."""
    return _role_required(view, can_manage_accounts)


def _role_required(view, check):
    def wrapped(request, *args, **kwargs):
        if not check(request.user):
            from participants.services import log_action

            log_action(
                by=request.user,
                action="plp.page.denied",
                result="denied",
                data={"path": request.path[:200], "method": request.method},
            )
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    wrapped.__wrapped__ = view
    return wrapped


def context_processor(request):
    user = getattr(request, "user", None)
    return {
        "is_coordinator": bool(user and is_coordinator(user)),
        "can_manage_accounts": bool(user and can_manage_accounts(user)),
    }
