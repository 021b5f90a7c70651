"""The register written from the records (CSV or XLSX, formulae escaped), and an empty
template with the explanation of each column."""

import csv
import datetime
import io

from ..models import (
    Credential,
    Dropout,
    Intake,
    Outflow,
    Participant,
    Placement,
    Trajectory,
)
from .format import (
    COLUMNS,
    EXPLANATION,
)


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
        "uitval_vervolg": dr.route if dr else "",
        "uitstroom_datum": out.date if out else None,
        "uitstroom_soort": out.kind if out else "",
        "uitstroom_werkgever": out.employer.name if out and out.employer else "",
        "uitstroom_functie": out.job_title if out else "",
    }


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
