"""Error pages in the app's layout, Dutch by default, with a way back; the 500 page
renders without a database and without a request context. Checked with DEBUG off (the
test settings)."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template import loader
from django.test import Client
from django.urls import path
from django.utils import translation


def _raise(error):
    def view(request):
        raise error

    return view


def _crash(request):
    raise ZeroDivisionError


urlpatterns = [
    path("kapot/403/", _raise(PermissionDenied())),
    path("kapot/400/", _raise(SuspiciousOperation("bad"))),
    path("kapot/500/", _crash),
]


@pytest.fixture
def broken_urls(settings):
    from plp import urls

    settings.ROOT_URLCONF = type("Urls", (), {"urlpatterns": urlpatterns + urls.urlpatterns})
    return settings


def test_debug_is_off_in_tests():
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_404_is_dutch_in_the_layout_with_a_way_back(coach_client):
    response = coach_client.get("/deelnemers/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in html and 'href="/"' in html and "bootstrap" in html
    coach_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "This page does not exist" in coach_client.get("/bestaat-niet/").content.decode()


@pytest.mark.django_db
def test_403_and_400_are_dutch(coach_client, broken_urls):
    response = coach_client.get("/kapot/403/")
    assert response.status_code == 403 and "U hebt geen toegang tot deze pagina" in response.content.decode()
    response = coach_client.get("/kapot/400/")
    assert response.status_code == 400 and "Dit verzoek kon niet worden verwerkt" in response.content.decode()


@pytest.mark.django_db
def test_500_is_dutch(coach, broken_urls):
    client = Client(raise_request_exception=False)
    client.force_login(coach)
    response = client.get("/kapot/500/")
    assert response.status_code == 500 and "Er ging bij ons iets mis" in response.content.decode()


def test_the_500_page_renders_without_a_database_or_request_context():
    """No django_db mark: pytest-django fails any database access here. Django renders
    the 500 page with no context at all; so does this test."""
    with translation.override("nl"):
        html = loader.get_template("500.html").render()
    assert "Er ging bij ons iets mis" in html and "Terug naar de startpagina" in html


@pytest.mark.django_db
def test_an_expired_form_gets_the_apps_own_page(coach):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach)
    response = client.post("/deelnemers/nieuw/", {"first_name": "Getypt"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Dit formulier kon niet worden opgeslagen" in html and "Terug naar de startpagina" in html
