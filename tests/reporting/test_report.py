"""The funder report: PDF text, JSON interface, safety of the renderer, suppression,
freezing, and the coordinator's pages."""

import datetime
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from participants.models import Participant
from plp.models import AuditEntry
from reporting import services
from reporting.figures import Period, compute_figures
from reporting.pdf import StaticOnlyFetcher, render_pdf
from reporting.report import report_context, suppress
from tests.factories import DropoutFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date
PROGRAMME = Period(D(2022, 1, 1), D(2025, 12, 31))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def edition_pdf_text(edition, tmp_path: Path, start: str, end: str, *more: str) -> str:
    """The text of the edition's PDF for a period, made by `render_report`."""
    out = tmp_path / "r.pdf"
    args = [
        "--from",
        start,
        "--to",
        end,
        *more,
        "--format",
        "pdf",
        "-o",
        str(out),
        "--edition",
        str(edition.pk),
    ]
    call_command("render_report", *args, stderr=open("/dev/null", "w"))
    return pdf_text(out.read_bytes(), tmp_path)


def test_demo_pdf_shows_the_source_reports_yearly_table(demo, tmp_path):
    text = edition_pdf_text(demo, tmp_path, "2022-01-01", "2025-12-31", "--peildatum", "2025-08-01")

    def numbers(label):
        line = next(line for line in text.splitlines() if line.strip().startswith(label))
        return [int(n) for n in re.findall(r"\b\d+\b", line)]

    assert numbers("Nieuwe deelnemers (instroom)") == [7, 8, 14, 11, 40]
    assert numbers("Voortraject") == [0, 0, 5, 4, 9]
    assert numbers("Praktijkverklaring-trajecten") == [0, 8, 0, 9, 17]
    assert numbers("Waardevol Werk-certificaat-trajecten") == [0, 0, 0, 7, 7]
    assert numbers("Uitval ") == [0, 7, 0, 4, 11]
    assert numbers("Uitstroom naar werk of opleiding") == [0, 5, 3, 2, 10]
    learned = compute_figures(PROGRAMME, D(2025, 8, 1))
    for label, figure in (
        ("Werkprocessen beheerst", "werkprocessen_beheerst"),
        ("Deelnemers met een beheerst werkproces", "deelnemers_met_beheerst_werkproces"),
        ("Deelnemers die een stap groeiden", "gegroeid"),
    ):
        expected = [getattr(r, figure) for r in learned.years] + [getattr(learned.totals, figure)]
        assert numbers(label) == expected, label
    assert learned.totals.werkprocessen_beheerst > 0 and learned.totals.gegroeid > 0
    assert "Leren op de werkplek per jaar" in text
    assert "Pagina 1 van" not in text  # the title page has no footer
    assert "Pagina 2 van" in text
    for heading in (
        "Inhoud",
        "1. Inleiding",
        "3. Deelnemers",
        "4. Uitval",
        "5. Uitstroom",
        "6. Nog actief op 1 augustus 2025",
        "7. Werkplan",
        "9. Partners en hun rol",
        "Bijlage: telregels en datakwaliteit",
        "Goldschmeding Foundation",
        "Spaarne Werkt",
    ):
        assert heading in text, heading


def test_pdf_contains_no_personal_details(demo, tmp_path):
    pdf = services.edition_pdf(demo)
    text = pdf_text(pdf, tmp_path)
    for p in Participant.objects.all():
        assert p.number not in text
        assert p.last_name not in text, p.last_name
        if p.birth_date:
            assert p.birth_date.strftime("%d-%m-%Y") not in text


def test_renderer_loads_only_static_files():
    fetcher = StaticOnlyFetcher()
    assert fetcher.fetch(
        (Path(__file__).resolve().parents[2] / "static/fonts/DejaVuSans.ttf").as_uri()
    ).read()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        (Path(__file__).resolve().parents[2] / "static/../manage.py").as_uri(),
        "ftp://example.org/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_narrative_with_file_and_http_urls_loads_nothing(demo, tmp_path, monkeypatch):
    demo.introduction = '<img src="file:///etc/passwd"> <img src="http://127.0.0.1:9/track.png">'
    demo.save()
    seen = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        seen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    text = pdf_text(services.edition_pdf(demo), tmp_path)
    assert "root:" not in text
    assert all(
        url.startswith(Path(__file__).resolve().parents[2].joinpath("static").as_uri()) for url in seen
    )
    assert "file:///etc/passwd" in text  # narrative is text: the tag is shown, never loaded
    assert seen  # the fonts were fetched through the same fetcher


def test_json_export_through_the_command(demo, tmp_path):
    out = tmp_path / "r.json"
    call_command(
        "render_report",
        "--from",
        "2022-01-01",
        "--to",
        "2025-12-31",
        "--peildatum",
        "2025-08-01",
        "--format",
        "json",
        "-o",
        str(out),
        stderr=open("/dev/null", "w"),
    )
    data = json.loads(out.read_text())
    assert [y["instroom"] for y in data["years"]] == [7, 8, 14, 11]
    assert data["totals"]["instroom"] == 40
    assert data["lopend_op_peildatum"]["praktijkverklaring"] == 9
    assert {e["werkgever"] for e in data["werkgevers_met_uitstroom"]} == {
        "Werkdag B.V.",
        "Stichting Sein",
        "Spaarne Werkt",
    }
    assert data["reference_date"] == "2025-08-01"


def test_html_export_through_the_command(demo, tmp_path):
    out = tmp_path / "r.html"
    call_command(
        "render_report",
        "--from",
        "2022-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "html",
        "-o",
        str(out),
        stderr=open("/dev/null", "w"),
    )
    assert "3. Deelnemers" in out.read_text()


def test_command_refuses_bad_dates(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("render_report", "--from", "2025-01-01", "--to", "2024-01-01", "-o", str(tmp_path / "x"))


def test_suppression_hides_small_numbers_and_protects_totals():
    shown, total = suppress([3, 10, 7], 20, 5)
    assert shown == ["<5", "10", "<5"] and total == "20"  # the 7 is hidden too, so 3 cannot be derived
    shown, total = suppress([0, 12, 9], 21, 5)
    assert shown == ["0", "12", "9"] and total == "21"
    shown, total = suppress([2, 1], 3, 5)
    assert shown == ["<5", "<5"] and total == "<5"


def test_suppression_in_the_pdf(db, tmp_path):
    for _ in range(3):
        TrajectoryFactory(start=D(2024, 3, 1))
    for _ in range(6):
        TrajectoryFactory(start=D(2025, 3, 1))
    context = report_context(Period(D(2024, 1, 1), D(2025, 12, 31)), D(2025, 12, 31), suppress_small=True)
    text = pdf_text(render_pdf(context), tmp_path)
    line = next(line for line in text.splitlines() if line.strip().startswith("Nieuwe deelnemers"))
    assert "<5" in line and " 3 " not in f" {line} "


def test_finalise_freezes_and_detects_changes(demo, coordinator):
    edition = services.edition_finalise(by=coordinator, edition=demo)
    assert edition.is_final and edition.pdf_sha256 and edition.figures_json["totals"]["instroom"] == 40
    assert services.edition_differences(edition) == []
    assert bytes(services.edition_pdf(edition))[:4] == b"%PDF"
    assert AuditEntry.objects.filter(action="reporting.edition.finalised").exists()
    t = TrajectoryFactory(start=D(2023, 5, 1))
    DropoutFactory(participant=t.participant, date=D(2023, 6, 1))
    assert "totals" in services.edition_differences(edition) and "years" in services.edition_differences(
        edition
    )


def test_report_pages_are_for_coordinators(demo, coach, coordinator):
    coach_client, coord = Client(), Client()
    coach_client.force_login(coach)
    coord.force_login(coordinator)
    urls = [
        reverse("reporting:overview"),
        reverse("reporting:edition-list"),
        reverse("reporting:edition-detail", args=[demo.pk]),
        reverse("reporting:edition-pdf", args=[demo.pk]),
        reverse("reporting:edition-json", args=[demo.pk]),
        reverse("reporting:edition-edit", args=[demo.pk]),
        reverse("reporting:item-create", args=[demo.pk, "task"]),
        reverse("reporting:projectyear-create"),
        reverse("reporting:trace") + "?figure=instroom&from=2022-01-01&to=2025-12-31",
    ]
    for url in urls:
        assert coach_client.get(url).status_code == 403, url
        assert coord.get(url).status_code == 200, url
    assert coach_client.post(reverse("reporting:edition-finalise", args=[demo.pk])).status_code == 403


def test_every_number_in_the_browser_version_traces_to_its_participants(demo, coordinator_client):
    html = coordinator_client.get(reverse("reporting:edition-detail", args=[demo.pk])).content.decode()
    assert html.count('class="trace"') > 50
    url = reverse("reporting:trace") + "?figure=instroom&from=2024-01-01&to=2024-12-31&peildatum=2025-08-01"
    response = coordinator_client.get(url)
    assert len(response.context["participants"]) == 14
    assert "<title>Nieuwe deelnemers (instroom) 2024 · PLP</title>" in response.content.decode()
    url = reverse("reporting:trace") + "?figure=uitval_per_reden&key=mismatch&from=2022-01-01&to=2025-12-31"
    assert len(coordinator_client.get(url).context["participants"]) == 2
    assert (
        coordinator_client.get(
            reverse("reporting:trace") + "?figure=nope&from=2022-01-01&to=2022-12-31"
        ).status_code
        == 404
    )


def test_final_edition_cannot_be_changed(demo, coordinator, coordinator_client):
    services.edition_finalise(by=coordinator, edition=demo)
    assert coordinator_client.get(reverse("reporting:edition-edit", args=[demo.pk])).status_code == 302
    assert (
        coordinator_client.post(
            reverse("reporting:item-create", args=[demo.pk, "task"]), {"title": "x", "status": "voldaan"}
        ).status_code
        == 302
    )
    response = coordinator_client.post(reverse("reporting:edition-finalise", args=[demo.pk]), follow=True)
    assert "al definitief" in response.content.decode()


def test_edition_form_keeps_input_on_error(coordinator_client):
    data = {
        "title": "Kwartaalrapport",
        "version": "0.1",
        "period_start": "2025-01-01",
        "period_end": "2024-01-01",
        "reference_date": "2025-01-01",
        "introduction": "getypte inleiding",
        "threshold": 5,
    }
    response = coordinator_client.post(reverse("reporting:edition-create"), data)
    assert response.status_code == 200
    assert "getypte inleiding" in response.content.decode()
    data["period_end"] = "2025-03-31"
    response = coordinator_client.post(reverse("reporting:edition-create"), data)
    assert response.status_code == 302


def test_edition_items_and_project_years_are_written_by_services_with_an_audit_entry(
    demo, coordinator_client
):
    before = AuditEntry.objects.count()
    url = reverse("reporting:item-create", args=[demo.pk, "task"])
    assert (
        coordinator_client.post(url, {"title": "Werving", "status": "voldaan", "position": 1}).status_code
        == 302
    )
    task = demo.tasks.get(title="Werving")
    edit = reverse("reporting:item-edit", args=[demo.pk, "task", task.pk])
    assert coordinator_client.post(edit, {"delete": "1"}).status_code == 302
    assert not demo.tasks.filter(pk=task.pk).exists()
    response = coordinator_client.post(
        reverse("reporting:projectyear-create"),
        {"name": "Projectjaar 9", "start": "2030-01-01", "end": "2030-12-31"},
    )
    assert response.status_code == 302, response.context["form"].errors
    actions = list(AuditEntry.objects.order_by("pk")[before:].values_list("action", flat=True))
    assert actions == [
        "reporting.workplantask.created",
        "reporting.workplantask.deleted",
        "reporting.projectyear.created",
    ]


def test_a_final_edition_refuses_changes_in_the_service(demo, coordinator):
    from django.core.exceptions import ValidationError

    services.edition_finalise(by=coordinator, edition=demo)
    demo.refresh_from_db()
    demo.title = "Anders"
    with pytest.raises(ValidationError):
        services.edition_save(by=coordinator, edition=demo)
    with pytest.raises(ValidationError):
        services.item_delete(by=coordinator, item=demo.tasks.first())


def test_the_frozen_pdf_is_dutch_whatever_the_coordinators_language(demo, coordinator, tmp_path):
    from django.utils import translation

    with translation.override("en"):
        services.edition_finalise(by=coordinator, edition=demo)
    demo.refresh_from_db()
    text = pdf_text(bytes(demo.pdf), tmp_path)
    assert "Bijlage: telregels en datakwaliteit" in text and "Appendix" not in text


def test_an_existing_edition_can_be_saved_with_its_own_version_field(demo, coordinator_client):
    """The edition's `version` (e.g. 1.1) is its own field, not the form's edit lock."""
    url = reverse("reporting:edition-edit", args=[demo.pk])
    form = coordinator_client.get(url).context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {k: ("" if v is None else v) for k, v in data.items() if k != "suppress_small" or v}
    data["version"] = "1.1"
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    demo.refresh_from_db()
    assert demo.version == "1.1"


def test_a_long_word_wraps_inside_the_page(demo, tmp_path):
    """A pasted web address in the narrative or a task's explanation wraps instead of
    running off the page (it was cut after 96 characters)."""
    from reporting.models import WorkPlanTask

    word = "https://example.org/" + "x" * 280
    demo.introduction = f"Zie {word} voor meer."
    demo.save()
    WorkPlanTask.objects.create(
        edition=demo, title="Taak met een lange toelichting", status="voldaan", explanation=word
    )
    text = edition_pdf_text(demo, tmp_path, "2024-01-01", "2024-12-31")
    # Every character of both words is on the page (cut off, the first showed 96); in the
    # table the wrapped lines sit beside other columns, so count the characters.
    assert text.count("x") >= 2 * 280 and text.count("https://example.org/") == 2
