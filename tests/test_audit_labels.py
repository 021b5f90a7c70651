"""Every action the code writes to the audit trail reads as words on the account and
participant pages, never as its code (`reporting.edition.pdf_downloaded`)."""

import importlib.util
import itertools
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from plp.audit import log_action
from plp.models import AuditEntry
from plp.roles import COACH
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
APPS = ("participants", "reporting", "plp")

# A string literal `<app>.<subject>.<verb>`, plain or f-string, with `{...}` parts allowed.
LITERAL = re.compile(r"""f?(["'])((?:auth|participants|reporting|plp)\.[\w{}.' ()]+)\1""")

# What an f-string's `{...}` part in an action can be; a new placeholder must be added here.
VERBS = ["created", "changed", "deleted", "viewed"]
PLACEHOLDERS = {
    "{'created' if adding else 'changed'}": ["created", "changed"],
    "{verb}": VERBS,
    "{template}": ["link", "checkin"],  # participants.services.mentor.SUBJECTS
}
MODEL_NAME = re.compile(r"\{\w+\._meta\.model_name\}")


def written_actions() -> set[str]:
    """The action codes found in the source, f-string parts expanded to their values."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for match in LITERAL.finditer(path.read_text()):
                found.update(_expand(match.group(2)))
    return found


def _expand(text: str) -> list[str]:
    app, subject, verb = _split(text)
    if app is None:
        return []
    if subject == "migrations" or (app == "plp" and importlib.util.find_spec(f"plp.{subject}")):
        return []  # a migration, a dotted path or a hash's purpose (`plp.audit.search`)
    if MODEL_NAME.fullmatch(subject):
        subjects = [m._meta.model_name for m in apps.get_app_config(app).get_models()]
    else:
        subjects = [subject]
    verbs = [verb]
    for placeholder, values in PLACEHOLDERS.items():
        if placeholder in verb:
            verbs = [verb.replace(placeholder, v) for v in values]
    if any("{" in part for part in [*subjects, *verbs]):
        raise AssertionError(f"say in PLACEHOLDERS what {text!r} can be")
    return [f"{app}.{s}.{v}" for s, v in itertools.product(subjects, verbs)]


def _split(text: str):
    """`app.subject.verb`, a `{...}` part kept whole; (None, None, None) for other strings."""
    parts = re.findall(r"(?:\{[^}]*\}|[^.{])+", text)
    return tuple(parts) if len(parts) == 3 else (None, None, None)


def test_the_walk_finds_the_actions_the_code_writes():
    actions = written_actions()
    for action in (
        "reporting.edition.pdf_downloaded",
        "reporting.edition.created",
        "participants.mentorlink.mailed_checkin",
        "participants.placement.created",
        "participants.audit.scrubbed",
        "auth.user.role_changed",
        "plp.page.denied",
        "reporting.figure.traced",
    ):
        assert action in actions
    assert "plp.audit.search" not in actions
    assert "plp.errors.csrf_failure" not in actions


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_action_the_code_writes_has_words(language):
    with translation.override(language):
        unlabelled = sorted(a for a in written_actions() if AuditEntry(action=a).action_label == a)
    assert unlabelled == []


def test_report_actions_read_as_words():
    with translation.override("en"):
        assert (
            AuditEntry(action="reporting.edition.pdf_downloaded").action_label
            == "Report edition: PDF downloaded"
        )
        assert AuditEntry(action="reporting.edition.finalised").action_label == "Report edition: made final"


@pytest.mark.django_db
def test_figure_trace_names_the_figure_it_concerns(coordinator, coordinator_client):
    """The trace writes the figure's code in its data; the account page names it."""
    coordinator_client.get(
        reverse("reporting:trace"), {"figure": "uitval", "from": "2025-01-01", "to": "2025-12-31"}
    )
    entry = AuditEntry.objects.get(action="reporting.figure.traced")
    with translation.override("en"):
        assert entry.record == "Dropout"
        assert AuditEntry(action="reporting.figure.traced", data={"figure": "gone"}).record == "gone"
        by_reason = AuditEntry(
            action="reporting.figure.traced", data={"figure": "uitval_per_reden", "key": "x"}
        )
        with CaptureQueriesContext(connection) as queries:
            assert by_reason.record == "Dropout: x"
        assert len(queries) == 0  # named without reading the reasons, entry by entry
    response = coordinator_client.get(reverse("participants:user-edit", args=[coordinator.pk]))
    with translation.override("nl"):  # the page's language
        assert f"<td>{entry.record}</td>" in response.text


@pytest.mark.django_db
def test_account_page_shows_report_actions_in_words(coordinator, coordinator_client):
    other = UserFactory(role=COACH)
    log_action(by=other, action="reporting.edition.json_downloaded")
    response = coordinator_client.get(reverse("participants:user-edit", args=[other.pk]))
    with translation.override("nl"):  # the page's language
        label = AuditEntry(action="reporting.edition.json_downloaded").action_label
    assert f"<td>{label}</td>" in response.text
    assert "reporting.edition" not in response.text
