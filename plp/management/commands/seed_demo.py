"""Demo data: accounts, the organisations of the source report and 40 fictional
participants whose records give the source report's yearly table under the counting
rules. Running it again changes nothing."""

import datetime

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
    Reminder,
    Trajectory,
)
from participants.reference import ensure_reference_data
from plp.demo import (
    ACCOUNTS,
    DELIVERABLES,
    DEMO_PASSWORD,
    FIRST,
    LAST,
    MENTOR_NAMES,
    NARRATIVE,
    ORGANISATIONS,
    PLACEMENT_EMPLOYERS,
    RISKS,
    TASKS,
    K,
    Plan,
    d,
    plans,
)
from plp.demo_learning import seed_learning
from plp.demo_support import seed_support
from reporting.models import Deliverable, ProjectYear, ReportEdition, Risk, WorkPlanTask


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
            seed_support(by=users["coordinator"], orgs=orgs)
            observations = seed_learning(users["coordinator"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} participants and {observations} observations added)."
            )
        )
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

        ProjectYear.objects.get_or_create(
            name="Projectjaar 1",
            defaults={
                "start": d(2022, 4, 1),
                "end": d(2023, 12, 31),
                "target_instroom": 15,
                "target_leerwerkplekken": 10,
            },
        )
        ProjectYear.objects.get_or_create(
            name="Projectjaar 2",
            defaults={
                "start": d(2024, 1, 1),
                "end": d(2025, 8, 31),
                "target_instroom": 25,
                "target_praktijkverklaring": 10,
                "target_uitstroom": 5,
                "target_leerwerkplekken": 15,
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
        kinds = [k for k in ProgressEntry.Kind.values if k != ProgressEntry.Kind.EVALUATION]
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
                    kind=ProgressEntry.Kind.EVALUATION if j % 8 == 7 else kinds[j % len(kinds)],
                    duration_minutes=[60, 45, 90, 60, 15][j % 5],
                    notes="Voortgang besproken; afspraken voor komende weken gemaakt.",
                    author=p.coach,
                ),
                signal_kinds=plan.signals if last else (),
            )
