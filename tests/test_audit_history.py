"""The participant page's access history and the account page's activity show the newest
entries and say so when there are older ones."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from plp.audit import log_actions
from plp.models import AuditEntry
from plp.roles import COACH
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MORE = "Only the newest %(shown)s entries are shown; there are older ones."


def more_note(shown: int) -> str:
    with translation.override("nl"):  # the pages' language
        return gettext(MORE) % {"shown": shown}


def _entries(by, n: int, **kwargs) -> None:
    log_actions(by=by, entries=[{"action": "participants.participant.viewed", **kwargs}] * n)


@pytest.mark.parametrize(("before", "more"), [(49, False), (50, True)])
def test_access_history_says_when_older_entries_are_left_out(coordinator_client, participant, before, more):
    """The page's own visit is the last entry: 49 + 1 fit in the 50 shown, 50 + 1 do not."""
    _entries(UserFactory(role=COACH), before, participant=participant.pk)
    html = coordinator_client.get(participant.get_absolute_url()).content.decode()
    history = html.split('<details class="mt-4">')[1].split("</details>")[0]
    assert history.count("<tr><td>") == 50
    assert (more_note(50) in history) is more


@pytest.mark.parametrize(("entries", "more"), [(100, False), (101, True)])
def test_account_activity_says_when_older_entries_are_left_out(coordinator_client, entries, more):
    account = UserFactory(role=COACH)
    _entries(account, entries)
    assert AuditEntry.objects.filter(user=account).count() == entries
    html = coordinator_client.get(reverse("participants:user-edit", args=[account.pk])).content.decode()
    assert html.count("<tr><td>") == 100
    assert (more_note(100) in html) is more
