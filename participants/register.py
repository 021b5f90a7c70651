"""The participant register: the spreadsheet coordinators kept before PLP.

One row is one participant: registration, intake, a voortraject, one trajectory with
its credential, one placement, a dropout and an outflow. `read_register` turns a CSV or
XLSX file into rows; `plan_import` checks every cell against the records (a dry run,
with every problem named by spreadsheet row and column); `apply_import` saves a plan
that has no errors, all of it in one transaction, or nothing. `export_register` writes
the same format back, so export then import changes nothing.
"""

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from plp.audit import audit_ref
from plp.models import AuditEntry

from . import spreadsheet
from .models import (
    Credential,
    Dropout,
    DropoutReason,
    Intake,
    Mentor,
    Organisation,
    Outflow,
    Participant,
    Placement,
    Trajectory,
)

COLUMNS = [
    "deelnemernummer",
    "voornaam",
    "achternaam",
    "geboortedatum",
    "coach",
    "verwijzer",
    "aanmelddatum",
    "intakedatum",
    "voortraject_start",
    "voortraject_eind",
    "traject",
    "traject_start",
    "traject_eind",
    "behaald_datum",
    "leerbedrijf",
    "leermeester",
    "plaatsing_start",
    "plaatsing_eind",
    "uitval_datum",
    "uitval_reden",
    "uitval_toelichting",
    "uitstroom_datum",
    "uitstroom_soort",
    "uitstroom_werkgever",
    "uitstroom_functie",
]
REQUIRED = ["deelnemernummer", "voornaam", "achternaam"]
DATE_COLUMNS = {c for c in COLUMNS if c.endswith(("datum", "_start", "_eind"))}
TRAJECTORY_KINDS = ["praktijkverklaring", "ervaringscertificaat", "deelcertificaat"]
OUTFLOW_LABELS = {
    "betaald werk": "betaald werk",
    "beschut werk": "beschut werk",
    "participatiebaan": "participatiebaan",
    "detachering": "detachering",
    "vervolgopleiding": "vervolgopleiding",
    "anders": "anders",
    "paid work": "betaald werk",
    "sheltered work": "beschut werk",
    "participation job": "participatiebaan",
    "secondment": "detachering",
    "further education": "vervolgopleiding",
    "other": "anders",
    "betaald_werk": "betaald werk",
    "beschut_werk": "beschut werk",
}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# The format's columns plus a few; rows with values, the headers' row included; at most
# 50 MB unpacked for an XLSX (its members' declared sizes, checked before parsing).
LIMITS = spreadsheet.Limits(columns=len(COLUMNS) + 5, rows=MAX_ROWS + 1, unpacked=50 * 1024 * 1024)
EXPLANATION = {
    "deelnemernummer": "Verplicht. Uniek registernummer, bijv. PLP-2024-007; rijen worden hierop gekoppeld.",
    "voornaam": "Verplicht.",
    "achternaam": "Verplicht.",
    "geboortedatum": "Datum (2024-03-01, 01-03-2024 of een Excel-datum).",
    "coach": "Gebruikersnaam van de praktijkopleider in PLP.",
    "verwijzer": "Naam van de verwijzende organisatie (UWV, gemeente, RMC, wijkteam, ...).",
    "aanmelddatum": "Datum van aanmelding.",
    "intakedatum": "Datum van de intake.",
    "voortraject_start": "Start van het voortraject.",
    "voortraject_eind": "Einde van het voortraject (leeg: loopt nog).",
    "traject": "praktijkverklaring, ervaringscertificaat of deelcertificaat.",
    "traject_start": "Start van het traject.",
    "traject_eind": "Einde van het traject (leeg: loopt nog).",
    "behaald_datum": "Datum waarop het certificaat van dit traject is behaald.",
    "leerbedrijf": "Leerwerkbedrijf van de plaatsing; onbekende bedrijven worden aangemaakt.",
    "leermeester": "Naam van de leermeester bij het leerbedrijf.",
    "plaatsing_start": "Start van de plaatsing.",
    "plaatsing_eind": "Einde van de plaatsing (leeg: loopt nog).",
    "uitval_datum": "Datum van uitval.",
    "uitval_reden": "Code of omschrijving: instapniveau, persoonlijk, mismatch, leerbaarheid, anders.",
    "uitval_toelichting": "Toelichting op de uitval.",
    "uitstroom_datum": "Datum van uitstroom.",
    "uitstroom_soort": "betaald werk, beschut werk, participatiebaan, detachering, vervolgopleiding, anders.",
    "uitstroom_werkgever": "Werkgever of school na uitstroom; onbekende worden aangemaakt.",
    "uitstroom_functie": "Functie of opleiding.",
}


class RegisterFileError(Exception):
    """The file as a whole cannot be read (wrong type, too big, empty, bad columns)."""


@dataclass
class RegisterFile:
    name: str
    sha256: str
    headers: list[str]
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {column: raw value})


def read_register(content: bytes, name: str = "") -> RegisterFile:
    """Parse CSV (UTF-8, with or without BOM, comma or semicolon) or XLSX bytes. The file
    comes from outside: it is read as a stream within LIMITS (participants/spreadsheet.py)
    and the headers are checked before the rows after them are read."""
    if not content:
        raise RegisterFileError("Het bestand is leeg.")
    if len(content) > MAX_BYTES:
        raise RegisterFileError("Het bestand is groter dan 5 MB.")
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RegisterFileError(
            "Oude Excel-bestanden (.xls) worden niet ondersteund; sla op als .xlsx of .csv."
        )
    headers = None
    rows = []
    try:
        for number, values in spreadsheet.rows(content, LIMITS):
            if not any(_text(v) for v in values):
                continue
            if headers is None:
                headers = [_text(h).lower() for h in values]
                _check_headers(headers)
                continue
            values = list(values) + [None] * (len(headers) - len(values))
            rows.append((number, {h: v for h, v in zip(headers, values, strict=False) if h}))
    except spreadsheet.SpreadsheetError as error:
        raise RegisterFileError(str(error)) from error
    if headers is None:
        raise RegisterFileError("Het bestand is leeg.")
    if not rows:
        raise RegisterFileError("Het bestand bevat alleen kolomnamen en geen deelnemers.")
    return RegisterFile(name=name, sha256=hashlib.sha256(content).hexdigest(), headers=headers, rows=rows)


def _check_headers(headers: list[str]) -> None:
    unknown = [h for h in headers if h and h not in COLUMNS]
    if unknown:
        bsn = [h for h in unknown if "bsn" in h or "burgerservice" in h or "sofi" in h]
        if bsn:
            raise RegisterFileError(
                f"Kolom {bsn[0]} wordt geweigerd: PLP slaat geen burgerservicenummers op. "
                "Verwijder de kolom en probeer het opnieuw."
            )
        raise RegisterFileError(
            "Deze kolommen horen niet bij het registerformaat: "
            + ", ".join(unknown)
            + ". Gebruik het sjabloon of verwijder ze."
        )
    duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicates:
        raise RegisterFileError("Deze kolommen staan er meer dan eens in: " + ", ".join(duplicates) + ".")
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise RegisterFileError("Verplichte kolommen ontbreken: " + ", ".join(missing) + ".")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d"]


def parse_date(value) -> datetime.date | None:
    """ISO, Dutch (01-03-2024, 1-3-2024, 01/03/2024) or a real Excel date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    if " " in text:  # "2024-03-01 00:00:00" from a spreadsheet's datetime
        text = text.split(" ", 1)[0]
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2100:
            return parsed
    raise ValueError(text)


@dataclass
class RowPlan:
    row: int
    number: str
    status: str = "nieuw"  # nieuw, gewijzigd, ongewijzigd
    changes: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)


@dataclass
class ImportPlan:
    file: RegisterFile
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    new_organisations: list[str] = field(default_factory=list)
    lookups: "Lookups | None" = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def summary(self) -> dict:
        return {
            "nieuw": self.count("nieuw"),
            "gewijzigd": self.count("gewijzigd"),
            "ongewijzigd": self.count("ongewijzigd"),
        }

    def messages(self) -> list[str]:
        return [
            f"rij {row}, kolom {column}: {message}" if column else f"rij {row}: {message}"
            for row, column, message in self.errors
        ]


class Lookups:
    """Everything the import compares with, loaded once: no query per row. Only the
    participants whose numbers are in the file are loaded, with their records."""

    def __init__(self, numbers: list[str]):
        User = get_user_model()
        self.coaches = {u.username.lower(): u for u in User.objects.filter(is_active=True)}
        reasons = list(DropoutReason.objects.all())
        self.reasons = {r.code.lower(): r for r in reasons} | {r.label.lower(): r for r in reasons}
        self.organisations = {o.name.lower(): o for o in Organisation.objects.all()}
        self.participants = {
            p.number: p
            for p in Participant.objects.filter(number__in=numbers).select_related("coach", "referrer")
        }
        self.state = register_state(list(self.participants.values()))


def register_state(participants: list[Participant]) -> dict[int, dict]:
    """For each participant the records the register describes: intake, first
    voortraject, first other trajectory and its credential, first placement, first
    dropout, first outflow. A fixed number of queries for any number of participants."""
    ids = [p.pk for p in participants]
    state = {pk: {} for pk in ids}

    def first_per_participant(qs, key):
        for obj in qs.filter(participant_id__in=ids).order_by(
            "participant_id", "start" if key in ("voortraject", "traject", "placement") else "date", "pk"
        ):
            state[obj.participant_id].setdefault(key, obj)

    for intake in Intake.objects.filter(participant_id__in=ids):
        state[intake.participant_id]["intake"] = intake
    first_per_participant(Trajectory.objects.filter(kind="voortraject"), "voortraject")
    first_per_participant(Trajectory.objects.exclude(kind="voortraject"), "traject")
    first_per_participant(Placement.objects.select_related("employer", "mentor"), "placement")
    first_per_participant(Dropout.objects.select_related("reason"), "dropout")
    first_per_participant(Outflow.objects.select_related("employer"), "outflow")
    traject_ids = [s["traject"].pk for s in state.values() if "traject" in s]
    for credential in Credential.objects.filter(trajectory_id__in=traject_ids).order_by("awarded_on", "pk"):
        s = state[credential.participant_id]
        s.setdefault("credential", credential)
    open_placements = Placement.objects.filter(participant_id__in=ids, end__isnull=True).values_list(
        "participant_id", "pk"
    )
    for participant_id, pk in open_placements:
        state[participant_id].setdefault("open_placements", set()).add(pk)
    return state


def row_from_records(p: Participant, s: dict) -> dict:
    """The register row for one participant, as typed values (the inverse of parsing)."""
    intake, vt, t, cred = s.get("intake"), s.get("voortraject"), s.get("traject"), s.get("credential")
    pl, dr, out = s.get("placement"), s.get("dropout"), s.get("outflow")
    return {
        "deelnemernummer": p.number,
        "voornaam": p.first_name,
        "achternaam": p.last_name,
        "geboortedatum": p.birth_date,
        "coach": p.coach.username if p.coach else "",
        "verwijzer": p.referrer.name if p.referrer else "",
        "aanmelddatum": p.registration_date,
        "intakedatum": intake.date if intake else None,
        "voortraject_start": vt.start if vt else None,
        "voortraject_eind": vt.end if vt else None,
        "traject": t.kind if t else "",
        "traject_start": t.start if t else None,
        "traject_eind": t.end if t else None,
        "behaald_datum": cred.awarded_on if cred else None,
        "leerbedrijf": pl.employer.name if pl else "",
        "leermeester": pl.mentor.name if pl and pl.mentor else "",
        "plaatsing_start": pl.start if pl else None,
        "plaatsing_eind": pl.end if pl else None,
        "uitval_datum": dr.date if dr else None,
        "uitval_reden": dr.reason.code if dr and dr.reason else "",
        "uitval_toelichting": dr.explanation if dr else "",
        "uitstroom_datum": out.date if out else None,
        "uitstroom_soort": out.kind if out else "",
        "uitstroom_werkgever": out.employer.name if out and out.employer else "",
        "uitstroom_functie": out.job_title if out else "",
    }


def _parse_row(row: int, raw: dict, lookups: Lookups, plan: ImportPlan) -> dict | None:
    """Typed values of one row, or None when it has errors (added to the plan)."""
    before = len(plan.errors)

    def error(column, message):
        plan.errors.append((row, column, message))

    values = {}
    for column, value in raw.items():
        if column in DATE_COLUMNS:
            try:
                values[column] = parse_date(value)
            except ValueError:
                error(column, f"ongeldige datum '{_text(value)[:40]}' (gebruik bijvoorbeeld 01-03-2024)")
        else:
            text = _text(value)
            if len(text) > 200 and column != "uitval_toelichting":
                error(column, "de waarde is langer dan 200 tekens")
            values[column] = text
    for column in REQUIRED:
        if not values.get(column):
            error(column, "verplicht veld is leeg")
    if values.get("coach") and values["coach"].lower() not in lookups.coaches:
        error("coach", f"onbekende coach '{values['coach']}' (gebruik de gebruikersnaam)")
    if values.get("traject") and values["traject"].lower() not in TRAJECTORY_KINDS:
        error(
            "traject",
            f"onbekend traject '{values['traject']}' (praktijkverklaring, ervaringscertificaat "
            "of deelcertificaat)",
        )
    if values.get("uitval_reden") and values["uitval_reden"].lower() not in lookups.reasons:
        error("uitval_reden", f"onbekende reden '{values['uitval_reden']}'")
    if values.get("uitstroom_soort") and values["uitstroom_soort"].lower() not in OUTFLOW_LABELS:
        error("uitstroom_soort", f"onbekende soort uitstroom '{values['uitstroom_soort']}'")
    for start, end in [
        ("voortraject_start", "voortraject_eind"),
        ("traject_start", "traject_eind"),
        ("plaatsing_start", "plaatsing_eind"),
        ("traject_start", "behaald_datum"),
    ]:
        if values.get(start) and values.get(end) and values[end] < values[start]:
            error(end, f"ligt vóór {start}")
    for needs, columns in [
        ("traject", ["traject_start", "traject_eind", "behaald_datum"]),
        ("voortraject_start", ["voortraject_eind"]),
        ("leerbedrijf", ["leermeester", "plaatsing_start", "plaatsing_eind"]),
        ("plaatsing_start", ["leerbedrijf"]),
        ("uitval_datum", ["uitval_reden", "uitval_toelichting"]),
        ("uitstroom_datum", ["uitstroom_soort", "uitstroom_werkgever", "uitstroom_functie"]),
        ("uitstroom_soort", ["uitstroom_datum"]),
        ("uitval_reden", ["uitval_datum"]),
        ("traject_start", ["traject"]),
    ]:
        if not values.get(needs) and any(values.get(c) for c in columns):
            error(needs, "is leeg, maar " + ", ".join(c for c in columns if values.get(c)) + " is ingevuld")
    starts = [values.get(c) for c in ("voortraject_start", "traject_start") if values.get(c)]
    first = min(starts) if starts else None
    for column in ("uitval_datum", "uitstroom_datum"):
        if values.get(column):
            if first is None:
                error(column, "uitval en uitstroom vragen een traject (voortraject_start of traject_start)")
            elif values[column] < first:
                error(column, f"ligt vóór de start van het eerste traject ({first:%d-%m-%Y})")
    exits = [values[c] for c in ("uitval_datum", "uitstroom_datum") if values.get(c)]
    for column in ("voortraject_start", "traject_start"):
        if exits and values.get(column) and values[column] > min(exits):
            error(column, "ligt na de uitval of uitstroom; een nieuw traject vraagt een herintrede in PLP")
    return values if len(plan.errors) == before else None


def plan_import(file: RegisterFile) -> ImportPlan:
    """Dry run: compare every row with the records. Saves nothing."""
    plan = ImportPlan(file=file)
    numbers = sorted({_text(raw.get("deelnemernummer")).upper() for _row, raw in file.rows} - {""})
    lookups = plan.lookups = Lookups(numbers)
    seen: dict[str, int] = {}
    new_orgs: dict[str, str] = {}
    for row, raw in file.rows:
        number = _text(raw.get("deelnemernummer")).upper()
        if number and number in seen:
            plan.errors.append(
                (row, "deelnemernummer", f"dubbel deelnemernummer {number} (ook in rij {seen[number]})")
            )
            continue
        seen[number] = row
        values = _parse_row(row, raw, lookups, plan)
        if values is None:
            continue
        values["deelnemernummer"] = number
        for column in ("leerbedrijf", "uitstroom_werkgever", "verwijzer"):
            name = values.get(column)
            if name and name.lower() not in lookups.organisations and name.lower() not in new_orgs:
                new_orgs[name.lower()] = name
        existing = lookups.participants.get(number)
        if existing is None:
            plan.rows.append(RowPlan(row, number, "nieuw", values=values))
            continue
        state = lookups.state[existing.pk]
        current = row_from_records(existing, state)
        changes = [
            c
            for c in file.headers
            if values.get(c) not in ("", None) and _comparable(values[c], c) != _comparable(current[c], c)
        ]
        if values.get("plaatsing_start") and not values.get("plaatsing_eind"):
            register_placement = state.get("placement")
            others = state.get("open_placements", set()) - (
                {register_placement.pk} if register_placement else set()
            )
            if others:
                plan.errors.append(
                    (row, "plaatsing_eind", "deze deelnemer heeft al een andere open plaatsing")
                )
                continue
        plan.rows.append(RowPlan(row, number, "gewijzigd" if changes else "ongewijzigd", changes, values))
    plan.new_organisations = sorted(new_orgs.values(), key=str.lower)
    plan.errors.sort()
    return plan


def _comparable(value, column: str):
    if column in ("traject", "uitstroom_soort", "coach", "uitval_reden"):
        text = (value or "").lower()
        return OUTFLOW_LABELS.get(text, text) if column == "uitstroom_soort" else text
    return value or None if column in DATE_COLUMNS else (value or "")


@transaction.atomic
def apply_import(plan: ImportPlan, *, by) -> dict:
    """Save a plan without errors: creates and updates in bulk, in one transaction.
    Only non-empty cells change records; records the register does not describe
    (progress entries, other placements) are never touched."""
    if not plan.ok:
        raise ValueError("A plan with errors cannot be applied.")
    lookups = plan.lookups
    orgs = lookups.organisations
    referrers = {r.values.get("verwijzer", "").lower() for r in plan.rows}
    for name in plan.new_organisations:
        kind = Organisation.Kind.REFERRER if name.lower() in referrers else Organisation.Kind.EMPLOYER
        orgs[name.lower()] = Organisation.objects.create(name=name, kind=kind)
    mentors = {(m.organisation_id, m.name.lower()): m for m in Mentor.objects.all()}

    def org(name):
        return orgs[name.lower()] if name else None

    def mentor(employer, name):
        if not name or employer is None:
            return None
        if (employer.pk, name.lower()) not in mentors:
            mentors[(employer.pk, name.lower())] = Mentor.objects.create(organisation=employer, name=name)
        return mentors[(employer.pk, name.lower())]

    def participant_attrs(v: dict) -> dict:
        attrs = {"first_name": v["voornaam"], "last_name": v["achternaam"]}
        for column, attr, value in [
            ("geboortedatum", "birth_date", v.get("geboortedatum")),
            ("coach", "coach", lookups.coaches.get(v.get("coach", "").lower())),
            ("verwijzer", "referrer", org(v.get("verwijzer"))),
            ("aanmelddatum", "registration_date", v.get("aanmelddatum")),
        ]:
            if v.get(column):
                attrs[attr] = value
        return attrs

    todo = [r for r in plan.rows if r.status != "ongewijzigd"]
    created = Participant.objects.bulk_create(
        [Participant(number=r.number, **participant_attrs(r.values)) for r in todo if r.status == "nieuw"]
    )
    participants = dict(lookups.participants) | {p.number: p for p in created}
    state = lookups.state | {p.pk: {} for p in created}
    to_create: dict[type, list] = {}
    to_update: dict[type, list] = {}
    changed_fields: dict[type, set] = {}

    def put(obj, **attrs) -> None:
        changed = list(attrs) if obj.pk is None else [k for k, v in attrs.items() if getattr(obj, k) != v]
        for k, v in attrs.items():
            setattr(obj, k, v)
        model = type(obj)
        if obj.pk is None:
            to_create.setdefault(model, []).append(obj)
        elif changed:
            to_update.setdefault(model, []).append(obj)
            changed_fields.setdefault(model, set()).update(changed)

    credentials = []
    for r in todo:
        v, p = r.values, participants[r.number]
        s = state[p.pk]
        if r.status == "gewijzigd":
            put(p, **participant_attrs(v))
        if v.get("intakedatum"):
            put(
                s.get("intake") or Intake(participant=p, outcome=Intake.Outcome.ADMITTED),
                date=v["intakedatum"],
            )
        if v.get("voortraject_start"):
            t = s.get("voortraject") or Trajectory(participant=p, kind="voortraject")
            end = v.get("voortraject_eind")
            outcome = (t.outcome if t.outcome != "lopend" else "behaald") if end else "lopend"
            put(t, start=v["voortraject_start"], end=end, outcome=outcome)
        if v.get("traject"):
            t = s.get("traject") or Trajectory(participant=p)
            end = v.get("traject_eind") or v.get("behaald_datum")
            if not end:
                outcome = "lopend"
            elif v.get("behaald_datum"):
                outcome = "behaald"
            else:
                outcome = t.outcome if t.outcome != "lopend" else "gestopt"
            put(t, kind=v["traject"].lower(), start=v.get("traject_start"), end=end, outcome=outcome)
            if v.get("behaald_datum"):
                credentials.append((p, t, v["behaald_datum"], s.get("credential")))
        if v.get("leerbedrijf"):
            employer = org(v["leerbedrijf"])
            pl = s.get("placement") or Placement(participant=p)
            put(
                pl,
                employer=employer,
                mentor=mentor(employer, v.get("leermeester")) or pl.mentor,
                start=v.get("plaatsing_start") or pl.start,
                end=v.get("plaatsing_eind"),
            )
        if v.get("uitval_datum"):
            reason = lookups.reasons.get(v.get("uitval_reden", "").lower())
            d = s.get("dropout") or Dropout(participant=p)
            put(
                d,
                date=v["uitval_datum"],
                reason=reason or d.reason,
                explanation=v.get("uitval_toelichting") or d.explanation,
            )
        if v.get("uitstroom_datum"):
            o = s.get("outflow") or Outflow(participant=p)
            put(
                o,
                date=v["uitstroom_datum"],
                kind=OUTFLOW_LABELS[v["uitstroom_soort"].lower()],
                employer=org(v.get("uitstroom_werkgever")) or o.employer,
                job_title=v.get("uitstroom_functie") or o.job_title,
            )

    for model in (Participant, Intake, Trajectory, Placement, Dropout, Outflow):
        if to_update.get(model):
            model.objects.bulk_update(to_update[model], sorted(changed_fields[model]), batch_size=1000)
        if to_create.get(model):
            model.objects.bulk_create(to_create[model], batch_size=1000)
    for p, t, awarded_on, existing in credentials:
        c = existing or Credential(participant=p, trajectory=t)
        put(c, kind=t.kind, awarded_on=awarded_on)
    if to_update.get(Credential):
        Credential.objects.bulk_update(to_update[Credential], ["kind", "awarded_on"], batch_size=1000)
    if to_create.get(Credential):
        Credential.objects.bulk_create(to_create[Credential], batch_size=1000)

    Participant.objects.filter(pk__in=[participants[r.number].pk for r in todo]).refresh_state()
    summary = plan.summary
    username = by.username if by else ""
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=by,
                username=username,
                action="participants.participant.imported",
                participant_id=participants[r.number].pk,
                object_repr=audit_ref(participants[r.number]),
                data={"status": r.status, "columns": r.changes},
            )
            for r in todo
        ]
        + [
            AuditEntry(
                user=by,
                username=username,
                action="participants.register.imported",
                data={
                    **summary,
                    "sha256": plan.file.sha256,
                    "new_organisations": sorted(orgs[name.lower()].pk for name in plan.new_organisations),
                },
            )
        ],
        batch_size=1000,
    )
    return summary


def export_rows(participants) -> list[dict]:
    """Register rows of the given participants (a queryset), in a fixed number of queries."""
    participants = list(participants.select_related("coach", "referrer").order_by("number"))
    state = register_state(participants)
    return [row_from_records(p, state[p.pk]) for p in participants]


UNSAFE_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(UNSAFE_PREFIXES):
        return "'" + value
    return value


def export_register(participants, fmt: str) -> bytes:
    """The register as CSV (UTF-8 with BOM, semicolons, Dutch dates) or XLSX (real dates)."""
    rows = export_rows(participants)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    v.strftime("%d-%m-%Y") if isinstance(v, datetime.date) else safe_cell(v or "")
                    for v in (row[c] for c in COLUMNS)
                ]
            )
        return ("\ufeff" + out.getvalue()).encode()
    return _xlsx([COLUMNS] + [[safe_cell(row[c]) for c in COLUMNS] for row in rows], explain=False)


def template_xlsx() -> bytes:
    """An empty register with the headers and a sheet that explains every column."""
    return _xlsx([COLUMNS], explain=True)


def _xlsx(table: list[list], explain: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "Register"
    for row in table:
        ws.append([v if v not in ("", None) else None for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column_cells in ws.iter_cols(min_row=2):
        for cell in column_cells:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD-MM-YYYY"
    for i, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(14, len(column) + 2)
    ws.freeze_panes = "A2"
    if explain:
        info = wb.create_sheet("Toelichting")
        info.append(["kolom", "toelichting"])
        for column in COLUMNS:
            info.append([column, EXPLANATION[column]])
        info.append([])
        info.append(
            [
                "",
                "Eén rij is één deelnemer. Lege cellen betekenen 'niet vastgelegd'. Rijen worden "
                "gekoppeld op deelnemernummer; opnieuw importeren verandert niets. Een BSN of "
                "andere kolom buiten dit formaat wordt geweigerd.",
            ]
        )
        info.column_dimensions["A"].width = 22
        info.column_dimensions["B"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
