"""The audit trail holds ids, codes and fixed labels, never text a user typed: it can
never be changed, so anything personal in it would outlive anonymisation (issue 12.6)."""

import datetime
import importlib
import json

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from participants import services
from participants.models import (
    Attachment,
    CoachOpenFiles,
    Credential,
    DropoutReason,
    FigureEvent,
    FigureMonth,
    FollowUp,
    Intake,
    Judgment,
    JudgmentItem,
    LearningGoal,
    LessonDay,
    Mentor,
    MentorCheckin,
    Observation,
    OpenPhaseDay,
    Organisation,
    Participant,
    PendingImport,
    ProgressDay,
    ProgressEntry,
    QualificationFile,
    QualityIssue,
    ReEntry,
    Reminder,
    Signal,
    WorkProcess,
)
from plp import audit
from plp.models import AuditEntry
from reporting.models import Deliverable, PdfJob, ProjectYear, ReportEdition, Risk, WorkPlanTask
from tests.factories import (
    CredentialFactory,
    DropoutFactory,
    OutflowFactory,
    PauseFactory,
    PlacementFactory,
    ProgressEntryFactory,
    TrajectoryFactory,
)
from tests.participants.audit_walk_support import walk_support
from tests.participants.test_register import BASE, csv_bytes

pytestmark = pytest.mark.django_db
D = datetime.date
CANARY = "Qzx7Kanarie"

# Models whose text no user types: the trail itself, an upload between preview and
# confirm (deleted either way), the worker's error text and the rollups the database
# derives (hours, the report's events).
NOT_TYPED = {
    AuditEntry,
    PendingImport,
    PdfJob,
    ProgressDay,
    FigureEvent,
    FigureMonth,
    QualityIssue,
    LessonDay,
    OpenPhaseDay,
    CoachOpenFiles,
}
# A document's type is detected from its content by the server.
NOT_TYPED_FIELDS = {"participants.attachment.content_type"}
# A crebo number is a code of digits (validated), not text.
NOT_TYPED_FIELDS |= {"participants.qualificationfile.crebo"}


def free_text_fields(model) -> list[models.Field]:
    """Every field where a user types free text: char and text fields without choices
    (a slug is a code, chosen to be one)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.SlugField)
        and not f.choices
        and f.editable
        and f"{model._meta.label_lower}.{f.name}" not in NOT_TYPED_FIELDS
    ]


CANARY_MODELS = [
    model
    for app in ("participants", "reporting")
    for model in apps.get_app_config(app).get_models()
    if model not in NOT_TYPED and free_text_fields(model)
]


def canary(field: models.Field) -> str:
    if isinstance(field, models.EmailField):
        return f"{CANARY.lower()}@example.org"
    return f"{CANARY} heeft schulden"[: field.max_length or None]


def fill(obj):
    """Write the canary into every free-text field of `obj` (unsaved)."""
    for field in free_text_fields(type(obj)):
        setattr(obj, field.name, canary(field))
    return obj


def repost(client, url: str, model) -> None:
    """Open an edit page and save it as a browser would, with the canary in every
    free-text field the form has."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        elif value is not None:
            data[name] = value
    for f in free_text_fields(model):
        if f.name in form.fields and CANARY.lower() not in str(data.get(f.name, "")).lower():
            data[f.name] = canary(f)
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.context["form"].errors if response.context else "")


def test_no_typed_text_reaches_the_audit_trail(coordinator_client, coordinator, coach, settings):
    by = coordinator
    # Reference data, through the coordinator pages.
    employer = Organisation.objects.create(**{**_texts(Organisation), "kind": Organisation.Kind.EMPLOYER})
    referrer = Organisation.objects.create(
        **{**_texts(Organisation), "name": f"{CANARY} verwijzer", "kind": Organisation.Kind.REFERRER}
    )
    mentor = Mentor.objects.create(organisation=employer, **_texts(Mentor))
    reason = DropoutReason.objects.create(code="qzx-reden", **_texts(DropoutReason))
    for kind, obj in (("organisation", employer), ("organisation", referrer), ("mentor", mentor)):
        repost(coordinator_client, reverse("participants:managed-edit", args=[kind, obj.pk]), type(obj))
    repost(
        coordinator_client, reverse("participants:managed-edit", args=["reason", reason.pk]), DropoutReason
    )

    # A whole file, through the services.
    p = services.participant_save(
        by=by,
        participant=fill(Participant(coach=coach, referrer=referrer, registration_date=D(2024, 1, 1))),
    )
    services.intake_record(by=by, intake=fill(Intake(participant=p, date=D(2024, 1, 10))))
    trajectory = services.trajectory_save(by=by, trajectory=fill(TrajectoryFactory.build(participant=p)))
    placement = services.placement_save(
        by=by, placement=fill(PlacementFactory.build(participant=p, employer=employer, mentor=mentor))
    )
    # The workplace mentor's link: made and mailed by the coach, a check-in through it.
    link, token = services.mentor_link_make(by=by, placement=placement, email=True)
    from django.test import Client

    response = Client().post(
        reverse("mentor:checkin", args=[token]),
        {"mood": "zorgen", "note": canary(MentorCheckin.note.field), "wants_contact": "on"},
    )
    assert response.status_code == 302
    services.mentor_link_revoke(by=by, link=link)
    placement = services.placement_switch(
        by=by,
        current=placement,
        new=fill(PlacementFactory.build(participant=p, employer=employer, start=D(2024, 3, 1))),
    )
    entry = services.progress_entry_record(
        by=by, entry=fill(ProgressEntryFactory.build(participant=p)), signal_kinds=["stress"]
    )
    services.signal_close(
        by=by,
        signal=Signal.objects.get(participant=p, kind="stress"),
        closed_on=D(2024, 3, 2),
        note=canary(Signal.closing_note.field),
    )
    credential = services.credential_award(
        by=by, credential=fill(CredentialFactory.build(participant=p, kind=trajectory.kind))
    )
    pause = services.pause_save(
        by=by, pause=fill(PauseFactory.build(participant=p, planned_end=D(2024, 5, 1)))
    )
    services.pause_end(by=by, pause=pause, end=D(2024, 4, 10))
    reminder = services.reminder_save(
        by=by, reminder=fill(Reminder(participant=p, due_on=D(2024, 5, 1), assigned_to=coach))
    )
    services.reminder_done(by=by, reminder=reminder, on=D(2024, 5, 1))
    attachment = services.attachment_add(
        by=by,
        participant=p,
        upload=SimpleUploadedFile(f"{CANARY}.pdf", b"%PDF-1.4\n%canary\n"),
        title=canary(Attachment.title.field),
    )
    outflow = services.outflow_record(
        by=by, outflow=fill(OutflowFactory.build(participant=p, employer=employer, date=D(2024, 6, 1)))
    )
    services.followup_record(
        by=by,
        followup=fill(FollowUp(outflow=outflow, months=6, answered_on=D(2024, 12, 1), still_active=True)),
    )
    services.reentry_record(by=by, reentry=fill(ReEntry(participant=p, date=D(2025, 1, 6))))
    services.dropout_record(
        by=by, dropout=fill(DropoutFactory.build(participant=p, date=D(2025, 2, 1), reason=reason))
    )

    # The same records changed through their edit pages.
    edits = {
        "participant-edit": (Participant, []),
        "intake-edit": (Intake, []),
        "trajectory-edit": (type(trajectory), [trajectory.pk]),
        "placement-edit": (type(placement), [placement.pk]),
        "entry-edit": (ProgressEntry, [entry.pk]),
        "credential-edit": (type(credential), [credential.pk]),
        "pause-edit": (type(p.pauses.get()), [p.pauses.get().pk]),
        "outflow-edit": (type(outflow), [outflow.pk]),
        "dropout-edit": (type(p.dropouts.get()), [p.dropouts.get().pk]),
        "reminder-edit": (Reminder, [reminder.pk]),
    }
    for name, (model, args) in edits.items():
        repost(coordinator_client, reverse(f"participants:{name}", args=[p.pk, *args]), model)

    # Reading, searching, exporting.
    coordinator_client.get(p.get_absolute_url())
    coordinator_client.get(reverse("participants:caseload"), {"q": CANARY})
    coordinator_client.get(reverse("participants:export"), {"q": CANARY, "format": "csv"})
    coordinator_client.get(reverse("participants:participant-export", args=[p.pk]))
    coordinator_client.get(reverse("participants:attachment-download", args=[p.pk, attachment.pk]))

    # The report: an edition with its items, a project year, a traced employer figure.
    # (Created through its page: saving an existing edition trips over the model's own
    # `version` field, which shadows the form's edit lock; a separate bug.)
    repost(coordinator_client, reverse("reporting:edition-create"), ReportEdition)
    edition = ReportEdition.objects.get()
    task = WorkPlanTask.objects.create(
        edition=edition, status=WorkPlanTask._meta.get_field("status").choices[0][0], **_texts(WorkPlanTask)
    )
    risk = Risk.objects.create(edition=edition, **_texts(Risk))
    deliverable = Deliverable.objects.create(edition=edition, date=D(2024, 6, 1), **_texts(Deliverable))
    for kind, item in (("task", task), ("risk", risk), ("deliverable", deliverable)):
        repost(
            coordinator_client, reverse("reporting:item-edit", args=[edition.pk, kind, item.pk]), type(item)
        )
    from reporting import services as reporting_services

    copy = ReportEdition(
        period_start=D(2025, 1, 1), period_end=D(2025, 12, 31), reference_date=D(2025, 12, 31)
    )
    reporting_services.edition_create_copy(by=by, edition=copy, source=edition)
    year = ProjectYear.objects.create(start=D(2024, 1, 1), end=D(2024, 12, 31), **_texts(ProjectYear))
    repost(coordinator_client, reverse("reporting:projectyear-edit", args=[year.pk]), ProjectYear)
    coordinator_client.get(
        reverse("reporting:trace"),
        {"figure": "werkgever", "key": employer.name, "from": "2024-01-01", "to": "2024-12-31"},
    )
    coordinator_client.get(
        reverse("reporting:trace"),
        {"figure": "uitval_per_reden", "key": CANARY, "from": "2024-01-01", "to": "2024-12-31"},
    )
    coordinator_client.get(reverse("reporting:edition-json", args=[edition.pk]))

    # A register import: names, a new employer and mentor, and the file name.
    row = {
        **BASE,
        "deelnemernummer": "PLP-2024-077",
        "voornaam": CANARY,
        "achternaam": CANARY,
        "coach": coach.username,
        "verwijzer": referrer.name,
        "leerbedrijf": f"{CANARY} BV",
        "leermeester": CANARY,
    }
    upload = SimpleUploadedFile(f"{CANARY}.csv", csv_bytes([row]), content_type="text/csv")
    coordinator_client.post(reverse("participants:import"), {"file": upload})
    pending = PendingImport.objects.get()
    coordinator_client.post(reverse("participants:import-confirm", args=[pending.pk]))
    assert Participant.objects.filter(first_name=CANARY).exists()

    walk_support(coordinator_client, by=by, participant=p, fill=fill, texts=_texts, repost=repost)
    # The learning route: the catalogue (import and pages), goals, an observation, the
    # judgment (saved, sent, downloaded), the certificate.
    catalogue_csv = (
        "crebo,kwalificatie,niveau,kerntaak,code,werkproces\n"
        f"99999,{CANARY} dossier,2,{CANARY} kerntaak,B1-K1-W1,{CANARY} werkproces\n"
    ).encode()
    upload = SimpleUploadedFile(f"{CANARY}.csv", catalogue_csv, content_type="text/csv")
    coordinator_client.post(reverse("participants:catalogue-import"), {"file": upload})
    pending = PendingImport.objects.get()
    coordinator_client.post(reverse("participants:catalogue-confirm", args=[pending.pk]))
    qualification = QualificationFile.objects.get(crebo="99999")
    work_process = qualification.work_processes.get()
    repost(
        coordinator_client,
        reverse("participants:qualification-edit", args=[qualification.pk]),
        QualificationFile,
    )
    repost(
        coordinator_client,
        reverse("participants:workprocess-edit", args=[qualification.pk, work_process.pk]),
        WorkProcess,
    )
    coordinator_client.post(
        reverse("participants:goals-pick", args=[p.pk, trajectory.pk]), {"work_processes": [work_process.pk]}
    )
    goal = trajectory.goals.get()
    repost(coordinator_client, reverse("participants:goal-edit", args=[p.pk, goal.pk]), LearningGoal)
    observation_url = reverse("participants:observation-create", args=[p.pk, trajectory.pk])
    observation = {f.name: canary(f) for f in free_text_fields(Observation)}
    response = coordinator_client.post(
        observation_url, {"date": "2024-03-01", "observer": "coach", f"goal_{goal.pk}": "4", **observation}
    )
    assert response.status_code == 302
    coordinator_client.get(reverse("participants:learning", args=[p.pk, trajectory.pk]))
    judgment_url = reverse("participants:judgment", args=[p.pk, trajectory.pk])
    judged = {f"mastered_{goal.pk}": "1", f"motivation_{goal.pk}": canary(JudgmentItem.motivation.field)}
    signed = {"mentor_name": canary(Judgment.mentor_name.field), "signed_on": "2024-04-01"}
    assert coordinator_client.post(judgment_url, {**judged, **signed, "send": "1"}).status_code == 302
    judgment = Judgment.objects.get()
    coordinator_client.get(reverse("participants:judgment-download", args=[p.pk, judgment.pk]))
    coordinator_client.get(reverse("participants:certificate-download", args=[p.pk]))
    repost(
        coordinator_client, reverse("participants:credential-edit", args=[p.pk, credential.pk]), Credential
    )
    coordinator_client.get(
        reverse("reporting:trace"), {"figure": "gegroeid", "from": "2024-01-01", "to": "2024-12-31"}
    )

    # Every free-text field held the canary: a new field or model cannot be left out.
    for model in CANARY_MODELS:
        for field in free_text_fields(model):
            assert model.objects.filter(**{f"{field.name}__icontains": CANARY}).exists(), field

    # Deleting, anonymising, retention.
    coordinator_client.post(reverse("participants:attachment-delete", args=[p.pk, attachment.pk]))
    coordinator_client.post(reverse("participants:entry-delete", args=[p.pk, entry.pk]))
    services.record_delete(by=by, instance=credential)
    number = Participant.objects.get(pk=p.pk).number
    coordinator_client.post(reverse("participants:participant-anonymise", args=[p.pk]), {"confirm": number})
    settings.PLP_RETENTION_YEARS = 0
    call_command("apply_retention")
    assert Participant.objects.get(pk=p.pk).anonymised_at

    entries = list(AuditEntry.objects.values())
    assert len(entries) > 40
    for entry in entries:
        assert CANARY.lower() not in json.dumps(entry, default=str).lower(), entry
        assert token not in json.dumps(entry, default=str), entry


def _texts(model) -> dict:
    return {f.name: canary(f) for f in free_text_fields(model)}


def test_the_trail_names_the_record_by_model_and_id(coordinator_client, coordinator, participant):
    reminder = services.reminder_save(
        by=coordinator,
        reminder=Reminder(
            participant=participant,
            title="Schuldhulp bellen",
            due_on=D(2024, 5, 1),
            assigned_to=participant.coach,
        ),
    )
    entry = AuditEntry.objects.get(action="participants.reminder.created")
    assert (entry.object_repr, entry.participant_id) == (
        f"participants.reminder:{reminder.pk}",
        participant.pk,
    )
    page = coordinator_client.get(participant.get_absolute_url()).content.decode()
    assert f"Herinnering {reminder.pk}" in page
    assert "Schuldhulp" not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_a_search_is_kept_as_a_fingerprint(coordinator_client):
    coordinator_client.get(reverse("participants:caseload"), {"q": "Sanne  Jansen"})
    coordinator_client.get(reverse("participants:caseload"), {"q": "sanne jansen"})
    first, second = AuditEntry.objects.filter(action="participants.participant.searched").order_by("pk")
    assert first.data["q_words"] == 2 and first.data["q_hash"] == second.data["q_hash"]
    assert "anne" not in json.dumps(first.data).lower()


def test_entries_written_before_are_scrubbed_of_typed_text(coach, participant):
    from django.db import DatabaseError, connection, transaction

    scrub = importlib.import_module("participants.migrations.0017_audit_scrub_typed_text").scrub
    employer = Organisation.objects.create(name="Zorgboerderij Kanarie", kind=Organisation.Kind.EMPLOYER)
    old = {
        "reminder": ("participants.reminder.created", participant.pk, "Schuldhulp bellen", {}),
        "participant": ("participants.participant.changed", participant.pk, participant.number, {}),
        "reset": ("auth.otp.reset", None, coach.username, {}),
        "search": ("participants.participant.searched", None, "", {"q": "Sanne Jansen"}),
        "export": (
            "participants.register.exported",
            None,
            "",
            {"format": "csv", "filters": {"q": "Jansen", "phase": "intake", "x": "Jansen"}},
        ),
        "import": (
            "participants.register.imported",
            None,
            "register Jansen.xlsx",
            {"nieuw": 1, "new_organisations": [employer.name]},
        ),
        "trace": ("reporting.figure.traced", None, "", {"figure": "werkgever", "key": employer.name}),
    }
    rows = {
        key: AuditEntry.objects.create(action=action, participant_id=pid, object_repr=text, data=data)
        for key, (action, pid, text, data) in old.items()
    }
    current = audit.log_action(by=coach, action="participants.participant.viewed", obj=participant)

    # The models as the migration saw them (the trail has since moved to plp).
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state(("participants", "0017_audit_scrub_typed_text"))
    assert scrub(state.apps, connection) == 7
    new = {key: AuditEntry.objects.get(pk=row.pk) for key, row in rows.items()}
    assert new["reminder"].object_repr == ""
    assert new["participant"].object_repr == f"participants.participant:{participant.pk}"
    assert new["reset"].object_repr == f"auth.user:{coach.pk}"
    assert new["search"].data == audit.search_fingerprint("Sanne Jansen")
    assert new["export"].data == {
        "format": "csv",
        "filters": {"phase": "intake", **audit.search_fingerprint("Jansen")},
    }
    assert (new["import"].object_repr, new["import"].data) == (
        "",
        {"nieuw": 1, "new_organisations": [employer.pk]},
    )
    assert new["trace"].data == {"figure": "werkgever", "employer": employer.pk}
    assert AuditEntry.objects.get(pk=current.pk).object_repr == f"participants.participant:{participant.pk}"
    assert AuditEntry.objects.get(action="participants.audit.scrubbed").data == {"entries": 7}
    trail = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert not any(word in trail for word in ("Jansen", "Kanarie", "Schuld", participant.number))

    assert scrub(state.apps, connection) == 0
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=current.pk).update(action="tampered")
