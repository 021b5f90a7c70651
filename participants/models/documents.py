"""Documents attached to a file, and an uploaded register between preview and confirm."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import private_storage
from .participant import Participant


class PendingImport(models.Model):
    """An uploaded register between preview and confirm. Deleted on confirm, cancel or
    failure, and after an hour at the latest: uploads are never written to disk."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.filename


def attachment_path(instance, filename: str) -> str:
    """A name the server chooses, with the extension of the type detected from the
    content (never the uploaded name or its extension)."""
    import uuid

    extension = settings.PLP_ATTACHMENT_TYPES[instance.content_type]
    return f"attachments/{instance.participant_id}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A document in the file (intake form, signed agreement, certificate). Stored under
    PLP_PRIVATE_ROOT, outside the web root, and served only through a view that checks
    who may see the participant."""

    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="attachments", verbose_name=_("participant")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title
