"""processing_register: print the register of processing activities (AVG art. 30)."""

from django.core.management.base import BaseCommand

from participants.privacy import processing_register


class Command(BaseCommand):
    help = "Print the processing register (AVG art. 30) from the field classification."

    def handle(self, *args, **options):
        self.stdout.write(processing_register())
