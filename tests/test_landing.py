"""Where each role starts: after login and at the site root, an administrator (accounts
only, no participant data) on the accounts list, everyone else on the caseload; the menu
offers an administrator no caseload."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from plp.roles import ADMINISTRATOR, COACH, COORDINATOR, PEER_EXPERT

from .factories import UserFactory

PASSWORD = "correct-horse-battery"
ACCOUNTS = reverse("participants:user-list")
CASELOAD = reverse("participants:caseload")
START = [(ADMINISTRATOR, ACCOUNTS), (COACH, CASELOAD), (PEER_EXPERT, CASELOAD), (COORDINATOR, CASELOAD)]


def log_in(client: Client, username: str, next_url: str = ""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD}, follow=True)


@pytest.mark.django_db
@pytest.mark.parametrize("role, start", START)
def test_login_lands_on_the_roles_start_page(client, role, start):
    UserFactory(username="u", role=role)
    response = log_in(client, "u")
    assert response.redirect_chain[-1][0] == start
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role, start", START)
def test_the_site_root_sends_each_role_to_its_start_page(client, role, start):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == start


@pytest.mark.django_db
def test_an_administrator_who_is_also_a_coach_starts_on_the_caseload(client):
    user = UserFactory(role=ADMINISTRATOR)
    user.groups.add(Group.objects.get(name=COACH))
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == CASELOAD


@pytest.mark.django_db
def test_login_keeps_a_safe_next_and_ignores_another_host(client):
    UserFactory(username="beheer", role=ADMINISTRATOR)
    today = reverse("participants:today")
    assert log_in(client, "beheer", today).redirect_chain[0][0] == today
    client.logout()
    response = log_in(client, "beheer", "https://evil.example/")
    assert [url for url, _ in response.redirect_chain] == [reverse("home"), ACCOUNTS]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ADMINISTRATOR, COACH, PEER_EXPERT, COORDINATOR])
def test_the_menu_offers_a_caseload_to_those_who_have_one(client, role):
    client.force_login(UserFactory(role=role))
    html = client.get(reverse("password_change")).content.decode()
    caseload_link = f'class="nav-link" href="{CASELOAD}"'
    today_link = f'class="nav-link" href="{reverse("participants:today")}"'
    has_caseload = role != ADMINISTRATOR
    assert (caseload_link in html) is has_caseload
    assert (today_link in html) is has_caseload
    assert (f'href="{ACCOUNTS}"' in html) is (role in (ADMINISTRATOR, COORDINATOR))
