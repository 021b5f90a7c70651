"""The register import and export: all or nothing, every error named by row and column."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from participants import register
from participants.models import (
    Credential,
    Dropout,
    Organisation,
    Outflow,
    Participant,
    PendingImport,
    Placement,
    ProgressEntry,
    Trajectory,
)
from plp.models import AuditEntry
from plp.roles import COACH
from tests.conftest import load_demo
from tests.factories import PlacementFactory, ProgressEntryFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date

BASE = {
    "deelnemernummer": "PLP-2024-001",
    "voornaam": "Sanne",
    "achternaam": "Jansen",
    "geboortedatum": "01-02-1990",
    "coach": "alice",
    "verwijzer": "UWV",
    "aanmelddatum": "2024-01-05",
    "intakedatum": "20-01-2024",
    "traject": "praktijkverklaring",
    "traject_start": "1-2-2024",
    "leerbedrijf": "Ecosol",
    "leermeester": "Henk",
    "plaatsing_start": "01/02/2024",
}


def csv_bytes(rows: list[dict], delimiter=";", bom=True, columns=None) -> bytes:
    columns = columns or register.COLUMNS
    lines = [delimiter.join(columns)] + [delimiter.join(str(r.get(c, "")) for c in columns) for r in rows]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plan(content: bytes):
    return register.plan_import(register.read_register(content, "test"))


def run(content: bytes, user=None):
    p = plan(content)
    assert p.ok, p.messages()
    return register.apply_import(p, by=user)


def snapshot():
    return (
        Participant.objects.count(),
        Trajectory.objects.count(),
        Placement.objects.count(),
        Dropout.objects.count(),
        Outflow.objects.count(),
        Organisation.objects.count(),
    )


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", role=COACH)


def test_import_creates_every_record_of_a_row(alice, coordinator):
    row = {
        **BASE,
        "traject_eind": "2024-09-01",
        "behaald_datum": "2024-09-01",
        "plaatsing_eind": "2024-08-31",
        "uitstroom_datum": "2024-09-15",
        "uitstroom_soort": " Betaald Werk ",
        "uitstroom_werkgever": "Spaarne Werkt",
        "uitstroom_functie": "Kok",
    }
    assert run(csv_bytes([row]), coordinator) == {"nieuw": 1, "gewijzigd": 0, "ongewijzigd": 0}
    p = Participant.objects.get()
    assert (p.first_name, p.coach, p.referrer.name, p.birth_date) == ("Sanne", alice, "UWV", D(1990, 2, 1))
    assert p.intake.date == D(2024, 1, 20)
    t = p.trajectories.get()
    assert (t.kind, t.start, t.end, t.outcome) == (
        "praktijkverklaring",
        D(2024, 2, 1),
        D(2024, 9, 1),
        "behaald",
    )
    assert Credential.objects.get().awarded_on == D(2024, 9, 1)
    pl = p.placements.get()
    assert (pl.employer.name, pl.mentor.name, pl.end) == ("Ecosol", "Henk", D(2024, 8, 31))
    assert Outflow.objects.get().kind == "betaald werk"
    assert AuditEntry.objects.filter(action="participants.register.imported").count() == 1
    entry = AuditEntry.objects.get(action="participants.participant.imported", participant_id=p.pk)
    # Written like every other entry: with the importer's role (and address, when known).
    assert (entry.user, entry.role, entry.object_repr) == (
        coordinator,
        "coordinator",
        f"participants.participant:{p.pk}",
    )


def test_reimport_changes_nothing_and_a_changed_cell_updates_that_record(alice):
    run(csv_bytes([BASE]))
    placement_pk = Placement.objects.get().pk
    assert run(csv_bytes([BASE])) == {"nieuw": 0, "gewijzigd": 0, "ongewijzigd": 1}
    p = plan(csv_bytes([{**BASE, "leermeester": "Gwen"}]))
    assert p.rows[0].status == "gewijzigd" and p.rows[0].changes == ["leermeester"]
    register.apply_import(p, by=None)
    assert Placement.objects.get().pk == placement_pk
    assert Placement.objects.get().mentor.name == "Gwen"


def test_import_never_deletes_records_it_does_not_describe(alice):
    run(csv_bytes([{**BASE, "plaatsing_eind": "2024-03-31"}]))
    participant = Participant.objects.get()
    ProgressEntryFactory(participant=participant)
    PlacementFactory(participant=participant, start=D(2024, 5, 1))
    run(csv_bytes([{**BASE, "plaatsing_eind": "2024-03-31", "voornaam": "Sandra"}]))
    assert ProgressEntry.objects.count() == 1 and Placement.objects.count() == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_zero_changes(fmt, alice, coordinator, demo_dump):
    load_demo(demo_dump)
    content = register.export_register(Participant.objects.all(), fmt)
    p = plan(content)
    assert p.ok, p.messages()[:5]
    assert p.summary == {"nieuw": 0, "gewijzigd": 0, "ongewijzigd": 40}


def test_excel_date_cells_and_comma_csv_without_bom(alice):
    header = register.COLUMNS[:3] + ["traject", "traject_start", "geboortedatum"]
    run(
        xlsx_bytes(
            [header, ["X-1", "Anna", "Bos", "deelcertificaat", datetime.datetime(2024, 3, 1), D(1980, 5, 6)]]
        )
    )
    assert Trajectory.objects.get().start == D(2024, 3, 1)
    assert Participant.objects.get().birth_date == D(1980, 5, 6)
    run(
        csv_bytes(
            [{"deelnemernummer": "X-2", "voornaam": "Bo", "achternaam": "Kok"}], delimiter=",", bom=False
        )
    )
    assert Participant.objects.count() == 2


def test_new_employers_are_listed_and_created(alice):
    p = plan(csv_bytes([{**BASE, "leerbedrijf": "Nieuw Bedrijf"}]))
    assert p.new_organisations == ["Nieuw Bedrijf", "UWV"]
    register.apply_import(p, by=None)
    assert Organisation.objects.get(name="Nieuw Bedrijf").kind == "employer"
    assert Organisation.objects.get(name="UWV").kind == "referrer"


def test_reason_matches_code_or_label(alice):
    rows = [
        {**BASE, "deelnemernummer": "A", "uitval_datum": "2024-05-01", "uitval_reden": " MISMATCH "},
        {
            **BASE,
            "deelnemernummer": "B",
            "uitval_datum": "2024-05-01",
            "uitval_reden": "persoonlijke omstandigheden (gezin, lichamelijk, psychisch)",
        },
    ]
    run(csv_bytes(rows))
    assert sorted(Dropout.objects.values_list("reason__code", flat=True)) == ["mismatch", "persoonlijk"]


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"traject_start": "31-02-2024"}, "rij 2, kolom traject_start: ongeldige datum '31-02-2024'"),
        ({"traject_eind": "2024-01-01"}, "rij 2, kolom traject_eind: ligt vóór traject_start"),
        (
            {"uitval_datum": "2024-05-01", "uitval_reden": "xyz"},
            "rij 2, kolom uitval_reden: onbekende reden 'xyz'",
        ),
        (
            {"uitstroom_datum": "2024-05-01", "uitstroom_soort": "ontslag"},
            "rij 2, kolom uitstroom_soort: onbekende soort uitstroom 'ontslag'",
        ),
        ({"coach": "nobody"}, "rij 2, kolom coach: onbekende coach 'nobody'"),
        ({"voornaam": ""}, "rij 2, kolom voornaam: verplicht veld is leeg"),
        (
            {"uitval_datum": "2024-01-01", "uitval_reden": "anders"},
            "rij 2, kolom uitval_datum: ligt vóór de start",
        ),
        ({"traject": "diploma"}, "rij 2, kolom traject: onbekend traject 'diploma'"),
        (
            {"voortraject_start": "2024-06-01", "uitval_datum": "2024-03-01", "uitval_reden": "anders"},
            "rij 2, kolom voortraject_start: ligt na de uitval",
        ),
    ],
)
def test_errors_are_named_by_row_and_column_and_nothing_is_saved(alice, change, expected):
    good = {**BASE, "deelnemernummer": "GOED-1"}
    before = snapshot()
    p = plan(csv_bytes([{**BASE, **change}, good]))
    assert not p.ok
    assert any(m.startswith(expected) for m in p.messages()), p.messages()
    with pytest.raises(ValueError):
        register.apply_import(p, by=None)
    assert snapshot() == before


def test_duplicate_number_in_the_file(alice):
    p = plan(csv_bytes([BASE, {**BASE, "voornaam": "Ander"}]))
    assert p.messages() == [
        "rij 3, kolom deelnemernummer: dubbel deelnemernummer PLP-2024-001 (ook in rij 2)"
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "leeg"),
        (csv_bytes([], columns=register.COLUMNS), "alleen kolomnamen"),
        (
            csv_bytes([{"voornaam": "A"}], columns=["voornaam", "achternaam"]),
            "Verplichte kolommen ontbreken: deelnemernummer",
        ),
        (csv_bytes([{}], columns=register.COLUMNS + ["bsn"]), "burgerservicenummers"),
        (
            csv_bytes([{}], columns=register.COLUMNS + ["telefoon"]),
            "horen niet bij het registerformaat: telefoon",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "geen CSV"),
        (b"PK\x03\x04 not really a zip", "geen geldig Excel"),
        (b"x" * (5 * 1024 * 1024 + 1), "groter dan 5 MB"),
    ],
)
def test_broken_files_get_a_clear_message(content, message):
    with pytest.raises(register.RegisterFileError, match=message):
        register.read_register(content, "x")


def test_too_many_rows():
    content = "deelnemernummer;voornaam;achternaam\n" + "".join(f"N{i};a;b\n" for i in range(20_001))
    with pytest.raises(register.RegisterFileError, match="meer dan 20.000 rijen"):
        register.read_register(content.encode(), "x")


def test_a_5000_row_file(alice):
    rows = [
        {**BASE, "deelnemernummer": f"N-{i:05d}", "leerbedrijf": f"Bedrijf {i % 20}"} for i in range(5000)
    ]
    assert run(csv_bytes(rows))["nieuw"] == 5000
    assert Placement.objects.count() == 5000
    assert plan(csv_bytes(rows)).summary["ongewijzigd"] == 5000


def test_export_neutralises_formulas(alice):
    run(csv_bytes([{**BASE, "voornaam": '=HYPERLINK("http://x")', "achternaam": "@SUM(A1)"}]))
    text = register.export_register(Participant.objects.all(), "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    ws = load_workbook(io.BytesIO(register.export_register(Participant.objects.all(), "xlsx"))).active
    assert ws["B2"].value.startswith("'=")


def test_template_has_headers_and_explanation():
    wb = load_workbook(io.BytesIO(register.template_xlsx()))
    assert [c.value for c in wb["Register"][1]] == register.COLUMNS
    assert wb["Toelichting"]["A2"].value == "deelnemernummer"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.dictionaries(st.sampled_from(register.COLUMNS), st.text(max_size=30), max_size=10))
def test_random_cells_never_cause_a_server_error(alice, cells):
    try:
        p = plan(
            csv_bytes(
                [
                    {
                        **BASE,
                        **{
                            k: v.replace(";", " ").replace("\n", " ").replace("\r", " ")
                            for k, v in cells.items()
                        },
                    }
                ]
            )
        )
    except register.RegisterFileError:
        return
    if p.ok:
        register.apply_import(p, by=None)


# The pages.


def test_upload_preview_confirm(alice, coordinator_client):
    upload = SimpleUploadedFile("register.csv", csv_bytes([BASE]), content_type="text/csv")
    response = coordinator_client.post(reverse("participants:import"), {"file": upload})
    assert response.status_code == 200
    assert not Participant.objects.exists()
    assert "PLP-2024-001" in response.content.decode()
    pending = PendingImport.objects.get()
    response = coordinator_client.post(reverse("participants:import-confirm", args=[pending.pk]))
    assert response.status_code == 302
    assert Participant.objects.count() == 1 and not PendingImport.objects.exists()


def test_upload_with_errors_saves_nothing_and_keeps_nothing(alice, coordinator_client):
    upload = SimpleUploadedFile("register.csv", csv_bytes([{**BASE, "traject_start": "31-02-2024"}]))
    response = coordinator_client.post(reverse("participants:import"), {"file": upload})
    assert "rij 2, kolom traject_start: ongeldige datum" in response.content.decode()
    assert not PendingImport.objects.exists() and not Participant.objects.exists()


def test_unknown_values_name_the_closest_labels_and_every_error_of_the_row(alice):
    row = {
        **BASE,
        "uitval_datum": "2024-05-01",
        "uitval_reden": "Persoonlijk omstandigheden",
        "traject_eind": "2024-01-01",
        "coach": "nobody",
    }
    messages = plan(csv_bytes([row])).messages()
    assert (
        "rij 2, kolom uitval_reden: onbekende reden 'Persoonlijk omstandigheden' (bedoelt u: " in messages[-1]
    )
    assert "persoonlijke omstandigheden" in messages[-1].lower()
    assert any("kolom coach" in m for m in messages) and any("kolom traject_eind" in m for m in messages)
    outflow = {**BASE, "uitstroom_datum": "2024-05-01", "uitstroom_soort": "betaaldwerk"}
    assert "(bedoelt u: betaald werk?)" in plan(csv_bytes([outflow])).messages()[0]


def test_an_unknown_value_is_mapped_for_the_whole_file_in_one_step(alice, coordinator_client):
    rows = [
        {
            **BASE,
            "deelnemernummer": f"PLP-2024-00{n}",
            "uitval_datum": "2024-05-01",
            "uitval_reden": "Te moeilijk",
        }
        for n in (1, 2, 3)
    ]
    upload = SimpleUploadedFile("register.csv", csv_bytes(rows), content_type="text/csv")
    response = coordinator_client.post(reverse("participants:import"), {"file": upload})
    html = response.content.decode()
    assert "Onbekende waarden" in html and "3 rijen" in html
    pending = PendingImport.objects.get()
    mapping = {"map_column": "uitval_reden", "map_value": "Te moeilijk", "map_to": "instapniveau"}
    response = coordinator_client.post(reverse("participants:import-map", args=[pending.pk]), mapping)
    html = response.content.decode()
    assert "‘te moeilijk’ → " in html and "3 rijen" in html and "Import bevestigen" in html
    assert not Participant.objects.exists()  # nothing saved before the confirm
    entry = AuditEntry.objects.get(action="participants.register.mapped")
    assert entry.data["mapped"] == [{"column": "uitval_reden", "to": "instapniveau", "rows": 3}]
    assert "moeilijk" not in str(entry.data).lower()
    response = coordinator_client.post(
        reverse("participants:import-confirm", args=[pending.pk]),
        {"map_column": "uitval_reden", "map_value": "te moeilijk", "map_to": "instapniveau"},
    )
    assert response.status_code == 302
    assert list(Dropout.objects.values_list("reason__code", flat=True)) == ["instapniveau"] * 3
    imported = AuditEntry.objects.get(action="participants.register.imported")
    assert imported.data["mapped"] == [{"column": "uitval_reden", "to": "instapniveau", "rows": 3}]


def test_cancel_deletes_the_upload(alice, coordinator_client):
    coordinator_client.post(
        reverse("participants:import"), {"file": SimpleUploadedFile("r.csv", csv_bytes([BASE]))}
    )
    pending = PendingImport.objects.get()
    coordinator_client.post(reverse("participants:import-cancel", args=[pending.pk]))
    assert not PendingImport.objects.exists() and not Participant.objects.exists()


def test_not_a_spreadsheet_gets_a_message(coordinator_client):
    upload = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    response = coordinator_client.post(reverse("participants:import"), {"file": upload})
    assert response.status_code == 200 and "geen CSV" in response.content.decode()


def test_import_and_export_are_for_coordinators(coach_client):
    for url in (
        reverse("participants:import"),
        reverse("participants:export"),
        reverse("participants:template"),
    ):
        assert coach_client.get(url).status_code == 403


def test_export_of_a_filtered_set(alice, coordinator_client):
    run(
        csv_bytes(
            [BASE, {**BASE, "deelnemernummer": "PLP-2024-002", "voornaam": "Bram", "achternaam": "Kok"}]
        )
    )
    response = coordinator_client.get(reverse("participants:export"), {"format": "csv", "q": "Kok"})
    text = response.content.decode("utf-8-sig")
    assert "PLP-2024-002" in text and "PLP-2024-001" not in text
    assert AuditEntry.objects.filter(action="participants.register.exported").exists()


def test_command_line(alice, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([BASE]))
    call_command("import_register", str(good), "--dry-run")
    assert "1 nieuw" in capsys.readouterr().out and not Participant.objects.exists()
    call_command("import_register", str(good))
    assert Participant.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([{**BASE, "deelnemernummer": "B", "traject_start": "31-02-2024"}]))
    with pytest.raises(CommandError):
        call_command("import_register", str(bad))
    assert "rij 2, kolom traject_start" in capsys.readouterr().err
    assert Participant.objects.count() == 1


def test_admin_exports_organisations_and_progress_entries(client, alice):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-admin-password")
    client.force_login(admin)
    run(csv_bytes([BASE]))
    ProgressEntryFactory(participant=Participant.objects.get())
    for model, resource, field in (
        ("organisation", "organisationresource", "name"),
        ("progressentry", "progressentryresource", "participant__number"),
    ):
        data = {"format": "0", "resource": "0", f"{resource}_{field}": "on"}
        response = client.post(f"/admin/participants/{model}/export/", data)
        assert response["Content-Type"].startswith("text/csv"), model
        assert client.get(f"/admin/participants/{model}/import/").status_code in (403, 404), model
    text = client.post(
        "/admin/participants/progressentry/export/",
        {"format": "0", "resource": "0", "progressentryresource_participant__number": "on"},
    ).content.decode()
    assert "PLP-2024-001" in text and "Sanne" not in text
