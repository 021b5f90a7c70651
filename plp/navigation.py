"""The menu's addresses, and where to go after a form: the `next` a link or form asked
for, if it is safe."""

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme

# The menu of base.html: key, URL name, arguments.
MENU = (
    ("home", "home", ()),
    ("today", "participants:today", ()),
    ("caseload", "participants:caseload", ()),
    ("lessons", "participants:lesson-list", ()),
    ("dashboard", "reporting:dashboard", ()),
    ("figures", "reporting:overview", ()),
    ("reports", "reporting:edition-list", ()),
    ("organisations", "participants:managed-list", ("organisation",)),
    ("mentors", "participants:managed-list", ("mentor",)),
    ("learning_places", "participants:learningplace-list", ()),
    ("reasons", "participants:managed-list", ("reason",)),
    ("qualifications", "participants:qualification-list", ()),
    ("accounts", "participants:user-list", ()),
    ("import", "participants:import", ()),
    ("password", "password_change", ()),
    ("two_step", "otp-setup", ()),
    ("language", "set_language", ()),
    ("logout", "logout", ()),
)
_menus: dict[str, dict[str, str]] = {}


def menu(request: HttpRequest) -> dict:
    """Context processor: `menu`, the menu's addresses, reversed once per script prefix
    instead of some 18 `{% url %}` on every page."""
    prefix = get_script_prefix()
    if prefix not in _menus:
        _menus[prefix] = {key: reverse(name, args=args) for key, name, args in MENU}
    return {"menu": _menus[prefix]}


def safe_next(request: HttpRequest, default: str = "") -> str:
    """The `next` of the POST or the query string when it is a path on this site (never
    another host, nor a scheme-relative `//host`), else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    local = target.startswith("/") and not target.startswith("//")
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if local and allowed else default
