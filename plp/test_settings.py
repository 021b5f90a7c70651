"""Settings for the test suite: production settings with a throwaway key, fast hashing,
no HTTPS redirect (the test client speaks plain HTTP)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Two-factor login is tested on its own (tests/test_security.py); elsewhere a
# force_login'd user would only see the 2FA page.
PLP_REQUIRE_2FA = False

import tempfile  # noqa: E402

PLP_PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="plp-test-documents-"))  # noqa: F405

# Tasks run inline in tests; tests/reporting/test_pdf_jobs.py also drives the database
# backend and its worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "plp.sqlite_backend":  # noqa: F405
    # In memory, one database per process (each pytest-xdist worker too), as Django does by
    # default. Said outright: pytest-django takes only Django's own engine name for SQLite
    # and would otherwise name each worker's database after the path of db.sqlite3.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"  # noqa: F405
