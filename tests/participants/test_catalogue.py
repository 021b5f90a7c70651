import io

import pytest
from django.core.management import CommandError, call_command

from participants.catalogue import CatalogueFileError, import_catalogue
from participants.models import QualificationFile, WorkProcess
from plp.models import AuditEntry

pytestmark = pytest.mark.django_db

GOOD = (
    b"crebo,kwalificatie,niveau,kerntaak,code,werkproces\n"
    b"25255,Medewerker logistiek (voorbeeld),2,Ontvangt goederen,B1-K1-W1,Ontvangt goederen\n"
    b"25255,Medewerker logistiek (voorbeeld),2,Ontvangt goederen,B1-K1-W2,Slaat goederen op\n"
    b"25168,Kok (voorbeeld),2,Bereidt gerechten,B1-K1-W3,Bereidt gerechten\n"
)


def test_good_file_imports_and_reimport_changes_nothing(coordinator):
    plan = import_catalogue(GOOD, by=coordinator, dry_run=False)
    assert plan.ok, plan.errors
    assert plan.files == {"new": 2, "changed": 0, "unchanged": 0}
    assert plan.work_processes == {"new": 3, "changed": 0, "unchanged": 0}
    assert WorkProcess.objects.filter(qualification__crebo="25255").count() == 2
    assert AuditEntry.objects.filter(action="participants.workprocess.created").count() == 3
    again = import_catalogue(GOOD, by=coordinator, dry_run=False)
    assert again.files == {"new": 0, "changed": 0, "unchanged": 2}
    assert again.work_processes == {"new": 0, "changed": 0, "unchanged": 3}
    assert AuditEntry.objects.filter(action__startswith="participants.workprocess.").count() == 3


def test_change_matched_on_crebo_and_code(coordinator):
    import_catalogue(GOOD, by=coordinator, dry_run=False)
    wp = WorkProcess.objects.get(code="B1-K1-W2")
    changed = GOOD.replace(b"Slaat goederen op", b"Slaat goederen veilig op")
    plan = import_catalogue(changed, by=coordinator, dry_run=False)
    assert plan.work_processes == {"new": 0, "changed": 1, "unchanged": 2}
    wp.refresh_from_db()
    assert wp.title == "Slaat goederen veilig op"


def test_dry_run_saves_nothing(coordinator):
    plan = import_catalogue(GOOD, by=coordinator, dry_run=True)
    assert plan.ok and plan.work_processes["new"] == 3
    assert not QualificationFile.objects.exists() and not AuditEntry.objects.exists()


def test_bad_file_saves_nothing_and_names_row_and_column(coordinator):
    bad = GOOD + b"25168,Kok (voorbeeld),7,x,B1-K1-W4,Serveert\n,Zonder crebo,2,x,B1-K1-W1,Iets\n"
    plan = import_catalogue(bad, by=coordinator, dry_run=False)
    assert "rij 5, kolom niveau: het MBO-niveau is 1, 2, 3 of 4 ('7')." in plan.errors
    assert "rij 6, kolom crebo: vul dit in." in plan.errors
    assert not QualificationFile.objects.exists()


def test_wrong_columns_refused():
    with pytest.raises(CatalogueFileError, match="bsn"):
        import_catalogue(b"crebo,bsn\n1,2\n", by=None, dry_run=True)


def test_command_summary_and_exit_codes(tmp_path, coordinator):
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    out = io.StringIO()
    call_command("import_qualifications", str(good), "--dry-run", stdout=out)
    assert "2 nieuw" in out.getvalue() and not QualificationFile.objects.exists()
    call_command("import_qualifications", str(good), stdout=out)
    assert QualificationFile.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(GOOD.replace(b",2,Ontvangt goederen,B1-K1-W2", b",x,Ontvangt goederen,B1-K1-W2"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="niets opgeslagen"):
        call_command("import_qualifications", str(bad), stdout=io.StringIO(), stderr=err)
    assert "rij 3, kolom niveau" in err.getvalue()


def xlsx(rows) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_numbers_as_cells(coordinator):
    content = xlsx(
        [
            ["crebo", "kwalificatie", "niveau", "kerntaak", "code", "werkproces"],
            [25255, "Logistiek (voorbeeld)", 2, "Ontvangt", "B1-K1-W1", "Ontvangt goederen"],
        ]
    )
    plan = import_catalogue(content, by=coordinator, dry_run=False)
    assert plan.ok, plan.errors
    assert WorkProcess.objects.get().qualification.crebo == "25255"


def test_upload_page_previews_and_a_bad_file_saves_nothing(coordinator_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("participants:catalogue-import")
    bad = SimpleUploadedFile("c.csv", GOOD.replace(b",2,Ontvangt", b",9,Ontvangt"), content_type="text/csv")
    page = coordinator_client.post(url, {"file": bad})
    assert "rij 2, kolom niveau" in page.content.decode() and page.context["pending"] is None
    good = SimpleUploadedFile("c.csv", GOOD, content_type="text/csv")
    page = coordinator_client.post(url, {"file": good})
    assert not QualificationFile.objects.exists() and "B1-K1-W2" in page.content.decode()
    coordinator_client.post(reverse("participants:catalogue-confirm", args=[page.context["pending"].pk]))
    assert WorkProcess.objects.count() == 3
