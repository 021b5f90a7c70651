"""The workplace mentor's link: the coach's page to make, mail and revoke it, and the
mentor's own page (no login) with the learning goals, an observation and "Hoe gaat het?".

The mentor's page is reachable without login, so: every request is audited (link id,
never the token), one invalid page for every reason, throttled per address and per link,
no caching and no referrer."""

import functools

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from plp.models import work_phone
from plp.security import client_ip

from .. import services
from ..mentor_forms import MentorCheckinForm, MentorObservationForm
from ..models import MentorLink, Placement
from ..selectors import participant_for_user
from ..services import mentor as mentor_services
from .common import _run

# ---------------------------------------------------------------- the coach's side


def _placement(request: HttpRequest, pk: int, record_pk: int) -> Placement:
    """The placement, for the assigned coach and coordinators (others: 404)."""
    participant = participant_for_user(request, pk, lean=True, sensitive=True)
    return get_object_or_404(
        Placement.objects.select_related("employer", "mentor"), pk=record_pk, participant=participant
    )


def _link_page(request, placement, *, token: str = "", status: int = 200) -> HttpResponse:
    active = (
        MentorLink.objects.filter(placement=placement, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("created_by")
        .first()
    )
    url = request.build_absolute_uri(mentor_services.link_url(token)) if token else ""
    return render(
        request,
        "participants/mentor_link.html",
        {
            "participant": placement.participant,
            "placement": placement,
            "active": active,
            "last_used": MentorLink.objects.filter(placement=placement, last_used_at__isnull=False)
            .order_by("-last_used_at")
            .values_list("last_used_at", flat=True)
            .first(),
            "url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=5, border=2) if url else "",
            "title": _("Link for the workplace mentor"),
        },
        status=status,
    )


def mentor_link(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """The placement's link: its state, and buttons to make a new one or revoke it."""
    return _link_page(request, _placement(request, pk, record_pk))


@require_POST
def mentor_link_create(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    """Make a new link (the old one stops working) and show it once, with its QR code."""
    placement = _placement(request, pk, record_pk)
    try:
        link, token = services.mentor_link_make(
            by=request.user,
            placement=placement,
            email=bool(request.POST.get("email")),
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("participants:mentor-link", pk, record_pk)
    except OSError:
        messages.error(request, _("The mail could not be sent; no link was made. Try again without mail."))
        return redirect("participants:mentor-link", pk, record_pk)
    if request.POST.get("email"):
        messages.success(request, _("The link was sent to %(email)s.") % {"email": placement.mentor.email})
    # Rendered, not redirected: the token exists only in this response.
    return _link_page(request, placement, token=token)


@require_POST
def mentor_link_revoke(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    placement = _placement(request, pk, record_pk)
    link = MentorLink.objects.filter(placement=placement, revoked_at__isnull=True).first()
    if link is not None:
        services.mentor_link_revoke(by=request.user, link=link)
        messages.success(request, _("The link has been revoked: it no longer works."))
    return redirect("participants:mentor-link", pk, record_pk)


# ---------------------------------------------------------------- the mentor's side


class _NoReferrerCsrf(CsrfViewMiddleware):
    """Django's CSRF check for pages sent with `Referrer-Policy: no-referrer`: the browser
    then sends `Origin: null` with the page's own forms (and no Referer), which Django
    refuses. Here "null" passes the origin check when the browser itself says the
    request comes from the same origin (Sec-Fetch-Site, which pages cannot set) or does
    not say (older browsers); the CSRF token must match all the same, and the cookie is
    SameSite=Lax, so another site's form brings neither."""

    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null":
            return request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin"
        return super()._origin_verified(request)


_csrf = decorator_from_middleware(_NoReferrerCsrf)


def _private(view):
    """No login; nothing cached, no referrer (the URL carries the token), no indexing;
    CSRF checked by `_NoReferrerCsrf` instead of the site-wide middleware."""
    view = csrf_exempt(_csrf(view))

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Pragma"] = "no-cache"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return login_not_required(wrapped)


def _invalid(request) -> HttpResponse:
    """The one page for an unknown, expired or revoked link: it never says which."""
    return render(request, "participants/mentor_invalid.html", status=404)


def _too_many(request, link) -> HttpResponse:
    # Audited once a minute per address, so a flood cannot fill the trail.
    if cache.add(f"plp.mentor.throttled:{client_ip(request)}", 1, 60):
        services.mentor_link_audit(link=link, action=mentor_services.THROTTLED)
    response = render(request, "participants/mentor_throttled.html", status=429)
    response["Retry-After"] = "60"
    return response


def _open(request, token: str, *, submitting: bool = False):
    """The link, or the response that refuses it (too many requests, or invalid)."""
    if mentor_services.throttled(ip=client_ip(request), link=None):
        return None, _too_many(request, None)
    link = services.mentor_link_verify(token)
    if link is None:
        services.mentor_link_audit(link=None, action=mentor_services.REFUSED)
        return None, _invalid(request)
    if mentor_services.throttled(ip=None, link=link, submitting=submitting):
        return None, _too_many(request, link)
    return link, None


def _page(request, link, *, observation_form=None, checkin_form=None, status=200) -> HttpResponse:
    placement = link.placement
    coach = placement.participant.coach
    goals = mentor_services.mentor_goals(placement)
    return render(
        request,
        "participants/mentor_page.html",
        {
            "first_name": placement.participant.first_name,
            "employer": placement.employer.name,
            "mentor_name": placement.mentor.name,
            "coach_name": coach.get_full_name() or coach.username if coach else "",
            "coach_phone": work_phone(coach) or settings.PLP_CONTACT_PHONE,
            "goals": goals,
            "observation_form": observation_form or MentorObservationForm(goals=goals),
            "checkin_form": checkin_form or MentorCheckinForm(),
            "entries": mentor_services.mentor_entries(link),
            "expires_at": link.expires_at,
            "token": request.resolver_match.kwargs["token"],
        },
        status=status,
    )


@_private
@require_http_methods(["GET", "HEAD"])
def mentor_page(request: HttpRequest, token: str) -> HttpResponse:
    link, refused = _open(request, token)
    if refused:
        return refused
    services.mentor_link_audit(link=link, action=mentor_services.OPENED)
    return _page(request, link)


@_private
@require_POST
def mentor_observation(request: HttpRequest, token: str) -> HttpResponse:
    link, refused = _open(request, token, submitting=True)
    if refused:
        return refused
    form = MentorObservationForm(request.POST, goals=mentor_services.mentor_goals(link.placement))
    if form.is_valid() and _run(
        form,
        services.mentor_observation_record,
        link=link,
        steps=form.cleaned_data["steps"],
        note=form.cleaned_data["note"],
    ):
        messages.success(request, _("Thank you: your observation has been saved."))
        return redirect("mentor:page", token)
    services.mentor_link_audit(link=link, action=mentor_services.OPENED, what="observation-invalid")
    return _page(request, link, observation_form=form)


@_private
@require_POST
def mentor_checkin(request: HttpRequest, token: str) -> HttpResponse:
    link, refused = _open(request, token, submitting=True)
    if refused:
        return refused
    form = MentorCheckinForm(request.POST)
    if form.is_valid() and _run(form, services.mentor_checkin_record, link=link, **form.cleaned_data):
        if form.cleaned_data["mood"] == "zorgen" or form.cleaned_data["wants_contact"]:
            messages.success(request, _("Thank you. The coach has been told and will contact you."))
        else:
            messages.success(request, _("Thank you for letting us know."))
        return redirect("mentor:page", token)
    services.mentor_link_audit(link=link, action=mentor_services.OPENED, what="checkin-invalid")
    return _page(request, link, checkin_form=form)
