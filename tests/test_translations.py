"""Every user-facing string has a Dutch translation, and the compiled catalogue is current."""

import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "nl" / "LC_MESSAGES"


def po_entries(text: str):
    """(msgid, msgstr values, flags) of every active entry of a .po file."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        joined = "\n".join(line for line in lines if not line.startswith("#"))
        msgid = "".join(re.findall(r'"(.*)"', joined.split("msgid_plural")[0].split("msgstr")[0]))
        msgstrs = [
            "".join(re.findall(r'"(.*)"', part)) for part in re.split(r"msgstr(?:\[\d\])? ", joined)[1:]
        ]
        yield msgid, msgstrs, flags


def test_every_message_has_a_dutch_translation():
    text = (LOCALE / "django.po").read_text()
    missing = [
        msgid
        for msgid, msgstrs, flags in po_entries(text)
        if msgid and (not all(msgstrs) or "fuzzy" in flags)
    ]
    assert not missing, f"untranslated or fuzzy: {missing[:10]}"


def test_compiled_catalogue_is_up_to_date():
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    assert mo.stat().st_size > 1000
    import gettext

    catalogue = gettext.GNUTranslations(mo.open("rb"))
    for msgid, msgstrs, _flags in po_entries(po.read_text()):
        if msgid and len(msgstrs) == 1 and "\\" not in msgid:
            assert catalogue.gettext(msgid) == msgstrs[0], f"run compilemessages: {msgid!r}"


def test_no_message_is_defined_twice():
    """Branches append their entries and merge by union: a msgid may then come twice,
    which compilemessages refuses."""
    from collections import Counter

    text = (LOCALE / "django.po").read_text()
    ids = Counter(msgid for msgid, _s, _f in po_entries(text) if msgid)
    # msgfmt counts obsolete (#~) entries too.
    ids.update(re.findall(r'^#~ msgid "(.+)"$', text, flags=re.M))
    assert not [msgid for msgid, n in ids.items() if n > 1]
