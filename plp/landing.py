"""Where a user starts: the site root, and so the page after login (LOGIN_REDIRECT_URL
is "home"), sends each role to its own start page."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from .roles import accounts_only


def start_page(user) -> str:
    """The URL name of the user's start page: the accounts list for an administrator
    (who sees no participants), the caseload for everyone else."""
    return "participants:user-list" if accounts_only(user) else "participants:caseload"


def home(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(start_page(request.user))
