"""Addresses of the participant page's links: each URL pattern reversed once per URL
name, language, script prefix and URL conf with stand-in ids, then filled in per link
(`reverse()` cost ~25 us a link; a page has thirty)."""

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from .prepared import ANY_PK

_SPLIT: dict[tuple, list[str] | None] = {}
_MAX_SPLIT = 512


def address(name: str, *ids: int) -> str:
    """`reverse(name, args=ids)` for integer ids, the pattern reversed once."""
    key = (name, len(ids), get_language(), get_script_prefix(), get_urlconf())
    parts = _SPLIT.get(key, False)
    if parts is False:
        stand_ins = [str(ANY_PK + i) for i in range(len(ids))]
        text = reverse(name, args=[int(s) for s in stand_ins])
        parts = []
        for stand_in in stand_ins:
            head, found, text = text.partition(stand_in)
            if not found or stand_in in text:
                parts = None  # not once each: reverse every time
                break
            parts.append(head)
        if parts is not None:
            parts.append(text)
        if len(_SPLIT) >= _MAX_SPLIT:
            _SPLIT.clear()
        _SPLIT[key] = parts
    if parts is None:
        return reverse(name, args=list(ids))
    return "".join(part + str(int(i)) for part, i in zip(parts, ids, strict=False)) + parts[-1]
