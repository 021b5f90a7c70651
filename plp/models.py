"""The audit trail's table: who did what, to which record, allowed or denied. Written
only through `plp.audit.log_action`."""

from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def audit_ref(obj) -> str:
    """How the trail names a record: its model label and id (`participants.reminder:12`)."""
    if obj is None:
        return ""
    if isinstance(obj, models.Model):
        return f"{obj._meta.label_lower}:{obj.pk}"
    return str(obj)[:200]


class AuditQuerySet(models.QuerySet):
    def about(self, obj) -> "AuditQuerySet":
        """The entries about one record of any kind (an edition, an organisation, an
        account, a participant's trajectory), newest first."""
        return self.filter(object_repr=audit_ref(obj))


class AuditEntry(models.Model):
    """Append-only record of who did what (NEN 7513 style). participant_id and user_id are
    plain numbers on purpose: the trail outlives the records and accounts it describes.
    The database refuses updates, and deletes younger than five years (participants
    migrations 0005 and 0016); in production the app's role may only insert and read (grant_app_role).
    It holds ids, codes and fixed labels, never text a user typed (see log_action)."""

    class Result(models.TextChoices):
        ALLOWED = "allowed", _("allowed")
        DENIED = "denied", _("denied")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        null=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=50, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    participant_id = models.BigIntegerField(_("participant"), null=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.ALLOWED)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when the trail lived in `participants`: the
        # append-only triggers, the purge function and the app role's grants name it.
        db_table = "participants_auditentry"
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # An index, not db_index on the field: on SQLite, altering a field rebuilds the
        # table, and the rebuild would drop the append-only triggers.
        indexes = [
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["object_repr"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    @property
    def action_label(self) -> str:
        """The action in words ("Deelnemer: bekeken"), the code when it has none."""
        from django.apps import apps
        from django.utils.text import capfirst

        app, _dot, rest = self.action.partition(".")
        subject, _dot, verb = rest.rpartition(".")
        try:
            name = apps.get_model(app, subject)._meta.verbose_name
        except (LookupError, ValueError):
            name = AUDIT_SUBJECTS.get(subject)
        if name is None or verb not in AUDIT_VERBS:
            return self.action
        return f"{capfirst(name)}: {AUDIT_VERBS[verb]}"

    @property
    def role_label(self) -> str:
        from plp.roles import ROLE_LABELS

        return str(ROLE_LABELS.get(self.role, self.role))

    @property
    def record(self) -> str:
        """The record the entry is about, readable: `participants.reminder:12` shows as
        "Herinnering 12". Other values (entries from before ids were stored) show as kept;
        an entry about no record is named from its data where its app says how
        (`AUDIT_RECORD_NAMES`: the figure a trace showed)."""
        from django.apps import apps
        from django.utils.text import capfirst

        if not self.object_repr and self.action in AUDIT_RECORD_NAMES:
            return AUDIT_RECORD_NAMES[self.action](self.data)
        label, sep, pk = self.object_repr.rpartition(":")
        if not (sep and pk.isdigit()):
            return self.object_repr
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return self.object_repr
        return f"{capfirst(model._meta.verbose_name)} {pk}"


class StaffProfile(models.Model):
    """What PLP keeps about a staff account beyond Django's user: the work phone number a
    workplace mentor sees beside the coach's name on their page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    phone = models.CharField(_("work phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{_('Staff profile')} {self.user_id}"


def work_phone(user) -> str:
    """The user's work phone, or empty."""
    if user is None:
        return ""
    return StaffProfile.objects.filter(user=user).values_list("phone", flat=True).first() or ""


# Words for the audit trail's action codes (`<app>.<subject>.<verb>`) on the account and
# participant pages; a subject that is a model is named by the model, the others here.
# tests/test_audit_labels.py walks every action the code writes and checks it has words.
AUDIT_SUBJECTS = {
    "edition": _("report edition"),
    "catalogue": _("qualification catalogue"),
    "certificate": _("experience certificate"),
    "register": _("register"),
    "figure": _("figure"),
    "login": _("login"),
    "otp": _("two-step login"),
    "page": _("page"),
    "audit": _("audit trail"),
}
# How an entry about no record names what it concerns, per action, from its data: each
# app adds its own in AppConfig.ready() (plp knows no app above it).
AUDIT_RECORD_NAMES: dict[str, Callable[[dict], str]] = {}
AUDIT_VERBS = {
    "created": _("created"),
    "changed": _("changed"),
    "deleted": _("deleted"),
    "viewed": _("viewed"),
    "denied": _("refused"),
    "searched": _("searched"),
    "exported": _("exported"),
    "imported": _("imported"),
    "previewed": _("checked before import"),
    "mapped": _("values mapped"),
    "anonymised": _("anonymised"),
    "switched": _("switched"),
    "ended": _("ended"),
    "closed": _("closed"),
    "downloaded": _("downloaded"),
    "finalised": _("made final"),
    "copied": _("copied"),
    "traced": _("participants shown"),
    "pdf_requested": _("PDF requested"),
    "pdf_downloaded": _("PDF downloaded"),
    "json_downloaded": _("JSON downloaded"),
    "role_changed": _("role changed"),
    "failed": _("failed"),
    "locked_out": _("locked out"),
    "verified": _("verified"),
    "reset": _("reset"),
    "device_added": _("method added"),
    "device_removed": _("method removed"),
    "scrubbed": _("cleaned"),
    "sent": _("sent"),
    "settled": _("settled"),
    "invited": _("invited"),
    "uninvited": _("invitation withdrawn"),
    "recorded": _("recorded"),
    "opened": _("opened"),
    "submitted": _("submitted"),
    "refused": _("refused"),
    "revoked": _("revoked"),
    "throttled": _("refused: too many requests"),
    "mailed_link": _("link mailed"),
    "mailed_checkin": _("check-in question mailed"),
}
