"""The Dutch interface addresses the user formally ("u"), everywhere."""

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_no_translation_says_je_or_jouw():
    text = PO.read_text(encoding="utf-8")
    informal = []
    for block in re.finditer(r'^msgstr(?:\[\d\])? ((?:".*"\n)+)', text, re.M):
        translation = "".join(re.findall(r'"(.*)"', block.group(1)))
        if re.search(r"\b(je|jouw|jij|jezelf)\b", translation, re.I):
            informal.append(translation)
    assert not informal, informal
