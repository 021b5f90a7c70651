"""Role checks on views: coordinator-only and account-management pages refuse other
roles with 403, written to the audit trail."""

from django.core.exceptions import PermissionDenied

from .audit import log_action
from .roles import can_manage_accounts, can_register_participants, is_coordinator


def coordinator_required(view):
    """Decorator for coordinator-only views: other roles get 403 (and an audit entry)."""
    return _role_required(view, is_coordinator)


def registrar_required(view):
    """Decorator for registering participants: coaches and coordinators."""
    return _role_required(view, can_register_participants)


def account_manager_required(view):
    """Decorator for account management: coordinators and administrators."""
    return _role_required(view, can_manage_accounts)


def deny(request):
    """Refuse the request with 403, written to the audit trail."""
    log_action(
        by=request.user,
        action="plp.page.denied",
        result="denied",
        data={"path": request.path[:200], "method": request.method},
    )
    raise PermissionDenied


def _role_required(view, check):
    def wrapped(request, *args, **kwargs):
        if not check(request.user):
            deny(request)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    wrapped.__wrapped__ = view
    return wrapped
