"""What runs inside a Django process of the site under test (`manage.py shell`)."""

import json
import os
import threading
import time


def inside_setup() -> None:
    """Migrate, load the demo, share one participant of coach1 with coach2 and log the
    users in (session keys for the HTTP clients)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client as DjangoClient

    from participants.models import Participant

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    User = get_user_model()
    shared = Participant.objects.filter(coach__username="coach1").order_by("pk").first()
    shared.team.add(User.objects.get(username="coach2"))
    sessions = {}
    for username in ("coordinator", "coach1", "coach2"):
        client = DjangoClient()
        client.force_login(User.objects.get(username=username))
        sessions[username] = client.cookies["sessionid"].value
    from reporting.models import ReportEdition

    print(
        json.dumps(
            {
                "sessions": sessions,
                "shared": shared.pk,
                "edition": ReportEdition.objects.order_by("pk").first().pk,
            }
        )
    )


def inside_write_load(threads: int = 8, seconds: float = 10.0) -> None:
    """Queue a report PDF, then let `threads` threads each log contact moments and edit a
    participant through the services for `seconds`. Prints the figures as JSON."""
    import datetime
    import traceback

    from django.contrib.auth import get_user_model
    from django.db import connection

    from participants import services
    from participants.models import Participant, ProgressEntry
    from reporting.models import ReportEdition
    from reporting.services import pdf_job_start

    coordinator = get_user_model().objects.get(username="coordinator")
    job = pdf_job_start(by=coordinator, edition=ReportEdition.objects.order_by("pk").first())
    participants = list(
        Participant.objects.exclude(coach=None).select_related("coach").order_by("pk")[:threads]
    )
    today = datetime.date.today()
    written: dict[int, list[int]] = {}
    last_phone: dict[int, str] = {}
    errors: list[str] = []
    start = threading.Barrier(threads)

    def work(i: int) -> None:
        participant = participants[i % len(participants)]
        mine = written.setdefault(i, [])
        n = 0
        start.wait()
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                n += 1
                try:
                    entry = ProgressEntry(
                        participant=participant,
                        date=today,
                        kind=ProgressEntry.Kind.COACHING,
                        duration_minutes=30,
                        notes=f"chaos {i}-{n}",
                    )
                    services.progress_entry_record(by=participant.coach, entry=entry)
                    mine.append(entry.pk)
                    fresh = Participant.objects.get(pk=participant.pk)
                    fresh.phone = f"06-{i:02d}-{n:06d}"
                    services.participant_save(by=participant.coach, participant=fresh)
                    last_phone[participant.pk] = fresh.phone
                except Exception:
                    errors.append(traceback.format_exc(limit=3))
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    ids = [pk for pks in written.values() for pk in pks]
    present = ProgressEntry.objects.filter(pk__in=ids).count()
    phones_ok = sum(
        Participant.objects.filter(pk=pk, phone=phone).exists() for pk, phone in last_phone.items()
    )
    print(
        json.dumps(
            {
                "writes": len(ids) * 2,
                "entries": len(ids),
                "missing": len(ids) - present + (len(last_phone) - phones_ok),
                "errors": len(errors),
                "first_error": errors[0][-500:] if errors else "",
                "job": job.pk,
            }
        )
    )
