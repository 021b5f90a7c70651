"""Request-level security: session limits, enforced two-factor login, no caching of
pages with personal data, and the client address for the audit trail."""

import contextvars
import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)

LOGIN_AT = "_plp_login_at"
ROLES_KEY = "_plp_roles"
SEEN_AT = "_plp_seen_at"
RENEW_EVERY = 60  # seconds
# Reachable before the second factor is given.
TWO_FACTOR_OPEN = {
    "login",
    "logout",
    "set_language",
    "otp-setup",
    "otp-verify",
    # Passkey ceremonies: the library refuses to register a passkey for a user who has a
    # second factor but has not passed it.
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    # The workplace mentor's pages ignore the login (a coach trying the link in their own
    # browser must not be sent to the second step with the token in the address).
    "mentor:page",
    "mentor:observation",
    "mentor:checkin",
}


class SessionLimitsMiddleware:
    """Ends a session 12 hours after login, whatever the activity. The 30-minute idle
    limit is the session age, renewed at most once a minute (not a write per request).
    Also records the client address for the audit trail, and puts the user itself in
    request.user: Django's and django-otp's lazy wrappers, once loaded, only cost time
    (~270 attribute lookups through them on a page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            request.user = _loaded(request.user)
            if request.user.is_authenticated:
                now = time.time()
                started = request.session.setdefault(LOGIN_AT, now)
                if now - started > settings.PLP_SESSION_MAX_AGE:
                    logout(request)
                    messages.info(request, _("Your session has ended. Please log in again."))
                    return redirect("login")
                if now - request.session.get(SEEN_AT, 0) > RENEW_EVERY:
                    request.session[SEEN_AT] = now
                # The user's groups, read once per session (a role change ends the sessions).
                roles = request.session.get(ROLES_KEY)
                if roles is None:
                    roles = request.session[ROLES_KEY] = sorted(
                        request.user.groups.values_list("name", flat=True)
                    )
                request.user._plp_groups = set(roles)
            return self.get_response(request)
        finally:
            current_ip.reset(token)


def _loaded(user):
    """The object behind (nested) lazy objects, loading it as the first access would."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def client_ip(request) -> str | None:
    """The client's address, resolved once per request: django-axes (AXES_CLIENT_IP_CALLABLE)
    and the audit trail both use this.

    Without proxies (PROXY_COUNT=0) it is REMOTE_ADDR. Behind PROXY_COUNT proxies each proxy
    appends the address it saw to X-Forwarded-For, so the client is the PROXY_COUNT-th entry
    from the right; whatever stands left of it came from the client and may be forged. With
    TRUSTED_PROXIES set, the header counts only on requests that come from one of them."""
    if hasattr(request, "_plp_client_ip"):
        return request._plp_client_ip
    remote = request.META.get("REMOTE_ADDR") or None
    found = remote
    count = settings.PLP_PROXY_COUNT
    if count and _from_trusted_proxy(remote):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= count:
            from python_ipware import IpWare

            # Only the part our proxies wrote is parsed, so a forged left part (even an
            # unclosed quote) can neither shift nor hide the address they added.
            ipware = IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=count - 1)
            ip, _trusted = ipware.get_client_ip({"HTTP_X_FORWARDED_FOR": ",".join(hops[-count:])})
            if ip is not None:
                found = str(ip)
    request._plp_client_ip = found
    return found


def _from_trusted_proxy(remote: str | None) -> bool:
    if not settings.PLP_TRUSTED_PROXIES:
        return True
    try:
        address = ipaddress.ip_address(remote or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.PLP_TRUSTED_PROXIES)


class TwoFactorRequiredMiddleware:
    """With PLP_REQUIRE_2FA, a logged-in user must pass the second factor (or set it up)
    before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.PLP_REQUIRE_2FA or not request.user.is_authenticated:
            return None
        if request.user.is_verified() or request.path.startswith(settings.STATIC_URL):
            return None
        if request.resolver_match and request.resolver_match.view_name in TWO_FACTOR_OPEN:
            return None
        from django_otp import devices_for_user

        if any(devices_for_user(request.user, confirmed=True)):
            return redirect(f"{_url('otp-verify')}?next={request.get_full_path()}")
        return redirect("otp-setup")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


class NoStoreMiddleware:
    """Pages for logged-in users hold personal data: browsers and proxies keep no copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/login"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


def end_user_sessions(user) -> int:
    """Delete every session of `user` (database sessions). Returns how many."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def end_sessions_on_logout(sender, request, user, **kwargs):
    """Logging out on one device logs out everywhere."""
    if user is not None:
        end_user_sessions(user)
