"""The audit trail: `log_action` appends who did what to which record, from which address,
allowed or denied. Every part of PLP writes through it (participants, reporting,
accounts, roles); the table is `plp.models.AuditEntry`."""

from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .bulk_insert import insert_rows
from .models import AuditEntry, audit_ref
from .roles import role_of
from .security import current_ip

__all__ = ["AUDIT_YEARS", "audit_purge", "audit_ref", "log_action", "log_actions", "search_fingerprint"]


def log_action(
    *,
    by,
    action: str,
    participant=None,
    obj=None,
    data=None,
    result: str = AuditEntry.Result.ALLOWED,
) -> AuditEntry:
    """Append an audit entry, e.g. action `participants.placement.created`: who, in which
    role, from which address, about which participant, allowed or denied.

    The trail can never be changed, so it holds ids, codes and fixed labels only, never
    text a user typed (names, titles, notes, search terms): anonymising a file must leave
    nothing behind in it. A model instance `obj` is stored as its model label and id
    (`participants.reminder:12`, see `AuditEntry.record`), never as `str(obj)`; a string
    `obj` and `data` must be codes and ids chosen by the caller."""
    user = by if by is not None and by.is_authenticated else None
    entry = AuditEntry(
        user=user,
        username=getattr(by, "username", "") or "",
        role=role_of(user) if user else "",
        action=action,
        participant_id=getattr(participant, "pk", participant),
        object_repr=audit_ref(obj),
        result=result,
        ip=current_ip.get(),
        data=data or {},
    )
    _insert(entry)
    return entry


# Every column but the id, and the INSERT per database (made once).
_FIELDS = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
_INSERTS: dict[str, tuple[str, bool]] = {}


def _insert(entry: AuditEntry) -> None:
    """Write `entry` as `save()` would, in one plain INSERT: the same values prepared by
    the same fields (tests/participants/test_audit_insert.py compares the rows), without the model
    save machinery's work per call (a page view writes one entry)."""
    found = _INSERTS.get(connection.vendor)
    if found is None:
        quote, returning = connection.ops.quote_name, connection.features.can_return_columns_from_insert
        sql = "INSERT INTO {} ({}) VALUES ({}){}".format(  # noqa: S608 - names from the model
            quote(AuditEntry._meta.db_table),
            ", ".join(quote(f.column) for f in _FIELDS),
            ", ".join(["%s"] * len(_FIELDS)),
            f" RETURNING {quote(AuditEntry._meta.pk.column)}" if returning else "",
        )
        found = _INSERTS[connection.vendor] = (sql, returning)
    sql, returning = found
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in _FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        entry.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    entry._state.adding = False
    entry._state.db = connection.alias


# The columns `log_actions` writes, in the order of its rows.
BULK_FIELDS = "at user_id username role ip action participant_id object_repr result data".split()


def log_actions(*, by, entries: list[dict]) -> None:
    """Append many entries at once (an import of thousands of rows), each a dict of
    `log_action`'s keyword arguments but `by`: the same rules, written as rows without
    a model instance each (`plp.bulk_insert`)."""
    user = by if by is not None and by.is_authenticated else None
    common = (
        timezone.now(),
        getattr(user, "pk", None),
        getattr(by, "username", "") or "",
        role_of(user) if user else "",
        current_ip.get(),
    )
    insert_rows(
        AuditEntry,
        BULK_FIELDS,
        [
            (
                *common,
                e["action"],
                getattr(e.get("participant"), "pk", e.get("participant")),
                audit_ref(e.get("obj")),
                e.get("result", AuditEntry.Result.ALLOWED),
                e.get("data") or {},
            )
            for e in entries
        ],
    )


def keyed_hash(purpose: str, text: str) -> str:
    """A short hash of `text` keyed with the secret key: the same text gives the same hash,
    so an investigation can match a known value without the trail holding it."""
    return salted_hmac(purpose, text, algorithm="sha256").hexdigest()[:16]


def search_fingerprint(q: str) -> dict:
    """What the trail keeps of a search: its length, word count and a keyed hash (the
    same words give the same hash, so an investigation can match a known term without
    the trail holding names)."""
    words = q.lower().split()
    digest = keyed_hash("plp.audit.search", " ".join(words))
    return {"q_length": len(q), "q_words": len(words), "q_hash": digest} if q else {}


AUDIT_YEARS = 5


def audit_purge() -> int:
    """Delete audit entries older than five years (the database refuses younger ones).
    On PostgreSQL through `plp_audit_purge()` (migration 0016): the app's role may not
    delete from the trail itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT plp_audit_purge()")
            return cursor.fetchone()[0]
    now = timezone.now()
    try:
        cutoff = now.replace(year=now.year - AUDIT_YEARS)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - AUDIT_YEARS, day=28)
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
