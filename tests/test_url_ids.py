"""An id in an address that no database row can have (past the 64-bit id columns) is a
404 on every page that takes one, for every role: never a server error, and no audit
entry that cannot be written."""

import re

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.test_security import named_urls

TOO_BIG = 2**63  # one past the largest bigint
pytestmark = pytest.mark.django_db


def _fill(route, number):
    """The route with every id filled with number (and a kind where one is asked)."""
    route = re.sub(r"<str:kind>", "organisation", route)
    route = re.sub(r"<int:months>", "6", route)
    return "/" + re.sub(r"<(?:int|id):\w+>", str(number), route)


def _prefixed(name, route):
    prefix = {"participants": "deelnemers/", "reporting": "rapportage/", "otp_webauthn": "login/passkey/"}
    return prefix.get(name.split(":")[0], "") + route


def test_every_id_route_answers_404_to_an_impossible_id():
    routes = [(n, r) for n, r in named_urls() if re.search(r"<(?:int|id):(?!months)\w+>", r)]
    assert len(routes) > 40
    failures = []
    for role in ("coach", "coordinator"):
        client = Client(raise_request_exception=False)
        client.force_login(UserFactory(role=role, username=f"u-{role}"))
        for name, route in routes:
            url = _fill(_prefixed(name, route), TOO_BIG)
            status = client.get(url).status_code
            if status != 404:
                failures.append(f"{role} {name} {url}: {status}")
    assert not failures, "\n".join(failures)


def test_the_largest_possible_id_is_still_looked_up():
    """2**63 - 1 is a valid id that does not exist: the page says so (404) as for any
    missing file."""
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role="coordinator"))
    assert client.get(f"/deelnemers/{2**63 - 1}/").status_code == 404


def test_new_routes_take_ids_with_the_id_converter():
    """`<int:…>` is left only for small numbers a view checks itself (months)."""
    assert [r for _n, r in named_urls() if re.search(r"<int:(?!months>)", r)] == []
