"""refresh_phases: store today's phase for participants whose stored phase has expired.

A phase changes by itself when a trajectory or pause starts or ends. Lists stay correct
without this command (an expired row is computed on the fly), but stay fast only with it:
run it nightly, just after midnight.
"""

from django.core.management.base import BaseCommand

from participants.models import Participant

BATCH = 5000


class Command(BaseCommand):
    help = "Recompute the stored phase of participants whose phase may have changed since."

    def handle(self, *args, **options):
        ids = list(Participant.objects.phase_stale().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            Participant.objects.filter(pk__in=ids[start : start + BATCH]).refresh_state()
        self.stdout.write(f"fase van {len(ids)} deelnemer(s) bijgewerkt")
