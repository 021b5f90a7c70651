"""Demo data: accounts, the organisations of the source report and 40 fictional
participants whose records give the source report's yearly table under the counting
rules. Running it again changes nothing."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from participants import services
from participants.models import (
    Credential,
    Dropout,
    DropoutReason,
    Intake,
    Mentor,
    Organisation,
    Outflow,
    Participant,
    Pause,
    Placement,
    ProgressEntry,
    Trajectory,
)
from participants.reference import ensure_reference_data
from plp.roles import COACH, COORDINATOR

DEMO_PASSWORD = "demo-plp-2026!"
ACCOUNTS = [
    ("coordinator", "Carla", "de Graaf", COORDINATOR),
    ("coach1", "Jasper", "Visser", COACH),
    ("coach2", "Naima", "El Amrani", COACH),
    ("coach3", "Ruud", "Bakker", COACH),
]

K = Organisation.Kind
ORGANISATIONS = [
    ("Goldschmeding Foundation", K.FUNDER, "Financiële en inhoudelijke ondersteuning van het project"),
    ("Movisie", K.KNOWLEDGE_PARTNER, "Inhoudelijke expertise en kennisdeling over inclusie en participatie"),
    ("Verwey Jonker", K.KNOWLEDGE_PARTNER, "Monitoring en evaluatie van maatschappelijke impact"),
    ("Nova College", K.SCHOOL, "Verstrekking van praktijkverklaringen"),
    ("UWV", K.REFERRER, "Doorverwijzing van kandidaten en advisering over arbeidsmogelijkheden"),
    (
        "Regionaal Mobiliteitscentrum",
        K.REFERRER,
        "Financiële ondersteuning voor begeleiding en inschrijving Nova College",
    ),
    ("Gemeente Haarlem", K.REFERRER, "Doorverwijzing vanuit de gemeente"),
    ("Sociaal wijkteam Haarlem", K.REFERRER, "Doorverwijzing vanuit de wijk"),
    ("Buurts", K.OTHER, "Coöperatie waarbinnen het programma Waardevol Werk valt"),
    ("Werkdag B.V.", K.EMPLOYER, "Uitvoerder van Praktijk Leren Plus; werkgever na uitstroom"),
    ("Stichting Sein", K.EMPLOYER, "Aanbieden van participatiebanen voor PLP"),
    ("Spaarne Werkt", K.EMPLOYER, "Beschut werk, kloosterkeuken, receptiewerk en detachering"),
    ("Zorgbalans", K.EMPLOYER, "Aanbieden van leer-werkplekken binnen de zorgsector"),
    ("Ecosol", K.EMPLOYER, "Verstrekken van stageplekken en begeleiding van studenten"),
    ("Buurtbedrijf", K.EMPLOYER, "Verstrekken van stageplekken en begeleiding van studenten"),
    ("Mooizooi", K.EMPLOYER, "Mogelijke stage- of werkplekken binnen creatieve of ambachtelijke omgeving"),
    ("Turquoise", K.EMPLOYER, "Aanbieden van praktijkplekken in horeca en dienstverlening"),
    ("Downies & Brownies", K.EMPLOYER, "Aanbieden van praktijkplekken in horeca en dienstverlening"),
    ("Stichting Ontmoeting", K.EMPLOYER, "Aanbieden van stageplekken en begeleiding van studenten"),
    ("Hartekampgroep", K.EMPLOYER, "Aanbieden van werk- en leerplekken voor mensen met een beperking"),
]
PLACEMENT_EMPLOYERS = [
    "Ecosol",
    "Buurtbedrijf",
    "Zorgbalans",
    "Downies & Brownies",
    "Turquoise",
    "Stichting Ontmoeting",
    "Hartekampgroep",
    "Mooizooi",
    "Werkdag B.V.",
]
MENTOR_NAMES = ["Anouk", "Bram", "Chantal", "Dirk", "Esra", "Frank", "Gwen", "Henk", "Iris"]
FIRST = [
    "Sanne",
    "Mehmet",
    "Lotte",
    "Kevin",
    "Fatima",
    "Daan",
    "Priya",
    "Tom",
    "Yara",
    "Jeroen",
    "Ilse",
    "Bilal",
    "Noor",
    "Sven",
    "Amira",
    "Rik",
    "Eva",
    "Mohamed",
    "Lisa",
    "Thijs",
]
LAST = [
    "Jansen",
    "de Vries",
    "van Dijk",
    "Bos",
    "Mulder",
    "Smit",
    "Meijer",
    "de Boer",
    "Kok",
    "Hendriks",
    "Dekker",
    "Verbeek",
    "Peters",
    "Koster",
    "Prins",
    "Hoekstra",
    "Vos",
    "Brouwer",
]


def d(y: int, m: int, day: int = 1) -> datetime.date:
    return datetime.date(y, m, day)


NARRATIVE = {
    "introduction": (
        "Op 1 april 2022 is Praktijk Leren Plus van Werkdag B.V. in Haarlem van start gegaan. Het initiatief "
        "helpt mensen met een kwetsbare positie op de arbeidsmarkt om praktijkverklaringen en "
        "deelcertificaten op MBO-niveau te halen.\n\nIn 2023 is Werkdag B.V. overgenomen door Buurts; het "
        "project liep zonder onderbreking door binnen het programma Waardevol Werk."
    ),
    "goal_approach": (
        "Deelnemers werken in een veilige, begeleide praktijkomgeving aan erkende certificaten. De doelgroep "
        "bestaat uit mensen met psychische kwetsbaarheden, een licht verstandelijke beperking of meervoudige "
        "problematiek zoals schulden, eenzaamheid of een instabiele woonsituatie.\n\nPraktijkopleiders met "
        "affiniteit voor de doelgroep en ervaringsdeskundigen begeleiden intensief, ook op de werkvloer, in "
        "nauw contact met de leermeesters van de leerwerkbedrijven."
    ),
    "dropout_narrative": (
        "De belangrijkste oorzaken van uitval waren een te hoog ingeschat instapniveau, ingrijpende "
        "persoonlijke omstandigheden, een mismatch met de gekozen richting en belemmeringen in de "
        "leerbaarheid.\n\nMaatregelen: een grondigere intake met screening van motivatie, belastbaarheid "
        "en leerstijl; proefplaatsingen; tijdelijke pauzes zonder formele uitval; vroegsignalering van stress "
        "en terugval; en overstap naar een andere leerplek zonder dat dit tot uitval leidt."
    ),
    "team": (
        "De projectleider en de docent bespreken regelmatig de stand van zaken van het werkplan. Een "
        "assistent-praktijkopleider en een assistent scholing zijn in 2024 gestart. Sinds maart 2025 neemt "
        "de docent tijdelijk de rol van projectleider waar."
    ),
    "communication": (
        "Website, flyers, een film-documentaire in samenwerking met Movisie en voorlichtingsbijeenkomsten "
        "voor collega's, kandidaten en werkgevers zijn gerealiseerd. De maandelijkse nieuwsbrief en de "
        "voorlichting aan wijkteams worden opgepakt in het vervolg binnen Buurts."
    ),
    "lessons": (
        "Een grondige intake blijkt cruciaal, de doorlooptijd van deelnemers is langer dan verwacht en "
        "samenwerking met ketenpartners zoals RMC, UWV en Nova College is onmisbaar."
    ),
}
TASKS = [
    ("Evaluaties 25 kandidaten", "voldaan"),
    ("Lesaanbod 8 weken, gemiddeld 1 uur per week per kandidaat", "voldaan"),
    ("In fase 1 vijf keer overleg tussen coördinator en assistent-praktijkopleiders", "voldaan"),
    ("Projectrapportage 4", "voldaan"),
    ("Publiciteit en promotie", "niet-voldaan"),
    ("Overleg Movisie en Goldschmeding Foundation over voortzetting", "voldaan"),
]
RISKS = [
    (
        "Fase 1",
        "Te weinig capaciteit voor nieuwe intakes door ziekte.",
        "Succesvolle onderdelen van de intake structureel inbedden; extra ondersteuning voor de "
        "assistent-praktijkopleider.",
    ),
    (
        "Fase 2",
        "Vertraging door de overname door Buurts en ziekte van de projectleider.",
        "Docent neemt taken tijdelijk over; intensievere communicatie over de fusie.",
    ),
    (
        "Fase 3",
        "Vertraging door de overstap naar de ICT-infrastructuur van Buurts.",
        "Implementatie actief monitoren; waar nodig extra IT-ondersteuning.",
    ),
    (
        "Fase 4",
        "Werven van 25 studenten en voldoende stageplekken is op korte termijn niet haalbaar.",
        "Gefaseerde werving en plaatsing; extra interne informatiebijeenkomsten.",
    ),
]
DELIVERABLES = [
    (
        datetime.date(2025, 4, 25),
        "Online afspraak met de Goldschmeding Foundation en adviseur Buurts",
        "Mogelijkheden voor een vervolg na augustus 2025 verkend.",
    ),
    (datetime.date(2025, 8, 4), "Kwartaalverslag 4", "Conceptversie naar de Goldschmeding Foundation."),
    (datetime.date(2025, 8, 19), "Eindrapport", "Per e-mail verstuurd naar de Goldschmeding Foundation."),
]


@dataclass
class Plan:
    """One demo participant: trajectories [(kind, start, end, outcome, credential date)],
    and how they left (kind, date, detail) if they did."""

    trajectories: list
    exit: tuple | None = None
    pause: tuple | None = None
    signals: list = field(default_factory=list)


def plans() -> list[Plan]:
    pv, ec, dc, vt = "praktijkverklaring", "ervaringscertificaat", "deelcertificaat", "voortraject"
    out = []
    # 2022: 7 partial-certificate trajectories.
    exits_2022 = [
        (
            "outflow",
            d(2023, 4, 14),
            ("betaald werk", "Werkdag B.V.", "Activiteitenbegeleider"),
            d(2023, 3, 20),
        ),
        ("outflow", d(2023, 6, 2), ("participatiebaan", "Stichting Sein", "Sociaal werk"), d(2023, 5, 12)),
        ("outflow", d(2023, 9, 1), ("beschut werk", "Spaarne Werkt", "Beschut werk"), None),
        ("dropout", d(2023, 2, 10), "persoonlijk", None),
        ("dropout", d(2023, 3, 17), "instapniveau", None),
        (
            "outflow",
            d(2024, 2, 9),
            ("betaald werk", "Werkdag B.V.", "Assistent-praktijkopleider"),
            d(2024, 1, 19),
        ),
        ("dropout", d(2023, 10, 6), "leerbaarheid", None),
    ]
    for i, (kind, date, detail, award) in enumerate(exits_2022):
        start = d(2022, 4 + i, 4 + i)
        out.append(Plan([(dc, start, award, "behaald" if award else None, award)], (kind, date, detail)))
    # 2023: 8 practice-statement trajectories.
    exits_2023 = [
        ("outflow", d(2023, 11, 3), ("detachering", "Spaarne Werkt", "Detachering"), d(2023, 10, 13)),
        (
            "outflow",
            d(2023, 12, 8),
            ("participatiebaan", "Stichting Sein", "Assistent dienstverlening"),
            d(2023, 11, 17),
        ),
        ("dropout", d(2023, 6, 9), "persoonlijk", None),
        ("dropout", d(2023, 7, 14), "mismatch", None),
        ("dropout", d(2023, 8, 25), "persoonlijk", None),
        ("dropout", d(2023, 11, 10), "anders", None),
        (
            "outflow",
            d(2024, 5, 3),
            ("beschut werk", "Spaarne Werkt", "Werkzaamheden in de kloosterkeuken"),
            d(2024, 3, 22),
        ),
        ("outflow", d(2024, 6, 7), ("betaald werk", "Spaarne Werkt", "Receptiewerk"), d(2024, 4, 19)),
    ]
    for i, (kind, date, detail, award) in enumerate(exits_2023):
        start = d(2023, 2 + i // 2, 6 + i)
        out.append(Plan([(pv, start, award, "behaald" if award else None, award)], (kind, date, detail)))
    # 2024: 5 pre-trajectories that continue into a practice statement in 2025 ...
    for i in range(5):
        out.append(
            Plan(
                [
                    (vt, d(2024, 3 + i, 11), d(2025, 1, 31), "behaald", None),
                    (pv, d(2025, 2, 3 + i), None, None, None),
                ],
                signals=["stress"] if i == 0 else [],
            )
        )
    # ... and 9 partial-certificate trajectories.
    for i in range(4):
        out.append(
            Plan(
                [
                    (dc, d(2024, 4 + i, 15), d(2025, 2, 14), "behaald", d(2025, 2, 14)),
                    (pv, d(2025, 3, 3 + i), None, None, None),
                ],
                signals=["motivatie"] if i == 1 else [],
            )
        )
    out.append(
        Plan(
            [(dc, d(2024, 8, 19), d(2025, 1, 24), "behaald", d(2025, 1, 24))],
            ("outflow", d(2025, 3, 7), ("betaald werk", "Werkdag B.V.", "Activiteitenbegeleider")),
        )
    )
    out.append(
        Plan(
            [(dc, d(2024, 9, 2), None, None, None)],
            ("outflow", d(2025, 6, 13), ("participatiebaan", "Stichting Sein", "Assistent dienstverlening")),
        )
    )
    for i, reason in enumerate(["mismatch", "persoonlijk", "leerbaarheid"]):
        out.append(
            Plan([(dc, d(2024, 10 + i, 7), None, None, None)], ("dropout", d(2025, 4 + i, 18), reason))
        )
    # 2025: 4 pre-trajectories (one drops out) and 7 experience certificates.
    out.append(Plan([(vt, d(2025, 1, 13), None, None, None)], ("dropout", d(2025, 4, 25), "instapniveau")))
    for i in range(3):
        out.append(
            Plan(
                [(vt, d(2025, 2 + i, 10), None, None, None)],
                pause=(d(2025, 9, 1), "Opname in verband met psychische klachten") if i == 2 else None,
                signals=["thuissituatie", "schulden"] if i == 0 else [],
            )
        )
    for i in range(7):
        award = d(2025, 7, 25) if i == 6 else None
        out.append(
            Plan(
                [(ec, d(2025, 1 + i, 6), award, "behaald" if award else None, award)],
                signals=["terugval"] if i == 3 else [],
            )
        )
    return out


class Command(BaseCommand):
    help = "Load demo accounts, organisations and 40 fictional participants (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            ensure_reference_data()
            users = self.accounts()
            orgs = self.organisations()
            created = self.participants(users, orgs)
            self.report(orgs)
            self.reminders(users)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} participants added)."))
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD!r} as:")
        for username, first, last, role in ACCOUNTS:
            self.stdout.write(f"  {username:<12} {first} {last} ({role})")

    def accounts(self) -> dict:
        User = get_user_model()
        users = {}
        for username, first, last, role in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@plp.example"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.add(Group.objects.get_or_create(name=role)[0])
            users[username] = user
        return users

    def organisations(self) -> dict:
        orgs = {}
        for name, kind, role in ORGANISATIONS:
            orgs[name], _ = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind, "role": role, "accredited": kind == K.EMPLOYER}
            )
        for i, name in enumerate(PLACEMENT_EMPLOYERS):
            Mentor.objects.get_or_create(organisation=orgs[name], name=f"{MENTOR_NAMES[i]} {LAST[-1 - i]}")
        return orgs

    def participants(self, users: dict, orgs: dict) -> int:
        by = users["coordinator"]
        coaches = [users["coach1"], users["coach2"], users["coach3"]]
        referrers = [
            orgs[n]
            for n in ("UWV", "Gemeente Haarlem", "Regionaal Mobiliteitscentrum", "Sociaal wijkteam Haarlem")
        ]
        reasons = {r.code: r for r in DropoutReason.objects.all()}
        mentors = {m.organisation_id: m for m in Mentor.objects.all()}
        today = timezone.localdate()
        created = 0
        for i, plan in enumerate(plans()):
            first_start = plan.trajectories[0][1]
            number = f"PLP-{first_start.year}-{i + 1:03d}"
            if Participant.objects.filter(number=number).exists():
                continue
            created += 1
            p = services.participant_save(
                by=by,
                participant=Participant(
                    number=number,
                    first_name=FIRST[i % len(FIRST)],
                    last_name=LAST[(i * 7) % len(LAST)],
                    birth_date=d(1975 + (i * 3) % 30, 1 + i % 12, 1 + (i * 5) % 28),
                    coach=coaches[i % 3],
                    referrer=referrers[i % 4],
                    registration_date=first_start - datetime.timedelta(days=45),
                ),
            )
            services.intake_record(
                by=by,
                intake=Intake(
                    participant=p,
                    date=first_start - datetime.timedelta(days=21),
                    motivation="Wil graag een diploma halen en aan het werk.",
                    load_capacity=["low", "moderate", "good"][i % 3],
                    learning_style="Leert het best door te doen, korte instructies.",
                    network="Ambulant begeleider en zus betrokken." if i % 2 else "Geen netwerk betrokken.",
                    tests_used="Belastbaarheidsvragenlijst",
                    outcome=Intake.Outcome.ADMITTED,
                ),
            )
            employer = orgs[PLACEMENT_EMPLOYERS[i % len(PLACEMENT_EMPLOYERS)]]
            for kind, start, end, outcome, award in plan.trajectories:
                t = services.trajectory_save(
                    by=by, trajectory=Trajectory(participant=p, kind=kind, start=start)
                )
                if kind != "voortraject" and not p.placements.filter(end__isnull=True).exists():
                    services.placement_save(
                        by=by,
                        placement=Placement(
                            participant=p,
                            employer=employer,
                            mentor=mentors.get(employer.pk),
                            hours_per_week=16 + (i % 3) * 4,
                            start=start,
                        ),
                    )
                if award:
                    services.credential_award(
                        by=by,
                        credential=Credential(
                            participant=p,
                            trajectory=t,
                            kind=kind,
                            awarded_on=award,
                            issuer=orgs["Nova College"] if kind == "praktijkverklaring" else orgs["Buurts"],
                            work_processes="Voert werkzaamheden uit volgens planning\nWerkt samen met collega's",
                        ),
                    )
                elif end:
                    t.end, t.outcome = end, outcome
                    services.trajectory_save(by=by, trajectory=t)
            self.entries(p, plan, by, today)
            if plan.pause:
                services.pause_save(
                    by=by, pause=Pause(participant=p, start=plan.pause[0], reason=plan.pause[1])
                )
            if plan.exit:
                kind, date, detail = plan.exit
                if kind == "dropout":
                    services.dropout_record(
                        by=by,
                        dropout=Dropout(
                            participant=p,
                            date=date,
                            reason=reasons[detail],
                            explanation="Besproken met deelnemer en verwijzer.",
                            follow_up="Individuele begeleiding via het wijkteam.",
                        ),
                    )
                else:
                    outflow_kind, employer_name, title = detail
                    services.outflow_record(
                        by=by,
                        outflow=Outflow(
                            participant=p,
                            date=date,
                            kind=outflow_kind,
                            employer=orgs[employer_name],
                            job_title=title,
                        ),
                    )
        return created

    def reminders(self, users: dict) -> None:
        """A few reminders for the coaches' Vandaag page (only on the first run)."""
        from participants.models import Reminder

        if Reminder.objects.exists():
            return
        today = timezone.localdate()
        plans = [
            ("Driegesprek plannen met leermeester", 0),
            ("Bellen over rooster", 1),
            ("Voortgangsverslag naar verwijzer", -2),
            ("Evaluatie praktijkverklaring", 5),
        ]
        for coach in (users["coach1"], users["coach2"], users["coach3"]):
            active = Participant.objects.filter(coach=coach).open_files()[: len(plans)]
            for p, (title, days) in zip(active, plans, strict=False):
                Reminder.objects.create(
                    participant=p,
                    title=title,
                    assigned_to=coach,
                    created_by=coach,
                    due_on=today + datetime.timedelta(days=days),
                )

    def report(self, orgs: dict) -> None:
        """Project years with their targets and a draft edition of the final report."""
        from reporting.models import Deliverable, ProjectYear, ReportEdition, Risk, WorkPlanTask

        ProjectYear.objects.get_or_create(
            name="Projectjaar 1",
            defaults={"start": d(2022, 4, 1), "end": d(2023, 12, 31), "target_instroom": 15},
        )
        ProjectYear.objects.get_or_create(
            name="Projectjaar 2",
            defaults={
                "start": d(2024, 1, 1),
                "end": d(2025, 8, 31),
                "target_instroom": 25,
                "target_praktijkverklaring": 10,
                "target_uitstroom": 5,
            },
        )
        edition, created = ReportEdition.objects.get_or_create(
            title="Eindrapport Praktijk Leren Plus",
            version="1.0",
            defaults={
                "period_start": d(2022, 1, 1),
                "period_end": d(2025, 12, 31),
                "reference_date": d(2025, 8, 1),
                "funder": orgs["Goldschmeding Foundation"],
                "organisation_name": "Buurts – Waardevol Werk (Werkdag B.V.)",
                **NARRATIVE,
            },
        )
        if not created:
            return
        for i, (title, status) in enumerate(TASKS):
            WorkPlanTask.objects.create(edition=edition, title=title, status=status, position=i)
        for i, (phase, risk, measure) in enumerate(RISKS):
            Risk.objects.create(edition=edition, phase=phase, risk=risk, measure=measure, position=i)
        for date, activity, agreements in DELIVERABLES:
            Deliverable.objects.create(edition=edition, date=date, activity=activity, agreements=agreements)

    def entries(self, p: Participant, plan: Plan, by, today: datetime.date) -> None:
        """A contact moment about every two weeks while active, with the plan's signals
        on the most recent one."""
        start = plan.trajectories[0][1]
        stop = plan.exit[1] if plan.exit else today
        kinds = list(ProgressEntry.Kind.values)
        date, n = start, 0
        entries = []
        while date <= stop:
            entries.append(date)
            n += 1
            date += datetime.timedelta(days=10 + (p.pk * 3 + n) % 12)
        if not plan.exit and p.pk % 4 == 0:
            entries = [e for e in entries if e < today - datetime.timedelta(days=20)]
        for j, date in enumerate(entries):
            last = j == len(entries) - 1
            services.progress_entry_record(
                by=by,
                entry=ProgressEntry(
                    participant=p,
                    date=date,
                    kind=kinds[j % len(kinds)],
                    duration_minutes=[60, 45, 90, 60, 15][j % 5],
                    notes="Voortgang besproken; afspraken voor komende weken gemaakt.",
                    author=p.coach,
                ),
                signal_kinds=plan.signals if last else (),
            )
