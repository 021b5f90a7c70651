"""Special category data (health, debts, home situation) reaches only those who
`may_see_sensitive`, on every page, and reading it is audited.

Nothing here lists the sensitive pages by hand: every free-text field classified special
in `privacy.PERSONAL_DATA` gets a canary value, and every page of the permission matrix
is opened as the assigned coach and as a peer expert who shares the caseload. A page
that shows a canary to the coach shows special data, so the peer must get 403 or 404
there, and the coach's visit must be in the audit trail. A new special field, form or
page is covered without touching this file."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from participants.models import FollowUp, Intake, ReEntry
from participants.privacy import PERSONAL_DATA
from plp.models import AuditEntry
from tests.test_security import KINDS, POST_ONLY, named_urls, url_for, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
D = datetime.date
CANARY = "CANARY"
# Pages that show each user what that user may see (the participant page leaves the
# special data out for a peer expert, "Vandaag" lists the user's own reminders): a peer
# gets them, without any special value; the learning page shows a peer the goals and
# steps, not the observations' text).
PER_USER_PAGES = {"participants:participant-detail", "participants:today", "participants:learning"}


def special_text_fields() -> dict[str, list[str]]:
    """Per model label, its free-text fields classified special."""
    fields = {}
    for label, classified in PERSONAL_DATA.items():
        model = apps.get_model(label)
        names = [
            name
            for name, field in classified.items()
            if field.special
            and isinstance(model._meta.get_field(name), (models.CharField, models.TextField))
            and not model._meta.get_field(name).choices
        ]
        if names:
            fields[label] = names
    return fields


def canary(label: str, name: str) -> str:
    return f"{CANARY}-{label.split('.')[1]}-{name}"


@pytest.fixture
def filled(world):  # noqa: F811 - the fixture imported above
    """The permission matrix's world with a record of every model that holds special
    free text, each such field holding its canary."""
    users, p, records, *_ = world
    outflowed = records["outflow"].participant
    records["intake"] = Intake.objects.create(participant=p, date=D(2024, 1, 10))
    FollowUp.objects.create(
        participant=outflowed,
        outflow=records["outflow"],
        months=6,
        answered_on=D(2024, 12, 1),
        still_active=True,
    )
    ReEntry.objects.create(participant=outflowed, date=D(2024, 9, 1), reason="x")
    for label, names in special_text_fields().items():
        model = apps.get_model(label)
        assert model.objects.exists(), f"add a {label} to the world of this test"
        model.objects.update(**{name: canary(label, name) for name in names})
    return world


def visit(user, url) -> tuple[int, str, list[AuditEntry]]:
    client = Client()
    client.force_login(user)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode(errors="replace"), list(AuditEntry.objects.filter(pk__gt=before))


def test_special_data_only_for_those_who_may_see_it_and_its_reading_is_audited(filled):
    users, p, records, *_ = filled
    names = dict(named_urls())
    special_models = {apps.get_model(label) for label in special_text_fields()}
    failures, seen = [], set()
    for name in sorted(set(KINDS) - POST_ONLY):
        url = url_for(name, names[name], filled)
        status, html, audit = visit(users["coach"], url)
        shown = CANARY in html
        if shown:
            seen.add(name)
            viewed = [a for a in audit if a.action.endswith(".viewed") and a.participant_id]
            if name != "participants:today" and not viewed:
                failures.append(f"{url}: shows special data to the coach without a view audit entry")
        peer_status, peer_html, _audit = visit(users["peer"], url)
        if CANARY in peer_html:
            failures.append(f"{url}: a peer expert sees special data")
        if shown and name not in PER_USER_PAGES and peer_status not in (403, 404):
            failures.append(f"{url}: a peer expert gets {peer_status}, expected 403 or 404")
        # An edit page of a record with special fields shows them.
        record = records.get(name.split(":")[1].removesuffix("-edit")) if name.endswith("-edit") else None
        if type(record) in special_models and not shown:
            failures.append(f"{url}: the coach does not see the record's special data (test broken?)")
    assert not failures, "\n".join(failures)
    assert {"participants:trajectory-edit", "participants:placement-edit", "participants:intake-edit"} <= seen
    for entry in AuditEntry.objects.filter(action__endswith=".viewed"):
        assert CANARY not in f"{entry.object_repr} {entry.data}", entry.action


def test_opening_a_record_with_special_data_is_audited_with_ids_only(filled):
    users, p, records, *_ = filled
    for key in ("trajectory", "placement", "entry", "pause", "dropout", "reminder"):
        record = records[key]
        url = url_for(f"participants:{key}-edit", "<id:pk>/x/<id:record_pk>/", filled)
        status, _html, audit = visit(users["coach"], url)
        assert status == 200
        (entry,) = audit
        assert (entry.action, entry.participant_id, entry.data, entry.object_repr) == (
            f"participants.{record._meta.model_name}.viewed",
            p.pk,
            {"id": record.pk},
            "",
        )
    status, _html, audit = visit(
        users["coordinator"], url_for("participants:intake-edit", "<id:pk>/", filled)
    )
    assert [(a.action, a.data) for a in audit] == [
        ("participants.intake.viewed", {"id": records["intake"].pk})
    ]


def test_peer_expert_cannot_read_trajectory_or_placement_notes(filled):
    users, p, records, *_ = filled
    for key in ("trajectory", "placement"):
        url = url_for(f"participants:{key}-edit", "<id:pk>/x/<id:record_pk>/", filled)
        status, html, audit = visit(users["peer"], url)
        assert status == 404 and CANARY not in html
        assert [a.action for a in audit] == ["participants.participant.denied"]
        client = Client()
        client.force_login(users["peer"])
        assert client.post(url, {"notes": "overschreven"}).status_code == 404
        records[key].refresh_from_db()
        assert records[key].notes.startswith(CANARY)
        # Starting a new one stays open to them.
        status, _html, _audit = visit(
            users["peer"], url_for(f"participants:{key}-create", "<id:pk>/", filled)
        )
        assert status == 200
