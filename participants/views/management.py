"""What coordinators keep for everyone (organisations, mentors, dropout reasons) and the
accounts (coordinators and administrators)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plp.access import account_manager_required, coordinator_required, deny
from plp.models import AuditEntry
from plp.roles import (
    ROLE_LABELS,
    account_role,
    grantable_roles,
    is_coordinator,
    may_manage_account,
)

from .. import services
from ..forms_management import (
    DropoutReasonForm,
    MentorForm,
    OrganisationForm,
    UserForm,
)
from ..models import (
    DropoutReason,
    Mentor,
    Organisation,
)
from ..selectors import (
    role_changes,
)
from .common import _run, _unavailable

User = get_user_model()


MANAGED = {
    "organisation": (
        Organisation,
        OrganisationForm,
        gettext_lazy("Organisations"),
        ["name", "get_kind_display", "role", "active"],
    ),
    "mentor": (
        Mentor,
        MentorForm,
        gettext_lazy("Workplace mentors"),
        ["name", "organisation", "email", "active"],
    ),
    "reason": (
        DropoutReason,
        DropoutReasonForm,
        gettext_lazy("Dropout reasons"),
        ["label", "code", "active"],
    ),
}


def _managed(kind: str):
    if kind not in MANAGED:
        raise Http404
    return MANAGED[kind]


@coordinator_required
def managed_list(request: HttpRequest, kind: str) -> HttpResponse:
    model, _form, title, columns = _managed(kind)
    qs = model.objects.all()
    if model is Mentor:
        qs = qs.select_related("organisation")
    if model is Organisation and request.GET.get("kind") in Organisation.Kind.values:
        qs = qs.filter(kind=request.GET["kind"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        (obj, [getattr(obj, c)() if callable(getattr(obj, c)) else getattr(obj, c) for c in columns])
        for obj in page
    ]
    headers = [
        model._meta.get_field(c).verbose_name
        if not c.startswith("get_")
        else model._meta.get_field(c[4:-8]).verbose_name
        for c in columns
    ]
    return render(
        request,
        "participants/managed_list.html",
        {
            "page": page,
            "rows": rows,
            "headers": headers,
            "title": title,
            "kind": kind,
            "kinds": Organisation.Kind.choices if model is Organisation else None,
        },
    )


@coordinator_required
def managed_edit(request: HttpRequest, kind: str, record_pk: int | None = None) -> HttpResponse:
    model, form_class, title, _columns = _managed(kind)
    instance = get_object_or_404(model, pk=record_pk) if record_pk else None
    form = form_class(request.POST or None, instance=instance)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.reference_save, by=request.user, obj=form.instance)
    ):
        messages.success(request, _("%(what)s saved.") % {"what": form.instance})
        return redirect("participants:managed-list", kind=kind)
    return render(
        request,
        "participants/form.html",
        {"form": form, "title": str(instance) if instance else model._meta.verbose_name.capitalize()},
        status=503 if _unavailable(form) else 200,
    )


@account_manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.prefetch_related("groups").order_by("-is_active", "username")
    q = request.GET.get("q", "").strip()
    for word in q.split():
        users = users.filter(
            Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    for u in page:
        u.manageable = may_manage_account(request.user, u)
        u.role_label = ROLE_LABELS.get(account_role(u), "–")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/user_list.html",
        {
            "page": page,
            "q": q,
            "querystring": query.urlencode(),
            "role_changes": role_changes(limit=20) if is_coordinator(request.user) else None,
        },
    )


@account_manager_required
def user_edit(request: HttpRequest, user_pk: int | None = None) -> HttpResponse:
    """Create or change an account. Administrators reach only the accounts of coaches and
    peer experts (not their own); coordinators every account but a superuser's."""
    instance = get_object_or_404(User, pk=user_pk) if user_pk else None
    if instance and not may_manage_account(request.user, instance):
        deny(request)
    if instance and request.method == "POST" and "reset_2fa" in request.POST:
        from plp.accounts import devices_reset

        devices_reset(by=request.user, user=instance)
        messages.success(
            request,
            _("Two-step login of %(username)s was reset: they set it up again at the next login.")
            % {"username": instance.username},
        )
        return redirect("participants:user-edit", user_pk=instance.pk)
    form = UserForm(
        request.POST or None,
        instance=instance,
        roles=grantable_roles(request.user),
        own=instance is not None and instance.pk == request.user.pk,
    )
    if request.method == "POST" and form.is_valid():
        role_changed = instance is not None and "role" in form.changed_data
        user = form.instance
        if _run(
            form,
            services.account_save,
            by=request.user,
            user=user,
            role=form.cleaned_data.get("role"),
            password=form.cleaned_data.get("password1") or None,
            phone=form.cleaned_data.get("phone", ""),
        ):
            if instance and (not user.is_active or role_changed):
                from plp.security import end_user_sessions

                end_user_sessions(user)
            messages.success(request, _("Account %(username)s saved.") % {"username": user.username})
            return redirect("participants:user-list")
    coordinator = is_coordinator(request.user)
    return render(
        request,
        "participants/form.html",
        {
            "form": form,
            "title": instance.username if instance else _("New account"),
            "reset_2fa": bool(instance),
            # What an account did names participants and the records viewed: coordinators only.
            **(_activity(instance) if instance and coordinator else {"activity": None}),
            "role_changes": role_changes(account=instance) if instance and coordinator else None,
        },
        status=503 if _unavailable(form) else 200,
    )


ACTIVITY_SHOWN = 100


def _activity(account) -> dict:
    """The account's newest 100 audit entries, and whether there are older ones (one
    entry more is read to know)."""
    entries = list(AuditEntry.objects.filter(user_id=account.pk)[: ACTIVITY_SHOWN + 1])
    return {"activity": entries[:ACTIVITY_SHOWN], "activity_more": len(entries) > ACTIVITY_SHOWN}
