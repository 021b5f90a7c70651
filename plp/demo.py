"""The demo data: accounts, the organisations of the source report, and the plans of 40
fictional participants whose records give the source report's yearly table under the
counting rules. `manage.py seed_demo` loads it."""

import datetime
from dataclasses import dataclass, field

from participants.models import (
    Organisation,
)
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
