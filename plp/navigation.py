"""Where to go after a form: the `next` a link or form asked for, if it is safe."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str = "") -> str:
    """The `next` of the POST or the query string when it is a path on this site (never
    another host, nor a scheme-relative `//host`), else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    local = target.startswith("/") and not target.startswith("//")
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if local and allowed else default
