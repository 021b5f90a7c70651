"""The register's format: its columns, what they mean, and reading a CSV or XLSX file
into rows (within limits: the file comes from outside)."""

import datetime
import functools
import hashlib
from dataclasses import dataclass

from .. import spreadsheet

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
    "uitval_vervolg",
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


def route_key(text: str) -> str:
    """A route after dropout as typed: code or label, any case, spaces and underscores ignored."""
    return "".join(ch for ch in (text or "").lower() if ch not in " _-")


@functools.cache
def route_lookup() -> dict[str, str]:
    """Normalised code, Dutch label and English label of each route, to its code."""
    from django.utils import translation

    from ..models import DropoutRoute

    lookup = {}
    for code, label in DropoutRoute.choices:
        lookup[route_key(code)] = code
        for language in ("nl", "en"):
            with translation.override(language):
                lookup[route_key(str(label))] = code
    return lookup


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
    "uitval_vervolg": "Vervolg na uitval, code of omschrijving: dagbesteding, individuele_begeleiding, "
    "opleiding_of_werk, zorg, geen, onbekend. Leeg bij een nieuwe uitval: onbekend.",
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
    return _parse_date_text(text) if text else None


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> datetime.date:
    """parse_date for a text, once per distinct text (a register repeats its dates, and
    strptime costs microseconds a call)."""
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
