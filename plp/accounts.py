"""Two-factor login (django-otp): a passkey (WebAuthn, see plp/passkeys.py) or an
authenticator app (TOTP, set up with a QR code), verified at login, and recovery codes
for a lost phone."""

import secrets

import segno
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .audit import log_action
from .navigation import safe_next

RECOVERY_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasskeyNameForm(forms.Form):
    credential = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(
        label=gettext_lazy("Name of the passkey"),
        max_length=64,
        help_text=gettext_lazy("For example the device it is on: Phone, Laptop."),
    )


def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the login: a code from the authenticator app or a recovery code."""
    if request.user.is_verified():
        return redirect(safe_next(request, "/"))
    if not any(devices_for_user(request.user, confirmed=True)):
        return redirect("otp-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is None:
            log_action(by=request.user, action="auth.otp.failed", result="denied")
            form.add_error("code", _("This code is not correct. Try the next code from your app."))
        else:
            otp_login(request, device)
            log_action(by=request.user, action="auth.otp.verified", data={"device": type(device).__name__})
            if isinstance(device, StaticDevice):
                messages.warning(request, _("You used a recovery code. Each code works once."))
            return redirect(safe_next(request, "/"))
    passkeys = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists()
    if passkeys:
        form.fields["code"].widget.attrs.pop("autofocus")  # no keyboard over the passkey button
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "next": safe_next(request, "/"), "passkeys": passkeys},
    )


def _unverified(request: HttpRequest) -> bool:
    """A user with a second factor must pass it before changing any of them."""
    return not request.user.is_verified() and any(devices_for_user(request.user, confirmed=True))


def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up and manage the second factor: passkeys (added with the browser, named here,
    listed and removable) and an authenticator app (scan the QR code, confirm with a
    code). The first factor set up comes with recovery codes."""
    if _unverified(request):
        return redirect(f"{reverse('otp-verify')}?next={reverse('otp-setup')}")
    user = request.user
    passkeys = list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"))
    totp_ready = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    context = {
        "passkeys": passkeys,
        "passkey_form": PasskeyNameForm(),
        "totp_ready": totp_ready,
        "set_up": bool(passkeys) or totp_ready,
        # The last second factor is not removed (recovery codes do not count).
        "passkey_removable": len(passkeys) > 1 or totp_ready,
    }
    if context["set_up"] and not StaticDevice.objects.filter(user=user).exists():
        # A passkey whose naming step never arrived (tab closed): its recovery codes now.
        return render(request, "registration/otp_recovery_codes.html", {"codes": recovery_codes_reset(user)})
    if totp_ready:
        return render(request, "registration/otp_setup.html", context)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    form = CodeForm(request.POST or None)
    form.fields["code"].widget.attrs.pop("autofocus")  # the passkey comes first on this page
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                first = not StaticDevice.objects.filter(user=user).exists()
                codes = recovery_codes_reset(user) if first else None
                log_action(by=user, action="auth.otp.device_added")
            if not user.is_verified():
                otp_login(request, device)
            if codes is None:
                messages.success(request, _("The authenticator app is linked."))
                return redirect("otp-setup")
            return render(request, "registration/otp_recovery_codes.html", {"codes": codes})
        form.add_error("code", _("This code is not correct. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, micro=False).svg_inline(scale=5, dark="#000", light="#fff", border=2)
    context.update(
        form=form,
        qr=mark_safe(qr),  # noqa: S308 - generated by segno from our own URL, no user input
        secret=_base32(device.bin_key),
        hex=device.bin_key.hex(),
    )
    return render(request, "registration/otp_setup.html", context)


@require_POST
def passkey_name(request: HttpRequest) -> HttpResponse:
    """Name the passkey the browser has just registered; the first factor set up comes
    with recovery codes (shown once)."""
    if _unverified(request):
        return redirect("otp-verify")
    form = PasskeyNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the passkey a name of at most 64 characters."))
        return redirect("otp-setup")
    passkey = get_object_or_404(WebAuthnCredential, pk=form.cleaned_data["credential"], user=request.user)
    passkey.name = form.cleaned_data["name"]
    passkey.save(update_fields=["name"])
    if not StaticDevice.objects.filter(user=request.user).exists():
        return render(
            request, "registration/otp_recovery_codes.html", {"codes": recovery_codes_reset(request.user)}
        )
    messages.success(request, _("The passkey is added."))
    return redirect("otp-setup")


@require_POST
def passkey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of the user's own passkeys, unless it is their last second factor
    (recovery codes do not count). Audited with the device id."""
    if _unverified(request):
        return redirect("otp-verify")
    passkey = get_object_or_404(WebAuthnCredential, pk=pk, user=request.user)
    others = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exclude(pk=pk)
    if not others.exists() and not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.error(
            request, _("This is your only passkey: add another passkey or an authenticator app first.")
        )
        return redirect("otp-setup")
    with transaction.atomic():
        passkey.delete()
        log_action(
            by=request.user,
            action="auth.otp.device_removed",
            data={"device": WebAuthnCredential.__name__, "device_id": pk},
        )
    messages.success(request, _("The passkey is removed."))
    return redirect("otp-setup")


def recovery_codes_reset(user) -> list[str]:
    """Replace the user's recovery codes; returns the new ones (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def devices_reset(*, by, user) -> None:
    """A coordinator removes a user's second factor (app, passkeys, recovery codes); the
    user sets it up again at login."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        WebAuthnCredential.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        log_action(by=by, action="auth.otp.reset", obj=user)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
