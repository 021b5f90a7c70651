"""Log filters: the workplace mentor's token never reaches a log line."""

import logging
import re

# The mentor's pages live under /leermeester/<token>/ (participants/mentor_urls.py).
MENTOR_PATH = re.compile(r"(/leermeester/)[^/\s?#'\"]+")
REDACTED = r"\1[link]"


def hide_token(text: str) -> str:
    """`text` with every mentor token in a path replaced by "[link]"."""
    return MENTOR_PATH.sub(REDACTED, text)


class HideMentorToken(logging.Filter):
    """Rewrites a record's message and arguments (Django's "Not Found: /path", the CSRF
    warnings, gunicorn-style arguments) and drops the request it carries, so no handler
    can print the token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = hide_token(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(hide_token(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: hide_token(v) if isinstance(v, str) else v for k, v in record.args.items()}
        request = getattr(record, "request", None)
        if request is not None and "/leermeester/" in getattr(request, "path", ""):
            record.request = None
        return True
