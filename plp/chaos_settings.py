"""Settings for the servers plp.chaos starts: the production settings, except that static
files are not collected first (the scenarios never fetch them; collecting takes ~50 s),
and the restart scenario's control run switches CONN_HEALTH_CHECKS off."""

from .settings import *  # noqa: F403

if os.environ.get("CHAOS_CONN_HEALTH_CHECKS") == "false":  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
