"""Reference data every installation needs: the role groups and the dropout reasons of
the source report. Migration 0002/0005 load them; seed_demo makes sure they exist."""

from django.contrib.auth.models import Group

from plp.roles import ROLES

from .models import DropoutReason

REASONS = [
    ("instapniveau", "Te hoog ingeschat instapniveau"),
    ("persoonlijk", "Persoonlijke omstandigheden (gezin, lichamelijk, psychisch)"),
    ("mismatch", "Mismatch met richting of inhoud"),
    ("leerbaarheid", "Belemmeringen in leerbaarheid (thuissituatie, motivatie)"),
    ("anders", "Anders"),
]


def ensure_reference_data() -> None:
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for position, (code, label) in enumerate(REASONS, start=1):
        DropoutReason.objects.get_or_create(code=code, defaults={"label": label, "position": position})
