"""Personal data in PLP, in one place: what each field holds, whether it is special
category data (AVG art. 9), how long it is kept, and what anonymising does with it.
`tests/participants/test_privacy.py` fails when a field is added without a line here.
The processing register (AVG art. 30) is printed from it: `manage.py processing_register`."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Field:
    category: str  # what kind of data
    special: bool  # special category (health, and here also debts and home situation)
    anonymise: str  # "erase", "replace" or "keep" (dates and categories the figures need)


ID = "identificatie"
CONTACT = "contactgegevens"
CASE = "trajectgegevens (datums en categorieën)"
HEALTH = "gezondheid, schulden, thuissituatie (vrije tekst)"
WORK = "werk en opleiding"
SYSTEM = "systeemgegevens"

KEEP, ERASE, REPLACE = "keep", "erase", "replace"

PERSONAL_DATA: dict[str, dict[str, Field]] = {
    "participants.Participant": {
        "id": Field(SYSTEM, False, KEEP),
        "number": Field(ID, False, REPLACE),
        "first_name": Field(ID, False, REPLACE),
        "last_name": Field(ID, False, ERASE),
        "birth_date": Field(ID, False, ERASE),
        "email": Field(CONTACT, False, ERASE),
        "phone": Field(CONTACT, False, ERASE),
        "coach": Field(CASE, False, KEEP),
        "team": Field(CASE, False, KEEP),
        "referrer": Field(CASE, False, KEEP),
        "registration_date": Field(CASE, False, KEEP),
        "anonymised_at": Field(SYSTEM, False, KEEP),
        "closed_on": Field(CASE, False, KEEP),
        "stored_phase": Field(CASE, False, KEEP),
        "ready_for_judgment": Field(CASE, False, KEEP),
        "phase_on": Field(SYSTEM, False, KEEP),
        "phase_until": Field(SYSTEM, False, KEEP),
        "created_at": Field(SYSTEM, False, KEEP),
        "updated_at": Field(SYSTEM, False, KEEP),
        # Generated from number and names: anonymising replaces it with them.
        "search_text": Field(ID, False, REPLACE),
    },
    "participants.Intake": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "date": Field(CASE, False, KEEP),
        "motivation": Field(HEALTH, True, ERASE),
        "load_capacity": Field(HEALTH, True, ERASE),
        "load_capacity_notes": Field(HEALTH, True, ERASE),
        "learning_style": Field(HEALTH, True, ERASE),
        "network": Field(HEALTH, True, ERASE),
        "tests_used": Field(HEALTH, True, ERASE),
        "outcome": Field(CASE, False, KEEP),
        "trial_start": Field(CASE, False, KEEP),
        "trial_end": Field(CASE, False, KEEP),
    },
    "participants.Trajectory": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "kind": Field(CASE, False, KEEP),
        "start": Field(CASE, False, KEEP),
        "end": Field(CASE, False, KEEP),
        "outcome": Field(CASE, False, KEEP),
        "notes": Field(HEALTH, True, ERASE),
    },
    "participants.Placement": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "employer": Field(WORK, False, KEEP),
        "mentor": Field(WORK, False, KEEP),
        "hours_per_week": Field(WORK, False, KEEP),
        "start": Field(CASE, False, KEEP),
        "end": Field(CASE, False, KEEP),
        "notes": Field(HEALTH, True, ERASE),
    },
    "participants.ProgressEntry": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "date": Field(CASE, False, KEEP),
        "kind": Field(CASE, False, KEEP),
        "duration_minutes": Field(CASE, False, KEEP),
        "notes": Field(HEALTH, True, ERASE),
        "author": Field(SYSTEM, False, KEEP),
        "created_at": Field(SYSTEM, False, KEEP),
    },
    "participants.Signal": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "entry": Field(SYSTEM, False, KEEP),
        "kind": Field(HEALTH, True, KEEP),
        "raised_on": Field(CASE, False, KEEP),
        "closed_on": Field(CASE, False, KEEP),
        "closed_by": Field(SYSTEM, False, KEEP),
        "closing_note": Field(HEALTH, True, ERASE),
    },
    "participants.Credential": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "trajectory": Field(SYSTEM, False, KEEP),
        "kind": Field(CASE, False, KEEP),
        "awarded_on": Field(CASE, False, KEEP),
        "issuer": Field(WORK, False, KEEP),
        "accepted_work_processes": Field(WORK, False, KEEP),
        "work_processes": Field(WORK, False, KEEP),
    },
    "participants.Pause": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "start": Field(CASE, False, KEEP),
        "end": Field(CASE, False, KEEP),
        "planned_end": Field(CASE, False, KEEP),
        "reason": Field(HEALTH, True, ERASE),
    },
    "participants.Dropout": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "date": Field(CASE, False, KEEP),
        "reason": Field(CASE, False, KEEP),
        "explanation": Field(HEALTH, True, ERASE),
        # A category the figures count (rule 14); "zorg" tells of treatment: special.
        "route": Field(HEALTH, True, KEEP),
        "follow_up": Field(HEALTH, True, ERASE),
    },
    "participants.Outflow": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "date": Field(CASE, False, KEEP),
        "kind": Field(CASE, False, KEEP),
        "employer": Field(WORK, False, KEEP),
        "job_title": Field(WORK, False, KEEP),
    },
    "participants.Reminder": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "title": Field(HEALTH, True, ERASE),
        "due_on": Field(CASE, False, KEEP),
        "assigned_to": Field(SYSTEM, False, KEEP),
        "notes": Field(HEALTH, True, ERASE),
        "done_on": Field(CASE, False, KEEP),
        "created_by": Field(SYSTEM, False, KEEP),
    },
    "participants.FollowUp": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "outflow": Field(SYSTEM, False, KEEP),
        "months": Field(CASE, False, KEEP),
        "answered_on": Field(CASE, False, KEEP),
        "still_active": Field(WORK, False, KEEP),
        "notes": Field(HEALTH, True, ERASE),
    },
    "participants.Attachment": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "title": Field(HEALTH, True, ERASE),
        "file": Field(HEALTH, True, ERASE),
        "original_name": Field(HEALTH, True, ERASE),
        "content_type": Field(SYSTEM, False, KEEP),
        "size": Field(SYSTEM, False, KEEP),
        "uploaded_by": Field(SYSTEM, False, KEEP),
        "uploaded_at": Field(SYSTEM, False, KEEP),
    },
    # Observations are evidence of learning: personal data. Their free text may say more
    # than intended (health, home), so it is classified special, to be safe; steps and
    # dates stay after anonymising so that rules 10-11 do not change.
    "participants.Observation": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "trajectory": Field(SYSTEM, False, KEEP),
        "date": Field(CASE, False, KEEP),
        "observer": Field(CASE, False, KEEP),
        "mentor": Field(WORK, False, KEEP),
        "situation": Field(HEALTH, True, ERASE),
        "task": Field(HEALTH, True, ERASE),
        "action": Field(HEALTH, True, ERASE),
        "result": Field(HEALTH, True, ERASE),
        "reflection": Field(HEALTH, True, ERASE),
        "note": Field(HEALTH, True, ERASE),
        "attachment": Field(SYSTEM, False, KEEP),
        "author": Field(SYSTEM, False, KEEP),
        "created_at": Field(SYSTEM, False, KEEP),
    },
    "participants.ObservationStep": {
        "id": Field(SYSTEM, False, KEEP),
        "observation": Field(SYSTEM, False, KEEP),
        "goal": Field(WORK, False, KEEP),
        "step": Field(WORK, False, KEEP),
        "date": Field(CASE, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
    },
    # Given by the workplace mentor through the link: how it goes is a wellbeing signal
    # (special); the note is free text, erased on anonymising.
    "participants.MentorCheckin": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "placement": Field(SYSTEM, False, KEEP),
        "link": Field(SYSTEM, False, KEEP),
        "date": Field(CASE, False, KEEP),
        "mood": Field(HEALTH, True, KEEP),
        "note": Field(HEALTH, True, ERASE),
        "wants_contact": Field(CASE, False, KEEP),
        "signal": Field(SYSTEM, False, KEEP),
        "created_at": Field(SYSTEM, False, KEEP),
    },
    # Support needs tell of money, health, home and care: special category data, for the
    # assigned coach and coordinators. Kinds, statuses and dates stay after anonymising
    # (rule 15); the text, the chain partner and the contact person there are erased.
    "participants.SupportNeed": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "kind": Field(HEALTH, True, KEEP),
        "description": Field(HEALTH, True, ERASE),
        "since": Field(CASE, False, KEEP),
        "status": Field(CASE, False, KEEP),
        "closed_on": Field(CASE, False, KEEP),
        "partner": Field(HEALTH, True, ERASE),
        "contact_person": Field(HEALTH, True, ERASE),
        "created_by": Field(SYSTEM, False, KEEP),
    },
    # Who was invited to a group lesson and whether they came (rule 12). The reasons of
    # absence are codes with no health in them.
    "participants.LessonAttendance": {
        "id": Field(SYSTEM, False, KEEP),
        "lesson": Field(CASE, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "present": Field(CASE, False, KEEP),
        "absence": Field(CASE, False, KEEP),
    },
    # The summary judgment: what was mastered stays (the figures and the school's record);
    # the motivation is free text (special, to be safe) and the frozen PDF names the
    # participant: anonymising erases both, and the mentor's name.
    "participants.Judgment": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "trajectory": Field(SYSTEM, False, KEEP),
        "version": Field(SYSTEM, False, KEEP),
        "mentor_name": Field(WORK, False, ERASE),
        "signed_on": Field(CASE, False, KEEP),
        "sent_on": Field(CASE, False, KEEP),
        "pdf": Field(HEALTH, False, ERASE),
        "pdf_sha256": Field(SYSTEM, False, KEEP),
        "created_by": Field(SYSTEM, False, KEEP),
        "created_at": Field(SYSTEM, False, KEEP),
    },
    "participants.JudgmentItem": {
        "id": Field(SYSTEM, False, KEEP),
        "judgment": Field(SYSTEM, False, KEEP),
        "goal": Field(WORK, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "mastered": Field(WORK, False, KEEP),
        "motivation": Field(HEALTH, True, ERASE),
        "evidence_dates": Field(CASE, False, KEEP),
    },
    "participants.ReEntry": {
        "id": Field(SYSTEM, False, KEEP),
        "participant": Field(SYSTEM, False, KEEP),
        "date": Field(CASE, False, KEEP),
        "reason": Field(HEALTH, True, ERASE),
        "recorded_by": Field(SYSTEM, False, KEEP),
    },
}


def special_fields(model) -> set[str]:
    """The names of `model`'s fields classified as special category data."""
    return {name for name, field in PERSONAL_DATA.get(model._meta.label, {}).items() if field.special}


def shows_special(form_class) -> bool:
    """Whether a model form renders a field classified as special: a page showing such a
    form for an existing record is for those who `may_see_sensitive`, and opening it is
    audited as a view."""
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None)
    return model is not None and bool(special_fields(model) & set(form_class.base_fields))


PURPOSES = {
    ID: "Herkennen van de deelnemer en koppelen aan het register.",
    CONTACT: "Contact met de deelnemer over afspraken.",
    CASE: "Begeleiding en de verantwoording aan de financier (geanonimiseerd bewaard voor de cijfers).",
    HEALTH: "Passende begeleiding: vroegsignalering van stress, terugval, schulden en thuissituatie.",
    WORK: "Plaatsing op een leerwerkplek en uitstroom naar werk of opleiding.",
    SYSTEM: "Werking van de applicatie.",
}


def retention_text() -> str:
    years = settings.PLP_RETENTION_YEARS
    return f"{years} jaar na uitval of uitstroom; daarna geanonimiseerd (apply_retention)"


def processing_register() -> str:
    """The register of processing activities (AVG art. 30) as plain text."""
    lines = [
        "Verwerkingsregister PLP (AVG artikel 30)",
        "",
        "Verwerking: casusregistratie en verantwoording van het werk-leertraject Praktijk Leren Plus.",
        "Betrokkenen: deelnemers (mensen met een kwetsbare positie op de arbeidsmarkt).",
        "Ontvangers: praktijkopleiders en ervaringsdeskundigen (eigen deelnemers), coördinatoren; de "
        "financier ontvangt alleen geaggregeerde cijfers zonder persoonsgegevens.",
        f"Bewaartermijn: {retention_text()}. Het toegangslog wordt vijf jaar bewaard.",
        "Beveiliging: tweestapsverificatie, rollen, toegangslog (NEN 7513), versleutelde verbinding.",
        "",
    ]
    by_category: dict[str, list[str]] = {}
    for model, fields in PERSONAL_DATA.items():
        for name, field in fields.items():
            if field.category == SYSTEM:
                continue
            flag = " (bijzonder persoonsgegeven)" if field.special else ""
            by_category.setdefault(field.category, []).append(f"{model.split('.')[1]}.{name}{flag}")
    for category, fields in by_category.items():
        lines.append(f"Categorie: {category}")
        lines.append(f"  Doel: {PURPOSES[category]}")
        lines.append("  Velden: " + ", ".join(fields))
        lines.append("")
    return "\n".join(lines)


def linked_models() -> list[str]:
    """Every model that holds data about a participant: the Participant and the models
    with a foreign key to it."""
    from .models import Participant

    labels = {"participants.Participant"}
    for rel in Participant._meta.related_objects:
        if rel.related_model._meta.app_label == "participants" and not rel.many_to_many:
            labels.add(rel.related_model._meta.label)
    return sorted(labels)


def participant_export(participant) -> dict:
    """Everything held about one participant (right of access, AVG art. 15), per model,
    with the fields of PERSONAL_DATA, plus who accessed the file."""
    from django.apps import apps

    from plp.models import AuditEntry

    def value(obj, name):
        field = obj._meta.get_field(name)
        if field.many_to_many:
            return [str(x) for x in getattr(obj, name).all()]
        v = getattr(obj, name)
        if field.is_relation:
            return str(v) if v is not None else None
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if isinstance(v, bytes | memoryview):  # a stored document: its size, not its bytes
            return f"{len(v)} bytes"
        return str(v) if v is not None and not isinstance(v, (int, float, str, bool)) else v

    data = {}
    for label, fields in PERSONAL_DATA.items():
        model = apps.get_model(label)
        objs = [participant] if model is type(participant) else model.objects.filter(participant=participant)
        data[model._meta.verbose_name_plural.__str__()] = [
            {str(model._meta.get_field(name).verbose_name): value(obj, name) for name in fields}
            for obj in objs
        ]
    data["toegangslog"] = [
        {
            "tijdstip": a.at.isoformat(),
            "gebruiker": a.username,
            "rol": a.role,
            "handeling": a.action,
            "betreft": a.record,
            "resultaat": a.result,
        }
        for a in AuditEntry.objects.filter(participant_id=participant.pk).order_by("at")
    ]
    return data
