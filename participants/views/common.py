"""The save path every form of the case file shares: call a service, keep what was typed
on any error, audit the viewing of special data."""

import logging
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from plp.audit import log_action
from plp.errors import DATABASE_ERRORS
from plp.navigation import safe_next

from .. import privacy
from ..forms import (
    PLPForm,
)
from ..models import (
    Participant,
)
from ..selectors import (
    participant_for_user,
)

logger = logging.getLogger(__name__)


def _run(form, service: Callable, **kwargs) -> bool:
    """The save path of every form: call a service and put what went wrong on the form, so
    the page comes back with what was typed. Checks the form's version again with the
    row locked, in the service's transaction (two saves at the same moment: the second
    gets the conflict message). A database that is busy or down is not the user's fault:
    nothing is saved, the input is kept, and the page says to try again (HTTP 503)."""
    try:
        with transaction.atomic():
            if isinstance(form, PLPForm):
                form.check_still_current()
            service(**kwargs)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    except DATABASE_ERRORS:
        logger.warning("Save failed: database unavailable (%s)", service.__name__, exc_info=True)
        form.add_error(
            None,
            ValidationError(
                _(
                    "Nothing was saved: the database is busy or cannot be reached at the moment. "
                    "What you typed is kept below; save again in a moment."
                ),
                code="unavailable",
            ),
        )
        return False
    return True


def _unavailable(form) -> bool:
    """The save failed because the database was busy or down (see `_run`)."""
    return form.is_bound and any(
        e.code == "unavailable" for e in form.errors.as_data().get(NON_FIELD_ERRORS, [])
    )


def _form_page(request, participant, form, title, extra=None) -> HttpResponse:
    return render(
        request,
        "participants/form.html",
        {"form": form, "title": title, "participant": participant, **(extra or {})},
        status=503 if _unavailable(form) else 200,
    )


def _record_view(
    request: HttpRequest,
    pk: int,
    *,
    model: type[Model],
    form_class,
    service: Callable,
    arg: str,
    title: str,
    record_pk: int | None = None,
    form_kwargs: Callable | None = None,
    extra_service_kwargs: Callable | None = None,
    sensitive: bool = False,
    after_save: Callable | None = None,
) -> HttpResponse:
    """Create or edit one record of a participant's file through its service. With
    `sensitive` (pauses, dropout), and for editing any record whose form shows a field
    classified special in privacy.py (intake, notes, reminders), the page is for the
    assigned coach and coordinators; opening such a record is audited as a view."""
    shows_special = bool(record_pk) and privacy.shows_special(form_class)
    participant = participant_for_user(request, pk, lean=True, sensitive=sensitive or shows_special)
    instance = (
        get_object_or_404(model, pk=record_pk, participant=participant)
        if record_pk
        else model(participant=participant)
    )
    if shows_special and request.method == "GET":
        _log_view(request, participant, instance)
    kwargs = form_kwargs(participant) if form_kwargs else {}
    form = form_class(request.POST or None, instance=instance, **kwargs)
    if request.method == "POST" and form.is_valid():
        extra = extra_service_kwargs(form) if extra_service_kwargs else {}
        if _run(form, service, by=request.user, **{arg: form.instance}, **extra):
            messages.success(request, _("%(what)s saved.") % {"what": title})
            if after_save:
                after_save(request, form.instance)
            return redirect(safe_next(request) or participant)
    return _form_page(request, participant, form, title)


def _log_view(request: HttpRequest, participant: Participant, record: Model) -> None:
    """Audit the opening of a record that holds special category data, like the
    participant page does: ids and codes only, never the record's text."""
    log_action(
        by=request.user,
        action=f"participants.{record._meta.model_name}.viewed",
        participant=participant,
        data={"id": record.pk},
    )


def _make_record_views(model, form_class, service, arg, title, **options):
    """A create and an edit view. Editing a record whose form shows special category data
    (its notes) is for the assigned coach and coordinators only (see `_record_view`)."""

    common = {"model": model, "form_class": form_class, "service": service, "arg": arg, **options}

    def create(request: HttpRequest, pk: int) -> HttpResponse:
        return _record_view(request, pk, title=str(title), **common)

    def edit(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
        return _record_view(request, pk, title=str(title), record_pk=record_pk, **common)

    return create, edit
