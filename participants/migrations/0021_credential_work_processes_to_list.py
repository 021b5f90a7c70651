"""Credentials' free-text work processes become the structured list where a line names a
work process of the participant's learning goals (by code or by title); every other line
is kept, word for word, as the note."""

import re

from django.db import migrations

CODE = re.compile(r"^\s*([A-Z]\d+-K\d+-W\d+)\b", re.IGNORECASE)


def match_lines(text: str, candidates: list) -> tuple[list, str]:
    """(matched work processes, the lines that matched none, as text)."""
    matched, kept = [], []
    for line in text.splitlines():
        code = CODE.match(line)
        rest = line[code.end() :] if code else line
        title = [wp for wp in candidates if wp.title.strip().lower() == rest.strip().lower()]
        same_code = [wp for wp in candidates if code and wp.code.upper() == code.group(1).upper()]
        # A code alone can be ambiguous (files share codes): then the title must agree.
        found = [wp for wp in same_code if wp in title] or same_code or (title if not code else [])
        wp = found[0] if len(found) == 1 else None
        if wp is not None and wp not in matched:
            matched.append(wp)
        else:
            kept.append(line)
    return matched, "\n".join(kept).strip("\n")


def forwards(apps, schema_editor):
    Credential = apps.get_model("participants", "Credential")
    WorkProcess = apps.get_model("participants", "WorkProcess")
    for credential in Credential.objects.exclude(work_processes=""):
        candidates = list(WorkProcess.objects.filter(goals__trajectory__participant=credential.participant_id))
        matched, rest = match_lines(credential.work_processes, candidates)
        if matched:
            credential.accepted_work_processes.add(*matched)
            credential.work_processes = rest
            credential.save(update_fields=["work_processes"])


def backwards(apps, schema_editor):
    Credential = apps.get_model("participants", "Credential")
    for credential in Credential.objects.filter(accepted_work_processes__isnull=False).distinct():
        names = [f"{wp.code} {wp.title}" for wp in credential.accepted_work_processes.order_by("code")]
        credential.work_processes = "\n".join(names + ([credential.work_processes] if credential.work_processes else []))
        credential.save(update_fields=["work_processes"])


class Migration(migrations.Migration):
    dependencies = [("participants", "0020_judgment_and_accepted_work_processes")]
    operations = [migrations.RunPython(forwards, backwards)]
