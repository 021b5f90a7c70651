"""Documents on a file, and what privacy asks: anonymising and the retention term."""

import contextlib
import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plp.audit import log_action

from ..models import (
    Attachment,
    Participant,
)
from ..privacy import ERASE, PERSONAL_DATA
from .records import (
    _save,
)
from .reminders import add_months

ANONYMOUS_NAME = "Geanonimiseerd"


@transaction.atomic
def participant_anonymise(*, by, participant: Participant) -> Participant:
    """Erase the personal fields of a participant's file (see privacy.PERSONAL_DATA);
    dates and categories stay, so the figures of past reports do not change. Audited."""
    from django.apps import apps
    from django.utils import timezone

    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.anonymised_at:
        raise ValidationError(_("This participant is already anonymised."))
    for attachment in participant.attachments.all():
        attachment.file.delete(save=False)
    for label, fields in PERSONAL_DATA.items():
        model = apps.get_model(label)
        erase = {}
        for name, field in fields.items():
            model_field = model._meta.get_field(name)
            if field.anonymise == ERASE:
                erase[name] = None if model_field.null else ""
        if model is Participant:
            for name, v in erase.items():
                setattr(participant, name, v)
            participant.number = f"ANON-{participant.pk}"
            participant.first_name = ANONYMOUS_NAME
            participant.anonymised_at = timezone.now()
            participant.save()
        elif erase:
            model.objects.filter(participant=participant).update(**erase)
    log_action(by=by, action="participants.participant.anonymised", participant=participant, obj=participant)
    return participant


def retention_due(today: datetime.date | None = None) -> list[Participant]:
    """Participants whose file was closed (dropout or outflow, no re-entry after it) longer
    ago than PLP_RETENTION_YEARS, and who are not anonymised yet."""
    from django.conf import settings
    from django.utils import timezone

    cutoff = add_months(today or timezone.localdate(), -12 * settings.PLP_RETENTION_YEARS)
    return list(
        Participant.objects.filter(anonymised_at__isnull=True, closed_on__lt=cutoff).order_by("number")
    )


logger = logging.getLogger(__name__)


MAGIC = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@transaction.atomic
def attachment_add(*, by, participant: Participant, upload, title: str) -> Attachment:
    """Store a document (PDF, PNG or JPEG, checked by its content, at most
    PLP_ATTACHMENT_MAX_BYTES) outside the web root."""
    from django.conf import settings

    if upload.size > settings.PLP_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB.")
                % {"mb": settings.PLP_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    head = upload.read(8)
    upload.seek(0)
    content_type = next((t for magic, t in MAGIC.items() if head.startswith(magic)), None)
    if content_type is None:
        raise ValidationError({"file": _("Only PDF, PNG and JPEG files can be added.")})
    attachment = Attachment(
        participant=participant,
        title=title,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    # A random name with the extension of the detected type (models.attachment_path).
    storage = attachment.file.storage
    name = attachment.file.field.generate_filename(attachment, upload.name)
    try:
        attachment.file = storage.save(name, upload)
    except OSError as error:
        # Disk full, read-only or missing storage: no row, and no half-written file.
        logger.error("Document storage failed for participant %s: %s", participant.pk, error)
        with contextlib.suppress(OSError):
            storage.delete(name)
        raise ValidationError(
            {
                "file": _(
                    "The document could not be stored: the document storage is full or not "
                    "writable. Nothing was saved. Tell the administrator, then try again."
                )
            }
        ) from error
    try:
        return _save(by=by, instance=attachment, participant=participant)
    except Exception:
        attachment.file.delete(save=False)
        raise


@transaction.atomic
def attachment_delete(*, by, attachment: Attachment) -> None:
    """Remove a document and its file."""
    log_action(
        by=by, action="participants.attachment.deleted", participant=attachment.participant, obj=attachment
    )
    attachment.file.delete(save=False)
    attachment.delete()
