"""Settings for the servers plp.chaos starts: the production settings, except that static
files are not collected first (the scenarios never fetch them; collecting takes ~50 s)."""

from .settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
