"""participants/html_parts.py against the Django functions each stands for."""

import datetime

import pytest
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from participants.html_parts import date_formatter, esc, linebreaks_br

TEXTS = [
    "",
    "plain",
    "<script>alert('x')</script> & \"q\"",
    "a\r\nb\rc\nd\n\r",
    mark_safe("<b>safe</b>\nline"),
    gettext_lazy("Reminder"),
    12,
    None,
    datetime.date(2024, 2, 29),
]


@pytest.mark.parametrize("text", TEXTS, ids=repr)
def test_escaping_and_line_breaks_as_django(text):
    assert esc(text) == conditional_escape(text)
    if text is not None:
        assert linebreaks_br(text) == linebreaksbr(text)


DATES = [datetime.date(y, m, d) for y, m, d in ((2024, 2, 29), (1999, 12, 31), (5, 1, 9), (2026, 10, 1))]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "name", ["SHORT_DATE_FORMAT", "DATE_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"]
)
def test_dates_as_date_format(settings, language, name):
    with override(language):
        formatted = date_formatter(name)
        for day in DATES:
            assert formatted(day) == date_format(day, name), (name, day)


@pytest.mark.parametrize("fmt", ["d-m-Y", "j/n/y", "Y.m.d", "d M Y", r"\d\a\y d", "jS F", "d–m–Y"])
def test_any_format_string(settings, fmt):
    settings.SHORT_DATE_FORMAT = fmt
    with override(None):
        formatted = date_formatter("SHORT_DATE_FORMAT")
        for day in DATES:
            assert formatted(day) == date_format(day, "SHORT_DATE_FORMAT"), fmt


def test_the_fast_path_is_taken_for_simple_formats(settings):
    settings.SHORT_DATE_FORMAT = "d-m-Y"
    with override(None):
        assert date_formatter("SHORT_DATE_FORMAT").__name__ == "formatted"
        settings.SHORT_DATE_FORMAT = "d M Y"
        assert date_formatter("SHORT_DATE_FORMAT").__name__ == "<lambda>"
