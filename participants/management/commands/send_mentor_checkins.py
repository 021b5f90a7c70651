"""send_mentor_checkins: mail each workplace mentor with a working link "Hoe gaat het?"
every PLP_MENTOR_CHECKIN_WEEKS weeks (default 4), with a fresh link.

Never twice for one period of a placement (MentorCheckinMail, unique per period), never
for ended placements or revoked or expired links. Safe to run daily from cron.
"""

from django.core.management.base import BaseCommand

from participants.services import mentor_checkins_send


class Command(BaseCommand):
    help = "Mail the periodic check-in to workplace mentors whose period has come."

    def handle(self, *args, **options):
        sent = mentor_checkins_send()
        self.stdout.write(f"{sent} check-in mail(s) verstuurd")
