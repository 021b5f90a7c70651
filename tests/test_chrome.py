"""base.html through `{% chrome %}` (the page around each page, rendered once per language,
role and menu) gives the same HTML as base.html rendered in full on every request.

The reference, tests/base_before_chrome.html, is base.html as it was before the chrome
was kept: a change to the menu or head is made in templates/_chrome.html and there."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from plp.roles import ADMINISTRATOR, COACH, COORDINATOR, PEER_EXPERT
from plp.templatetags import plp_chrome

from .factories import UserFactory

REFERENCE = (Path(__file__).parent / "base_before_chrome.html").read_text()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def reference_templates() -> list[dict]:
    """The project's template settings with the reference as base.html."""
    engine = dict(django_settings.TEMPLATES[0], APP_DIRS=False)
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", {"base.html": REFERENCE}),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    return [engine]


def messages_cookie(*messages: Message) -> str:
    return CookieStorage(RequestFactory().get("/"))._encode(list(messages))


def get_both(client: Client, url: str, messages=()) -> tuple[str, str]:
    """The page with the chrome and with the reference base.html, CSRF tokens (random per
    request) set aside."""
    pages = []
    for templates in (django_settings.TEMPLATES, reference_templates()):
        if messages:
            client.cookies["messages"] = messages_cookie(*messages)
        with override_settings(TEMPLATES=templates):
            response = client.get(url)
        assert response.status_code == 200, url
        pages.append(CSRF.sub("CSRF", response.content.decode()))
    return pages[0], pages[1]


@pytest.mark.parametrize("role", [COACH, COORDINATOR, PEER_EXPERT, ADMINISTRATOR, None])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_pages_as_before(db, role, language):
    user = UserFactory(username=f"u-{role}", first_name='<b>"Ann" &', last_name="d'Arc</b>", role=role)
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    urls = [reverse("password_change_done"), reverse("password_change") + '?next=/<x>&q="y"']
    if role in (COACH, COORDINATOR, PEER_EXPERT):
        urls.append(reverse("participants:caseload") + "?q=<script>")
    for url in urls:
        new, old = get_both(client, url)
        assert new == old
        assert "&lt;b&gt;&quot;Ann&quot; &amp; d&#x27;Arc&lt;/b&gt;" in new
        assert new.count("CSRF") >= 2  # the language switch and log out


def test_name_without_full_name_and_messages(db):
    user = UserFactory(username="<i>nameless</i>", first_name="", last_name="", role=COACH)
    client = Client()
    client.force_login(user)
    messages = (Message(constants.SUCCESS, "Saved <b>x</b>"), Message(constants.ERROR, "Wrong & bad"))
    new, old = get_both(client, reverse("password_change_done"), messages)
    assert new == old
    assert "&lt;i&gt;nameless&lt;/i&gt;" in new
    assert "alert-danger" in new and "Saved &lt;b&gt;x&lt;/b&gt;" in new


def test_anonymous_pages_as_before(client):
    for url in (reverse("login"), reverse("login") + "?next=/deelnemers/"):
        new, old = get_both(client, url)
        assert new == old
        assert 'id="nav"' not in new


def test_each_user_and_role_gets_their_own(db):
    """The kept pieces hold nothing of one user: another name, role or language shows."""
    plp_chrome._kept.clear()
    pages = {}
    for name, role, language in [
        ("anna", COACH, "nl"),
        ("bram", COACH, "nl"),
        ("carla", COORDINATOR, "nl"),
        ("dirk", COACH, "en"),
    ]:
        user = UserFactory(username=name, first_name=name.title(), last_name="X", role=role)
        client = Client()
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(user)
        pages[name] = client.get(reverse("password_change_done")).content.decode()
    assert "Anna X" in pages["anna"] and "Anna" not in pages["bram"] and "Bram X" in pages["bram"]
    assert "Mijn deelnemers" in pages["bram"] and "Beheer" not in pages["bram"]
    assert "Beheer" in pages["carla"]
    assert "My participants" in pages["dirk"] and 'lang="en"' in pages["dirk"]
    assert len(plp_chrome._kept) == 3  # coach nl (twice), coordinator nl, coach en


def test_a_changed_stand_in_is_refused(db, settings):
    """A skeleton that changes a stand-in (a filter on it) fails loudly."""
    from django.template import TemplateSyntaxError

    engine = dict(settings.TEMPLATES[0], APP_DIRS=False)
    skeleton = "<title>{{ title|upper }}</title>{{ main }}"
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", {"_chrome.html": skeleton}),
            "django.template.loaders.filesystem.Loader",
        ],
    }
    settings.TEMPLATES = [engine]
    user = UserFactory(username="erik", role=COACH)
    client = Client(raise_request_exception=True)
    client.force_login(user)
    with pytest.raises(TemplateSyntaxError):
        client.get(reverse("password_change_done"))
