"""Failed logins and lockouts in the audit trail, and the coordinators' page that lists them.

The user name typed at a failed login comes from outside: the audit row holds the
account's id when that account exists, otherwise only a keyed hash and the length of the
name, never the text (audit rows hold ids and codes, no free text)."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plp.models import AuditEntry

from .access import coordinator_required
from .audit import keyed_hash, log_action

LOGIN_FAILED = "auth.login.failed"
LOCKED_OUT = "auth.login.locked_out"


def name_fingerprint(name: str) -> dict:
    """What the audit trail keeps of a user name that matches no account: a keyed hash
    (the same name gives the same hash, so repeated guesses can be grouped) and its length."""
    return {"name_hash": keyed_hash("plp.login_audit.name", name), "name_length": len(name)}


def _log(action: str, request, username) -> None:
    name = str(username or "")[:150]
    account = get_user_model().objects.filter(username=name).first() if name else None
    data = {"account": "known"} if account else {"account": "unknown", **name_fingerprint(name)}
    if request is not None:
        data["path"] = request.path[:200]
    log_action(by=account, action=action, result=AuditEntry.Result.DENIED, data=data)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """django.contrib.auth's user_login_failed (axes also listens to it)."""
    _log(LOGIN_FAILED, request, (credentials or {}).get("username"))


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """axes' user_locked_out: the lockout itself and every attempt while it lasts."""
    _log(LOCKED_OUT, request, username)


@coordinator_required
def failed_logins(request: HttpRequest) -> HttpResponse:
    """Failed logins and lockouts, newest first, with the account or the name's hash."""
    entries = AuditEntry.objects.filter(action__in=[LOGIN_FAILED, LOCKED_OUT])
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    users = get_user_model().objects.in_bulk({e.user_id for e in page if e.user_id})
    for entry in page:
        entry.account = users.get(entry.user_id)
    return render(request, "registration/failed_logins.html", {"page": page})
