"""A read register checked against the records (a dry run naming every problem by row
and column), and a clean plan saved in one transaction, or nothing."""

import difflib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from ..models import (
    DropoutReason,
    Organisation,
    Outflow,
    Participant,
)
from .exporting import register_state, row_from_records
from .format import (
    DATE_COLUMNS,
    OUTFLOW_LABELS,
    REQUIRED,
    TRAJECTORY_KINDS,
    RegisterFile,
    _text,
    parse_date,
    route_key,
    route_lookup,
)


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
    # Unknown reasons and outflow kinds: column -> {value as typed: [rows]}, and what the
    # coordinator mapped them to: column -> {value lowercased: code}, with the rows it hit.
    unknown: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    mapped_rows: dict[tuple[str, str], int] = field(default_factory=dict)

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

    def choices(self, column: str) -> list[tuple[str, str]]:
        """The existing values an unknown value of `column` can be mapped to: (code, label)."""
        if column == "uitval_reden":
            return [(r.code, r.label) for r in self.lookups.reason_list]
        return [(code, str(label)) for code, label in Outflow.Kind.choices]

    @property
    def mapped(self) -> list[dict]:
        """The mappings that were applied, for the summary and the audit trail."""
        out = []
        for column, values in self.mapping.items():
            labels = dict(self.choices(column))
            for value, code in values.items():
                rows = self.mapped_rows.get((column, value), 0)
                if rows:
                    out.append(
                        {"column": column, "value": value, "to": code, "label": labels[code], "rows": rows}
                    )
        return out

    def mapped_codes(self) -> list[dict]:
        """The mappings as the audit trail keeps them: column, code and rows (no typed value)."""
        return [{"column": m["column"], "to": m["to"], "rows": m["rows"]} for m in self.mapped]

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
        reasons = self.reason_list = list(DropoutReason.objects.all())
        self.reasons = {r.code.lower(): r for r in reasons} | {r.label.lower(): r for r in reasons}
        self.organisations = {o.name.lower(): o for o in Organisation.objects.all()}
        self.routes = route_lookup()
        self.participants = {
            p.number: p
            for p in Participant.objects.filter(number__in=numbers).select_related("coach", "referrer")
        }
        self.state = register_state(list(self.participants.values()))


MAPPABLE = ("uitval_reden", "uitstroom_soort")
# Columns whose field holds fewer than the 200 characters any other cell may have.
MAX_LENGTH = {
    "deelnemernummer": Participant._meta.get_field("number").max_length,
    "voornaam": Participant._meta.get_field("first_name").max_length,
    "achternaam": Participant._meta.get_field("last_name").max_length,
}


def closest(value: str, candidates: dict[str, str], n: int = 3) -> list[str]:
    """The labels (values of `candidates`, keyed by lowercased code or label) closest to
    `value`: whole labels and their part before " (" both count, best first, and only
    those nearly as close as the best."""
    value = value.lower().strip()
    scores: dict[str, float] = {}
    for key, label in candidates.items():
        score = max(difflib.SequenceMatcher(None, value, k).ratio() for k in (key, key.split(" (")[0]))
        if score >= 0.6:
            scores[label] = max(score, scores.get(label, 0))
    best = max(scores.values(), default=0)
    near = [label for label in scores if scores[label] >= best - 0.15]  # not a distant second
    return sorted(near, key=lambda label: -scores[label])[:n]


def _unknown(plan: ImportPlan, row: int, column: str, value: str, what: str, candidates: dict) -> None:
    suggestions = closest(value, candidates)
    hint = f" (bedoelt u: {' of '.join(suggestions)}?)" if suggestions else ""
    plan.errors.append((row, column, f"onbekende {what} '{value}'{hint}"))
    plan.unknown.setdefault(column, {}).setdefault(value, []).append(row)


def _apply_mapping(values: dict, plan: ImportPlan) -> None:
    for column in MAPPABLE:
        key = values.get(column, "").lower()
        target = plan.mapping.get(column, {}).get(key)
        if key and target:
            values[column] = target
            plan.mapped_rows[(column, key)] = plan.mapped_rows.get((column, key), 0) + 1


def _parse_row(row: int, raw: dict, lookups: Lookups, plan: ImportPlan) -> dict | None:
    """Typed values of one row, or None when it has errors (added to the plan)."""
    before = len(plan.errors)

    def error(column, message):
        plan.errors.append((row, column, message))

    values = {}
    # A cell is filled when it has text, read or not: an unreadable one gets its own error
    # and must not also count as empty in the checks between columns below.
    filled = set()
    unreadable = set()
    for column, value in raw.items():
        text = _text(value)
        if text:
            filled.add(column)
        if column in DATE_COLUMNS:
            try:
                values[column] = parse_date(value)
            except ValueError:
                unreadable.add(column)
                error(column, f"ongeldige datum '{text[:40]}' (gebruik bijvoorbeeld 01-03-2024)")
        else:
            limit = MAX_LENGTH.get(column, 200)
            if len(text) > limit and column != "uitval_toelichting":
                error(column, f"de waarde is langer dan {limit} tekens")
            values[column] = text
    _apply_mapping(values, plan)
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
        labels = {key: reason.label for key, reason in lookups.reasons.items()}
        _unknown(plan, row, "uitval_reden", values["uitval_reden"], "reden", labels)
    if values.get("uitval_vervolg") and route_key(values["uitval_vervolg"]) not in lookups.routes:
        error(
            "uitval_vervolg",
            f"onbekend vervolg na uitval '{values['uitval_vervolg']}' (dagbesteding, "
            "individuele_begeleiding, opleiding_of_werk, zorg, geen, onbekend)",
        )
    if values.get("uitstroom_soort") and values["uitstroom_soort"].lower() not in OUTFLOW_LABELS:
        kinds = {key: code for key, code in OUTFLOW_LABELS.items()}
        _unknown(plan, row, "uitstroom_soort", values["uitstroom_soort"], "soort uitstroom", kinds)
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
        ("uitval_datum", ["uitval_reden", "uitval_toelichting", "uitval_vervolg"]),
        ("uitstroom_datum", ["uitstroom_soort", "uitstroom_werkgever", "uitstroom_functie"]),
        ("uitstroom_soort", ["uitstroom_datum"]),
        ("uitval_reden", ["uitval_datum"]),
        ("traject_start", ["traject"]),
    ]:
        if needs not in filled and filled.intersection(columns):
            error(needs, "is leeg, maar " + ", ".join(c for c in columns if c in filled) + " is ingevuld")
    start_columns = ("voortraject_start", "traject_start")
    starts = [values.get(c) for c in start_columns if values.get(c)]
    first = min(starts) if starts else None
    for column in ("uitval_datum", "uitstroom_datum"):
        # With an unreadable start the first one is unknown; its own error says so.
        if values.get(column) and not unreadable.intersection(start_columns):
            if first is None:
                error(column, "uitval en uitstroom vragen een traject (voortraject_start of traject_start)")
            elif values[column] < first:
                error(column, f"ligt vóór de start van het eerste traject ({first:%d-%m-%Y})")
    exits = [values[c] for c in ("uitval_datum", "uitstroom_datum") if values.get(c)]
    for column in ("voortraject_start", "traject_start"):
        if exits and values.get(column) and values[column] > min(exits):
            error(column, "ligt na de uitval of uitstroom; een nieuw traject vraagt een herintrede in PLP")
    return values if len(plan.errors) == before else None


def plan_import(file: RegisterFile, mapping: dict[str, dict[str, str]] | None = None) -> ImportPlan:
    """Dry run: compare every row with the records. Saves nothing. `mapping` reads an
    unknown reason or outflow kind as an existing one, in every row of the file
    (column -> {value: code}); a target that does not exist is ignored."""
    plan = ImportPlan(file=file)
    numbers = sorted({_text(raw.get("deelnemernummer")).upper() for _row, raw in file.rows} - {""})
    lookups = plan.lookups = Lookups(numbers)
    for column, values in (mapping or {}).items():
        valid = lookups.reasons if column == "uitval_reden" else OUTFLOW_LABELS
        if column in MAPPABLE:
            plan.mapping[column] = {
                value.lower().strip(): code for value, code in values.items() if code.lower() in valid
            }
    seen: dict[str, int] = {}
    new_orgs: dict[str, str] = {}
    for row, raw in file.rows:
        number = _text(raw.get("deelnemernummer")).upper()
        if number and number in seen:
            plan.errors.append(
                (row, "deelnemernummer", f"dubbel deelnemernummer {number} (ook in rij {seen[number]})")
            )
            _parse_row(row, raw, lookups, plan)  # every error of the row, not only the first
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
    if column == "uitval_vervolg":
        return route_lookup().get(route_key(value), value or "")
    if column in ("traject", "uitstroom_soort", "coach", "uitval_reden"):
        text = (value or "").lower()
        return OUTFLOW_LABELS.get(text, text) if column == "uitstroom_soort" else text
    return value or None if column in DATE_COLUMNS else (value or "")
