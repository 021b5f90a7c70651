"""Roles are Django groups; these helpers are the only place that knows their names."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

COORDINATOR = "coordinator"
COACH = "coach"
ROLES = (COORDINATOR, COACH)


def is_coordinator(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_plp_groups"):
        user._plp_groups = set(user.groups.values_list("name", flat=True))
    return COORDINATOR in user._plp_groups


def require_coordinator(user) -> None:
    """Raise 403 unless the user is a coordinator."""
    if not is_coordinator(user):
        raise PermissionDenied


def coordinator_required(view):
    """Decorator for coordinator-only views (coaches get 403)."""

    def wrapped(request, *args, **kwargs):
        require_coordinator(request.user)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def context_processor(request):
    user = getattr(request, "user", None)
    return {"is_coordinator": bool(user and is_coordinator(user))}
