"""Django's escaping and date filters for HTML written in Python (the timeline, the goals
matrix): the same output, without the per-call wrappers that make them cost microseconds
each (`keep_lazy` checks every argument; `date_format` parses its format per date).
tests/participants/test_html_parts.py holds each to the Django function it stands for."""

import datetime
import html

from django.utils.formats import date_format, get_format
from django.utils.functional import Promise
from django.utils.safestring import SafeData


def esc(text) -> str:
    """`django.utils.html.conditional_escape`, as a plain str."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def linebreaks_br(value) -> str:
    """The `linebreaksbr` filter (escaping on): newlines as `<br>`, text escaped unless
    it is marked safe."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if not isinstance(value, SafeData):
        text = html.escape(text)
    return text.replace("\n", "<br>")


# Django's format characters that we write ourselves; any other letter goes to date_format.
_PARTS = {
    "d": lambda d: f"{d.day:02d}",
    "j": lambda d: str(d.day),
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "y": lambda d: f"{d.year % 100:02d}",
    "Y": lambda d: f"{d.year:04d}",
}


def date_formatter(name: str = "SHORT_DATE_FORMAT"):
    """A function formatting a date as `date_format(value, name)` does in the active
    language, with the format looked up once (call it once per page)."""
    fmt = get_format(name)
    if not isinstance(fmt, str) or any(
        c == "\\" or (c.isalpha() and c not in _PARTS) or not c.isascii() for c in fmt
    ):
        return lambda value: date_format(value, name)
    parts = [(_PARTS.get(c), c) for c in fmt]

    def formatted(value: datetime.date) -> str:
        return "".join(f(value) if f else c for f, c in parts)

    return formatted
