"""The client address behind a proxy (one helper for axes and the audit trail), lockouts
by user name and address together, and failed logins in the audit trail."""

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from plp.login_audit import name_fingerprint
from plp.models import AuditEntry
from plp.roles import COACH, COORDINATOR
from plp.security import client_ip
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
PROXY = "127.0.0.1"


@pytest.fixture
def behind_one_proxy(settings):
    settings.PLP_PROXY_COUNT = 1
    settings.PLP_TRUSTED_PROXIES = []


def via_proxy(client_sent: str | None, real: str) -> dict:
    """The request as nginx passes it on: it appends the address it saw to whatever
    X-Forwarded-For the client sent (`$proxy_add_x_forwarded_for`)."""
    chain = f"{client_sent}, {real}" if client_sent else real
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def resolve(**meta) -> str | None:
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("proxies", "trusted", "meta", "expected"),
    [
        # No proxy: the header is the client's own and never counts.
        (0, [], {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "203.0.113.7"),
        (1, [], via_proxy(None, "203.0.113.7"), "203.0.113.7"),
        # A forged left-most address does not count; the one the proxy added does.
        (1, [], via_proxy("6.6.6.6", "203.0.113.7"), "203.0.113.7"),
        (1, [], via_proxy("6.6.6.6, 7.7.7.7", "203.0.113.7"), "203.0.113.7"),
        # An unclosed quote in the forged part cannot hide the real address.
        (1, [], via_proxy('"6.6.6.6', "203.0.113.7"), "203.0.113.7"),
        (1, [], via_proxy(None, "2001:db8::5"), "2001:db8::5"),
        # Two proxies (a load balancer before nginx): the second entry from the right.
        (
            2,
            [],
            {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7, 10.0.0.2"},
            "203.0.113.7",
        ),
        # No header (a request that did not pass the proxy): the peer's address.
        (1, [], {"REMOTE_ADDR": "10.9.9.9"}, "10.9.9.9"),
        # Trusted proxies: the header counts only on requests from them.
        (1, ["127.0.0.1/8"], via_proxy("6.6.6.6", "203.0.113.7"), "203.0.113.7"),
        (1, ["10.0.0.1"], via_proxy("6.6.6.6", "203.0.113.7"), PROXY),
    ],
)
def test_client_address(settings, proxies, trusted, meta, expected):
    settings.PLP_PROXY_COUNT = proxies
    settings.PLP_TRUSTED_PROXIES = trusted
    assert resolve(**meta) == expected


def test_audit_rows_record_the_client_not_the_proxy(behind_one_proxy, client):
    coach = UserFactory(username="alice", role=COACH)
    participant = ParticipantFactory(coach=coach)
    client.force_login(coach)
    client.get(participant.get_absolute_url(), **via_proxy("6.6.6.6", "203.0.113.7"))
    assert AuditEntry.objects.get(action="participants.participant.viewed").ip == "203.0.113.7"


def login(client: Client, username: str, password: str, real: str, forged: str | None = None):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **via_proxy(forged, real)
    )


def test_one_attacker_cannot_lock_out_the_office(behind_one_proxy):
    UserFactory(username="alice", role=COACH)
    UserFactory(username="charlie", role=COORDINATOR)
    attacker = Client()
    for i in range(5):
        # A new forged address each time changes nothing: the proxy's entry counts.
        login(attacker, "alice", "wrong", real="203.0.113.66", forged=f"6.6.6.{i}")
    assert login(attacker, "alice", PASSWORD, real="203.0.113.66", forged="1.2.3.4").status_code == 429
    # Alice from her own address, and a colleague from the attacker's, still log in.
    assert login(Client(), "alice", PASSWORD, real="198.51.100.7").status_code == 302
    assert login(Client(), "charlie", PASSWORD, real="203.0.113.66").status_code == 302


def test_failed_logins_and_lockouts_are_audited_without_the_name_typed(behind_one_proxy):
    alice = UserFactory(username="alice", role=COACH)
    attacker = Client()
    login(attacker, "Sanne.Jansen@example.org", "wrong", real="203.0.113.66", forged="6.6.6.6")
    unknown = AuditEntry.objects.get(action="auth.login.failed")
    assert (unknown.user_id, unknown.username, unknown.result, unknown.ip) == (
        None,
        "",
        "denied",
        "203.0.113.66",
    )
    assert unknown.data["name_hash"] == name_fingerprint("Sanne.Jansen@example.org")["name_hash"]
    assert unknown.data["name_length"] == len("Sanne.Jansen@example.org")
    for _ in range(5):
        login(attacker, "alice", "wrong", real="203.0.113.66")
    failed = AuditEntry.objects.filter(action="auth.login.failed", user_id=alice.pk)
    assert failed.count() == 5
    assert {e.ip for e in failed} == {"203.0.113.66"}
    assert "name_hash" not in failed.first().data
    assert AuditEntry.objects.filter(action="auth.login.locked_out", user_id=alice.pk).exists()
    for entry in AuditEntry.objects.all():
        row = json.dumps([entry.username, entry.object_repr, entry.data]).lower()
        assert "sanne" not in row and "jansen" not in row and "wrong" not in row


def test_coordinators_see_failed_logins(behind_one_proxy, client):
    alice = UserFactory(username="alice", role=COACH)
    coordinator = UserFactory(username="charlie", role=COORDINATOR)
    login(Client(), "alice", "wrong", real="203.0.113.66")
    login(Client(), "nobody-here", "wrong", real="203.0.113.67")
    client.force_login(coordinator)
    page = client.get(reverse("participants:failed-logins")).content.decode()
    code = name_fingerprint("nobody-here")["name_hash"]
    assert reverse("participants:user-edit", args=[alice.pk]) in page
    assert "203.0.113.66" in page and "203.0.113.67" in page
    assert code in page and "nobody-here" not in page
    # The account page lists them too.
    account = client.get(reverse("participants:user-edit", args=[alice.pk])).content.decode()
    assert "Aanmelding: mislukt" in account and "203.0.113.66" in account
    client.force_login(alice)
    assert client.get(reverse("participants:failed-logins")).status_code == 403
