"""Demo data around the participants (seed_demo): chain partners and support needs, the
learning places of the employers (the source's 25 new places), a weekly lesson series
per year with attendance, and a route after each dropout. Deterministic, through the
services, and only on the first run."""

import datetime

from django.utils import timezone

from participants import services
from participants.models import (
    Dropout,
    DropoutRoute,
    GroupLesson,
    LearningPlace,
    LessonAttendance,
    Organisation,
    Participant,
    SupportNeed,
)

CHAIN_PARTNERS = [
    ("RIBW Kennemerland", "Ambulante begeleiding bij wonen"),
    ("Schuldhulpverlening Haarlem", "Hulp bij schulden en budgetbeheer"),
    ("Sociaal wijkteam Haarlem-Noord", "Hulp bij administratie, dagstructuur en zorg voor kinderen"),
]
# (kind, chain partner or None, days the need stayed open or None while open)
NEEDS = [
    ("vervoer", None, 21),
    ("financien", "Schuldhulpverlening Haarlem", 120),
    ("administratie", "Sociaal wijkteam Haarlem-Noord", 45),
    ("dagstructuur", "RIBW Kennemerland", None),
    ("zorg_naasten", "Sociaal wijkteam Haarlem-Noord", 60),
    ("wonen", "RIBW Kennemerland", None),
    ("gezondheid", None, 90),
]
# (employer, work, places, start, accredited)
PLACES = [
    ("Ecosol", "Medewerker groenvoorziening", 3, datetime.date(2022, 5, 1), True),
    ("Buurtbedrijf", "Medewerker facilitaire dienst", 2, datetime.date(2022, 9, 1), True),
    ("Zorgbalans", "Helpende zorg en welzijn", 3, datetime.date(2023, 1, 9), True),
    ("Downies & Brownies", "Medewerker horeca", 2, datetime.date(2023, 4, 3), False),
    ("Turquoise", "Medewerker bediening", 2, datetime.date(2023, 9, 4), True),
    ("Stichting Ontmoeting", "Medewerker keuken", 3, datetime.date(2024, 2, 5), True),
    ("Hartekampgroep", "Medewerker logistiek", 4, datetime.date(2024, 6, 3), True),
    ("Mooizooi", "Medewerker atelier", 2, datetime.date(2024, 10, 7), False),
    ("Werkdag B.V.", "Medewerker schoonmaak", 3, datetime.date(2025, 3, 3), True),
    ("Ecosol", "Medewerker kwekerij", 2, datetime.date(2025, 5, 5), True),
]
ROUTES = [
    (DropoutRoute.DAY_ACTIVITIES, "Dagbesteding met uitzicht op instroom."),
    (DropoutRoute.INDIVIDUAL_SUPPORT, "Individuele begeleiding via het wijkteam."),
    (DropoutRoute.CARE, "Behandeling eerst; daarna opnieuw bekijken."),
    (DropoutRoute.EDUCATION_OR_WORK, "Andere opleiding via het RMC."),
    (DropoutRoute.DAY_ACTIVITIES, "Dagbesteding met uitzicht op instroom."),
    (DropoutRoute.UNKNOWN, ""),
]
# A lesson series per year: (first Tuesday, topic)
SERIES = [
    (datetime.date(2023, 3, 7), "Werknemersvaardigheden"),
    (datetime.date(2024, 3, 5), "Rekenen en taal op de werkvloer"),
    (datetime.date(2025, 3, 4), "Samenwerken en feedback"),
]
ABSENCES = list(LessonAttendance.Absence.values)


def seed_support(*, by, orgs: dict) -> None:
    """Add the demo's support records; nothing when they exist already."""
    if LearningPlace.objects.exists():
        return
    today = timezone.localdate()
    partners = {}
    for name, role in CHAIN_PARTNERS:
        partners[name], _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": Organisation.Kind.CHAIN_PARTNER, "role": role}
        )
    for name, title, places, start, accredited in PLACES:
        services.learning_place_save(
            by=by,
            place=LearningPlace(
                employer=orgs[name], title=title, places=places, start=start, accredited=accredited
            ),
        )
    for i, dropout in enumerate(Dropout.objects.order_by("date", "pk")):
        dropout.route, dropout.follow_up = ROUTES[i % len(ROUTES)]
        services.dropout_record(by=by, dropout=dropout)
    participants = list(Participant.objects.order_by("number"))
    for i, p in enumerate(participants[::3]):
        kind, partner, days = NEEDS[i % len(NEEDS)]
        first = p.trajectories.order_by("start").values_list("start", flat=True).first()
        since = first + datetime.timedelta(days=14 + 7 * (i % 5))
        need = SupportNeed(
            participant=p,
            kind=kind,
            since=since,
            partner=partners.get(partner),
            description="Besproken in het intakegesprek; de deelnemer wil hulp.",
            contact_person="Contactpersoon ketenpartner" if partner else "",
        )
        services.support_need_save(by=by, need=need)
        if days is not None and since + datetime.timedelta(days=days) <= today:
            status = SupportNeed.Status.SETTLED if i % 4 else SupportNeed.Status.NO_LONGER_NEEDED
            services.support_need_settle(
                by=by, need=need, status=status, closed_on=since + datetime.timedelta(days=days)
            )
    for year_index, (first_day, topic) in enumerate(SERIES):
        invited = [
            p
            for p in participants
            if p.trajectories.filter(start__lte=first_day).exists()
            and (p.closed_on is None or p.closed_on > first_day)
        ][:10]
        lesson = GroupLesson(
            date=first_day,
            start_time=datetime.time(10),
            duration_minutes=60,
            topic=topic,
            teacher="Petra Hoekstra",
            location="Leslokaal Werkdag",
        )
        lessons = services.lesson_plan(by=by, lesson=lesson, participants=invited, weeks=8)
        for week, one in enumerate(lessons):
            if one.date > today:
                continue
            marks = {}
            for j, p in enumerate(invited):
                absent = (j + week + year_index) % 7 == 0
                marks[p.pk] = (not absent, ABSENCES[(j + week) % len(ABSENCES)] if absent else "")
            services.attendance_record(by=by, lesson=one, marks=marks)
