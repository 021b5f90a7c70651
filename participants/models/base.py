"""Helpers the models share: the private document storage and end-after-start rules."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Documents live outside the web root (PLP_PRIVATE_ROOT), never under STATIC/MEDIA URLs."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PLP_PRIVATE_ROOT, base_url=None)


def end_after_start(model: str, start: str = "start", end: str = "end") -> models.CheckConstraint:
    """A CheckConstraint: the end date is empty or on/after the start date."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=f"{model}_{end}_after_{start}",
        violation_error_message=_("The end date cannot be before the start date."),
    )


def clean_end_after_start(instance, start: str = "start", end: str = "end") -> None:
    """Form-level twin of end_after_start, so the message lands on the end field."""
    start_value, end_value = getattr(instance, start), getattr(instance, end)
    if start_value and end_value and end_value < start_value:
        raise ValidationError({end: _("The end date cannot be before the start date.")})
