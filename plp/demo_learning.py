"""Demo data of the learning route: three example qualification files (named as examples)
and, for the demo's praktijkverklaring and deelcertificaat trajectories, learning goals
with observations every two to four weeks whose steps climb from 1 to 4 (with the odd
step back), in the proportions the benchmark copies. Deterministic and idempotent."""

import datetime

from django.utils import timezone

from participants import catalogue
from participants.models import (
    Observation,
    Participant,
    Trajectory,
    WorkProcess,
)
from participants.services import learning

EXAMPLE_FILES = [
    (
        "90001",
        "Medewerker logistiek (voorbeeld)",
        2,
        [
            ("Ontvangt en slaat goederen op", "B1-K1-W1", "Ontvangt goederen"),
            ("Ontvangt en slaat goederen op", "B1-K1-W2", "Slaat goederen op"),
            ("Verzamelt en verzendt goederen", "B1-K2-W1", "Verzamelt goederen (orderpicken)"),
            ("Verzamelt en verzendt goederen", "B1-K2-W2", "Maakt goederen verzendklaar"),
            ("Verzamelt en verzendt goederen", "B1-K2-W3", "Houdt de werkplek op orde"),
        ],
    ),
    (
        "90002",
        "Medewerker facilitaire dienstverlening (voorbeeld)",
        2,
        [
            ("Voert facilitaire werkzaamheden uit", "B1-K1-W1", "Voert schoonmaakwerkzaamheden uit"),
            ("Voert facilitaire werkzaamheden uit", "B1-K1-W2", "Verzorgt eenvoudige catering"),
            ("Voert facilitaire werkzaamheden uit", "B1-K1-W3", "Voert klein onderhoud uit"),
            ("Ontvangt gasten", "B1-K2-W1", "Ontvangt en informeert bezoekers"),
        ],
    ),
    (
        "90003",
        "Medewerker horeca en keuken (voorbeeld)",
        1,
        [
            ("Bereidt eenvoudige gerechten", "B1-K1-W1", "Maakt de werkplek gereed"),
            ("Bereidt eenvoudige gerechten", "B1-K1-W2", "Bereidt eenvoudige gerechten"),
            ("Bereidt eenvoudige gerechten", "B1-K1-W3", "Werkt hygiënisch volgens HACCP"),
            ("Bedient gasten", "B1-K2-W1", "Serveert en ruimt af"),
        ],
    ),
]


def example_catalogue() -> bytes:
    """The example files as the catalogue import reads them (CSV)."""
    lines = [",".join(catalogue.COLUMNS)]
    for crebo, title, level, processes in EXAMPLE_FILES:
        lines += [f"{crebo},{title},{level},{task},{code},{name}" for task, code, name in processes]
    return ("\n".join(lines) + "\n").encode()


ASSIGNMENTS = [
    "Doet dit zelf tijdens de ochtenddienst, met de leermeester in de buurt.",
    "Volgt de werkinstructie van het bedrijf; bespreekt het resultaat met de leermeester.",
    "Voert dit wekelijks uit op de eigen afdeling.",
]
STARR = [
    (
        "Drukke ochtend, twee collega's ziek.",
        "Bestelling klaarzetten.",
        "Vroeg uit zichzelf om uitleg.",
        "Bestelling op tijd klaar, één fout.",
        "Vond het spannend maar ging goed.",
    ),
    (
        "Vaste taak op dinsdag.",
        "Werkplek inrichten.",
        "Werkte de lijst stap voor stap af.",
        "Alles klaar zonder hulp.",
        "Trots; wil volgende keer sneller.",
    ),
    (
        "Nieuwe collega ingewerkt.",
        "Uitleg geven over de werkwijze.",
        "Legde rustig uit en liet zien.",
        "Collega kon daarna zelf verder.",
        "Merkte dat uitleggen helpt om het zelf beter te snappen.",
    ),
]
GOAL_KINDS = ("praktijkverklaring", "deelcertificaat")


def seed_learning(by) -> int:
    """Load the example catalogue and give every goal trajectory without goals its goals
    and evidence. Returns the number of observations added."""
    catalogue.import_catalogue(example_catalogue(), by=by, dry_run=False)
    files = {}
    for wp in WorkProcess.objects.filter(qualification__crebo__in=[f[0] for f in EXAMPLE_FILES]).order_by(
        "code"
    ):
        files.setdefault(wp.qualification.crebo, []).append(wp)
    crebos = sorted(files)
    trajectories = (
        Trajectory.objects.filter(kind__in=GOAL_KINDS, goals__isnull=True, start__isnull=False)
        .select_related("participant")
        .order_by("participant__number", "start")
    )
    today = timezone.localdate()
    added = 0
    for t in trajectories:
        p = t.participant
        processes = files[crebos[p.pk % len(crebos)]]
        n = 3 + p.pk % 2 if t.kind == "praktijkverklaring" else 2
        chosen = processes[p.pk % 2 : p.pk % 2 + n]
        goals = learning.goals_add(
            by=by,
            trajectory=t,
            work_processes=chosen,
            assignments={wp.pk: ASSIGNMENTS[(p.pk + i) % len(ASSIGNMENTS)] for i, wp in enumerate(chosen)},
        )
        added += _evidence(by, p, t, goals, today)
    return added


def _stop(p: Participant, t: Trajectory, today: datetime.date) -> tuple[datetime.date, bool]:
    """The last day with evidence, and whether the trajectory was awarded."""
    award = t.credentials.order_by("awarded_on").values_list("awarded_on", flat=True).first()
    ends = [d for d in (award, t.end, p.closed_on, today) if d]
    return min(ends), bool(award)


def _evidence(by, p: Participant, t: Trajectory, goals, today: datetime.date) -> int:
    """Observations from two weeks after the start until the award, the end or today;
    each gives a step to one to three goals, rising over about nine months."""
    stop, awarded = _stop(p, t, today)
    planned = datetime.timedelta(days=240 + (p.pk % 5) * 60)
    if awarded:  # every goal mastered a while before the school's award
        planned = min(planned, (stop - t.start) * 0.8)
    else:  # once every goal is there the coach stops observing
        stop = min(stop, t.start + planned * 1.1)
    date, k, made = t.start + datetime.timedelta(days=14), 0, 0
    placement = p.placements.exclude(mentor=None).select_related("mentor").first()
    mentor = placement.mentor if placement else None
    while date <= stop:
        progress = min(1.0, (date - t.start) / planned) if planned else 1.0
        steps = {}
        for j, goal in enumerate(goals):
            if (k + j) % 3 == 2 and len(goals) > 1 and progress < 1:
                continue  # not every goal is seen every time
            step = 1 + round(3 * progress ** (0.8 + 0.2 * j))
            if (k + p.pk + j) % 11 == 0 and 1 < step and progress < 1:
                step -= 1  # an off day: one step back
            steps[goal.pk] = max(1, min(4, step))
        situation, task, action, result, reflection = STARR[(k + p.pk) % len(STARR)]
        by_mentor = k % 4 == 3 and mentor
        learning.observation_record(
            by=by,
            participant=p,
            trajectory=t,
            date=date,
            observer=Observation.Observer.MENTOR if by_mentor else Observation.Observer.COACH,
            mentor=mentor if by_mentor else None,
            steps=steps,
            situation=situation,
            task=task,
            action=action,
            result=result,
            reflection=reflection if k % 2 == 0 else "",
        )
        made += 1
        k += 1
        date += datetime.timedelta(days=18 + (p.pk * 3 + k) % 17)
    return made
