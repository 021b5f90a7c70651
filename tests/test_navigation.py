"""One rule for `next`: only paths on this site, from every form that takes it."""

import pytest
from django.test import RequestFactory

from plp.navigation import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/deelnemers/vandaag/", "/deelnemers/vandaag/"),
        ("/deelnemers/?flag=signals&page=2", "/deelnemers/?flag=signals&page=2"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example/", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
        ("deelnemers/", "/fallback/"),
        ("", "/fallback/"),
    ],
)
def test_safe_next_takes_local_paths_only(target, expected):
    rf = RequestFactory()
    assert safe_next(rf.get("/", {"next": target}), "/fallback/") == expected
    assert safe_next(rf.post("/", {"next": target}), "/fallback/") == expected
