"""Saving a checked register plan in one transaction: new records are written as rows
(`plp.bulk_insert`: COPY on PostgreSQL), records the register already describes are
updated in one statement per table (`update_rows`). New participants are written with
their stored phase (`stored_state`); it is recomputed for the changed ones. The
database's triggers keep the rollups, as for any other write."""

import datetime

from django.db import transaction
from django.utils import timezone

from plp.audit import log_actions
from plp.bulk_insert import insert_rows, update_rows

from ..lifecycle import PRE_TRAJECTORY_KIND as PRE
from ..lifecycle import Phase
from ..models import (
    Credential,
    Dropout,
    Intake,
    Mentor,
    Organisation,
    Outflow,
    Participant,
    Placement,
    Trajectory,
)
from .format import OUTFLOW_LABELS, route_key

ONGOING, ACHIEVED, STOPPED = (
    Trajectory.Outcome.ONGOING,
    Trajectory.Outcome.ACHIEVED,
    Trajectory.Outcome.STOPPED,
)

# The fields written for a new record, in this order; every other column gets its default.
NEW_FIELDS = {
    Participant: (
        "number",
        "first_name",
        "last_name",
        "birth_date",
        "coach_id",
        "referrer_id",
        "registration_date",
        "closed_on",
        "stored_phase",
        "phase_on",
        "phase_until",
    ),
    Intake: ("participant_id", "date", "outcome"),
    Trajectory: ("participant_id", "kind", "start", "end", "outcome"),
    Placement: ("participant_id", "employer_id", "mentor_id", "start", "end"),
    Dropout: ("participant_id", "date", "reason_id", "explanation", "route"),
    Outflow: ("participant_id", "date", "kind", "employer_id", "job_title"),
    Credential: ("participant_id", "trajectory_id", "kind", "awarded_on"),
}


class Writes:
    """What to write, per model: new records as dicts of NEW_FIELDS, and existing ones
    (instances) with the fields that changed."""

    def __init__(self):
        self.new: dict[type, list[dict]] = {model: [] for model in NEW_FIELDS}
        self.changed: dict[type, list] = {}
        self.fields: dict[type, set] = {}

    def put(self, model, existing, attrs: dict, **on_create):
        """Create a record of `model` with `attrs` (and `on_create`), or set `attrs` on
        `existing`. Returns the new record's dict or the instance."""
        if existing is None:
            row = attrs | on_create
            self.new[model].append(row)
            return row
        changed = [k for k, v in attrs.items() if getattr(existing, k) != v]
        if changed:
            for k in changed:
                setattr(existing, k, attrs[k])
            self.changed.setdefault(model, []).append(existing)
            self.fields.setdefault(model, set()).update(changed)
        return existing

    def save(self, model, returning: bool = False) -> None:
        if self.changed.get(model):
            fields = sorted(self.fields[model])
            rows = [(obj.pk, *(getattr(obj, f) for f in fields)) for obj in self.changed[model]]
            update_rows(model, fields, rows)
        fields = NEW_FIELDS[model]
        rows = self.new[model]
        ids = insert_rows(model, list(fields), [tuple(r[f] for f in fields) for r in rows], returning)
        for row, pk in zip(rows, ids or [], strict=False):
            row["id"] = pk


def stored_state(v: dict, today: datetime.date) -> dict:
    """What `refresh_state()` stores for a participant the import creates, from the
    row's typed values: the records it creates are all they have (an intake, a
    voortraject, a trajectory, a dropout, an outflow; no pause, no re-entry). The rules
    of `lifecycle.closed_on`, `lifecycle.phase` and `lifecycle.next_changes` for that
    case; tests/participants/test_register_rows.py checks them against refresh_state."""
    trajectories = []  # (kind, start, end) of the trajectories the row creates
    if v.get("voortraject_start"):
        trajectories.append((PRE, v["voortraject_start"], v.get("voortraject_eind")))
    if v.get("traject"):
        end = v.get("traject_eind") or v.get("behaald_datum")
        trajectories.append((v["traject"].lower(), v.get("traject_start"), end))
    exits = {kind: v.get(column) for kind, column in [("out", "uitstroom_datum"), ("drop", "uitval_datum")]}
    past = {kind: date for kind, date in exits.items() if date and date <= today}
    running = {
        kind for kind, start, end in trajectories if start and start <= today and not (end and end < today)
    }
    if past:
        phase = Phase.OUTFLOWED if past.get("out") == max(past.values()) else Phase.DROPPED_OUT
    elif running - {PRE}:
        phase = Phase.IN_TRAJECTORY
    elif running:
        phase = Phase.PRE_TRAJECTORY
    elif any(start and start <= today for _kind, start, _end in trajectories):
        phase = Phase.COMPLETED
    else:
        phase = Phase.INTAKE if v.get("intakedatum") else Phase.REGISTERED
    changes = [start for _kind, start, _end in trajectories if start and start > today]
    changes += [
        end + datetime.timedelta(days=1) for _kind, _start, end in trajectories if end and end >= today
    ]
    changes += [date for date in exits.values() if date and date > today]
    return {
        "closed_on": max((date for date in exits.values() if date), default=None),
        "stored_phase": phase,
        "phase_on": today,
        "phase_until": min(changes, default=None),
    }


def _new_organisations(plan) -> dict[str, int]:
    """Ids of the organisations by lowercased name, the file's new ones created: a
    referrer where the file names it as one, otherwise an employer."""
    ids = {name: o.pk for name, o in plan.lookups.organisations.items()}
    referrers = {r.values.get("verwijzer", "").lower() for r in plan.rows}
    kinds = [
        Organisation.Kind.REFERRER if name.lower() in referrers else Organisation.Kind.EMPLOYER
        for name in plan.new_organisations
    ]
    new = insert_rows(
        Organisation, ["name", "kind"], list(zip(plan.new_organisations, kinds, strict=True)), returning=True
    )
    return ids | {name.lower(): pk for name, pk in zip(plan.new_organisations, new, strict=True)}


def _mentors(todo, org_ids: dict[str, int]) -> dict[tuple[int, str], int]:
    """Ids of the placements' mentors by (employer id, lowercased name), new ones created."""
    wanted = {}
    for r in todo:
        if r.values.get("leerbedrijf") and r.values.get("leermeester"):
            employer = org_ids[r.values["leerbedrijf"].lower()]
            wanted.setdefault((employer, r.values["leermeester"].lower()), r.values["leermeester"])
    employers = {employer for employer, _name in wanted}
    ids = {
        (m.organisation_id, m.name.lower()): m.pk
        for m in Mentor.objects.filter(organisation_id__in=employers).only("organisation_id", "name")
    }
    missing = [(employer, name) for (employer, key), name in wanted.items() if (employer, key) not in ids]
    new = insert_rows(Mentor, ["organisation_id", "name"], missing, returning=True)
    return ids | {(employer, name.lower()): pk for (employer, name), pk in zip(missing, new, strict=True)}


@transaction.atomic
def apply_import(plan, *, by) -> dict:
    """Save a plan without errors: creates and updates in bulk, in one transaction.
    Only non-empty cells change records; records the register does not describe
    (progress entries, other placements) are never touched."""
    if not plan.ok:
        raise ValueError("A plan with errors cannot be applied.")
    lookups = plan.lookups
    todo = [r for r in plan.rows if r.status != "ongewijzigd"]
    org_ids = _new_organisations(plan)
    mentor_ids = _mentors(todo, org_ids)

    def org(name):
        return org_ids[name.lower()] if name else None

    def participant_attrs(v: dict) -> dict:
        attrs = {"first_name": v["voornaam"], "last_name": v["achternaam"]}
        for column, attr, value in [
            ("geboortedatum", "birth_date", v.get("geboortedatum")),
            ("coach", "coach_id", getattr(lookups.coaches.get(v.get("coach", "").lower()), "pk", None)),
            ("verwijzer", "referrer_id", org(v.get("verwijzer"))),
            ("aanmelddatum", "registration_date", v.get("aanmelddatum")),
        ]:
            if v.get(column):
                attrs[attr] = value
        return attrs

    new = [r for r in todo if r.status == "nieuw"]
    blank = dict.fromkeys(NEW_FIELDS[Participant])
    today = timezone.localdate()
    rows = [
        blank | participant_attrs(r.values) | stored_state(r.values, today) | {"number": r.number}
        for r in new
    ]
    created = insert_rows(
        Participant, list(NEW_FIELDS[Participant]), [tuple(row.values()) for row in rows], returning=True
    )
    ids = {number: p.pk for number, p in lookups.participants.items()}
    ids |= {r.number: pk for r, pk in zip(new, created, strict=True)}
    writes = Writes()
    credentials = []
    for r in todo:
        v, pid = r.values, ids[r.number]
        existing = lookups.participants.get(r.number)
        s = lookups.state[existing.pk] if existing else {}
        if existing:
            writes.put(Participant, existing, participant_attrs(v))
        on_create = {"participant_id": pid}
        if v.get("intakedatum"):
            writes.put(
                Intake,
                s.get("intake"),
                {"date": v["intakedatum"]},
                outcome=Intake.Outcome.ADMITTED,
                **on_create,
            )
        if v.get("voortraject_start"):
            t = s.get("voortraject")
            end = v.get("voortraject_eind")
            was = t.outcome if t else ONGOING
            outcome = (was if was != ONGOING else ACHIEVED) if end else ONGOING
            writes.put(
                Trajectory,
                t,
                {"start": v["voortraject_start"], "end": end, "outcome": outcome},
                kind="voortraject",
                **on_create,
            )
        if v.get("traject"):
            t = s.get("traject")
            end = v.get("traject_eind") or v.get("behaald_datum")
            was = t.outcome if t else ONGOING
            if not end:
                outcome = ONGOING
            elif v.get("behaald_datum"):
                outcome = ACHIEVED
            else:
                outcome = was if was != ONGOING else STOPPED
            kind = v["traject"].lower()
            t = writes.put(
                Trajectory,
                t,
                {"kind": kind, "start": v.get("traject_start"), "end": end, "outcome": outcome},
                **on_create,
            )
            if v.get("behaald_datum"):
                credentials.append((pid, t, kind, v["behaald_datum"], s.get("credential")))
        if v.get("leerbedrijf"):
            employer = org(v["leerbedrijf"])
            pl = s.get("placement")
            mentor = mentor_ids[(employer, v["leermeester"].lower())] if v.get("leermeester") else None
            writes.put(
                Placement,
                pl,
                {
                    "employer_id": employer,
                    "mentor_id": mentor or (pl.mentor_id if pl else None),
                    "start": v.get("plaatsing_start") or (pl.start if pl else None),
                    "end": v.get("plaatsing_eind"),
                },
                **on_create,
            )
        if v.get("uitval_datum"):
            reason = lookups.reasons.get(v.get("uitval_reden", "").lower())
            d = s.get("dropout")
            writes.put(
                Dropout,
                d,
                {
                    "date": v["uitval_datum"],
                    "reason_id": reason.pk if reason else (d.reason_id if d else None),
                    "explanation": v.get("uitval_toelichting") or (d.explanation if d else ""),
                    "route": lookups.routes[route_key(v["uitval_vervolg"])]
                    if v.get("uitval_vervolg")
                    else (d.route if d else Dropout._meta.get_field("route").default),
                },
                **on_create,
            )
        if v.get("uitstroom_datum"):
            o = s.get("outflow")
            writes.put(
                Outflow,
                o,
                {
                    "date": v["uitstroom_datum"],
                    "kind": OUTFLOW_LABELS[v["uitstroom_soort"].lower()],
                    "employer_id": org(v.get("uitstroom_werkgever")) or (o.employer_id if o else None),
                    "job_title": v.get("uitstroom_functie") or (o.job_title if o else ""),
                },
                **on_create,
            )

    writes.save(Participant)  # the changed ones; the new ones are written above
    for model in (Intake, Trajectory, Placement, Dropout, Outflow):
        writes.save(model, returning=model is Trajectory)
    for pid, t, kind, awarded_on, existing in credentials:
        trajectory_id = t["id"] if isinstance(t, dict) else t.pk
        writes.put(
            Credential,
            existing,
            {"kind": kind, "awarded_on": awarded_on},
            participant_id=pid,
            trajectory_id=trajectory_id,
        )
    writes.save(Credential)

    # The stored phase of new participants was written with them.
    changed = [ids[r.number] for r in todo if r.status != "nieuw"]
    if changed:
        Participant.objects.filter(pk__in=changed).refresh_state()
    summary = plan.summary
    label = Participant._meta.label_lower
    log_actions(
        by=by,
        entries=[
            {
                "action": "participants.participant.imported",
                "participant": ids[r.number],
                "obj": f"{label}:{ids[r.number]}",
                "data": {"status": r.status, "columns": r.changes},
            }
            for r in todo
        ]
        + [
            {
                "action": "participants.register.imported",
                "data": {
                    **summary,
                    "sha256": plan.file.sha256,
                    "mapped": plan.mapped_codes(),
                    "new_organisations": sorted(org_ids[name.lower()] for name in plan.new_organisations),
                },
            }
        ],
    )
    return summary
