"""Failures that are not the user's: the database busy or unreachable."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

# Raised when the database is down, restarting, or (SQLite) locked past the busy timeout.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def database_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page. Rendered without the request's context processors: they would ask
    the database (the user, their role) that just failed."""
    html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    return HttpResponse(html, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unreachable database gets the clear 503 page, wherever it failed
    (a middleware reading the session, a view); anything else the plain 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, error)
        return database_unavailable(request)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an expired or foreign form gets the app's own page, in the
    user's language, with what to do to keep their input (Django's default is a bare
    English page)."""
    return HttpResponse(loader.get_template("403_csrf.html").render({}, request), status=403)
