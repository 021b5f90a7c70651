import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from participants import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get_or_create(name=extracted)[0])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Leerbedrijf {n}")
    kind = models.Organisation.Kind.EMPLOYER


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Mentor

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Leermeester {n}")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participant

    number = factory.Sequence(lambda n: f"PLP-T-{n:05d}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    registration_date = datetime.date(2024, 1, 1)


class PhaseRecordFactory(factory.django.DjangoModelFactory):
    """A record the stored phase depends on: refreshed as the services do."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        models.Participant.objects.filter(pk=obj.participant_id).refresh_state()
        return obj


class TrajectoryFactory(PhaseRecordFactory):
    class Meta:
        model = models.Trajectory

    participant = factory.SubFactory(ParticipantFactory)
    kind = "praktijkverklaring"
    start = datetime.date(2024, 2, 1)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Placement

    participant = factory.SubFactory(ParticipantFactory)
    employer = factory.SubFactory(OrganisationFactory)
    start = datetime.date(2024, 2, 1)
    hours_per_week = 16


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgressEntry

    participant = factory.SubFactory(ParticipantFactory)
    date = datetime.date(2024, 3, 1)
    kind = "coaching"
    duration_minutes = 60
    notes = "Goed gesprek."


class SignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Signal

    participant = factory.SubFactory(ParticipantFactory)
    kind = "stress"
    raised_on = datetime.date(2024, 3, 1)


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Credential

    participant = factory.SubFactory(ParticipantFactory)
    kind = "praktijkverklaring"
    awarded_on = datetime.date(2024, 6, 1)


class PauseFactory(PhaseRecordFactory):
    class Meta:
        model = models.Pause

    participant = factory.SubFactory(ParticipantFactory)
    start = datetime.date(2024, 4, 1)
    reason = "Ziekenhuisopname"


class DropoutFactory(PhaseRecordFactory):
    class Meta:
        model = models.Dropout

    participant = factory.SubFactory(ParticipantFactory)
    date = datetime.date(2024, 5, 1)
    reason = factory.LazyFunction(lambda: models.DropoutReason.objects.get(code="anders"))


class OutflowFactory(PhaseRecordFactory):
    class Meta:
        model = models.Outflow

    participant = factory.SubFactory(ParticipantFactory)
    date = datetime.date(2024, 5, 1)
    kind = "betaald werk"
    employer = factory.SubFactory(OrganisationFactory)
    job_title = "Medewerker"


class PasskeyFactory(factory.django.DjangoModelFactory):
    """A registered passkey (django-otp-webauthn device); the key material is a stand-in."""

    class Meta:
        model = "django_otp_webauthn.WebAuthnCredential"

    user = factory.SubFactory(UserFactory)
    name = "Telefoon"
    confirmed = True
    credential_id = factory.Sequence(lambda n: f"credential-{n}".encode())
    public_key = b"cose-key"


def mentor_placement(participant, *, goals: int = 2, email: str = "leermeester@example.org"):
    """An open placement with a workplace mentor (with an email address) and an ongoing
    trajectory with `goals` learning goals: what the mentor's link needs."""
    first = not models.Mentor.objects.filter(name="Henk Mentor").exists()
    employer = OrganisationFactory(name="Bakkerij De Korenschoof" if first else f"Bakkerij {participant.pk}")
    mentor = models.Mentor.objects.create(organisation=employer, name="Henk Mentor", email=email)
    trajectory = TrajectoryFactory(participant=participant, start=datetime.date(2024, 2, 1))
    qualification, _ = models.QualificationFile.objects.get_or_create(
        crebo="25180", defaults={"title": "Medewerker bakkerij", "level": 2}
    )
    for i in range(goals):
        process, _ = models.WorkProcess.objects.get_or_create(
            qualification=qualification, code=f"B1-K1-W{i + 1}", defaults={"title": f"Werkproces {i + 1}"}
        )
        models.LearningGoal.objects.create(
            trajectory=trajectory, work_process=process, assignment=f"Opdracht {i + 1} op de werkvloer"
        )
    return models.Placement.objects.create(
        participant=participant, employer=employer, mentor=mentor, start=datetime.date(2024, 2, 1)
    )


class QualificationFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QualificationFile
        django_get_or_create = ["crebo"]

    crebo = factory.Sequence(lambda n: f"{25000 + n}")
    title = factory.Sequence(lambda n: f"Medewerker {n}")
    level = 2


class WorkProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkProcess

    qualification = factory.SubFactory(QualificationFileFactory)
    code = factory.Sequence(lambda n: f"B1-K1-W{n + 1}")
    core_task = "Voert werkzaamheden uit"
    title = factory.Sequence(lambda n: f"Werkproces {n}")


class LearningGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LearningGoal

    trajectory = factory.SubFactory(TrajectoryFactory)
    work_process = factory.SubFactory(WorkProcessFactory)
    assignment = "Zet de bestelling klaar."
