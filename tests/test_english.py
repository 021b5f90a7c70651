"""The English UI is English everywhere, the report included, and the Dutch UI stays Dutch.

The main pages and the report PDF are rendered on the demo data in each language and
their visible text is searched for words of the other language. What users typed (names,
notes, narrative chapters, organisations, dropout reasons) is data, not UI: every text
value stored in the database is taken out of the page text first.
"""

import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from participants.models import Participant
from reporting.models import PdfJob, ReportEdition
from tests.conftest import load_demo
from tests.reporting.test_report import pdf_text

pytestmark = pytest.mark.django_db

# Words and phrases of today's Dutch UI and report (case-sensitive, whole words).
DUTCH = [
    "Deelnemers",
    "Deelnemer",
    "Uitval",
    "Uitstroom",
    "Instroom",
    "Inleiding",
    "Bijlage",
    "Pagina",
    "Inhoud",
    "Nog niet",
    "Nog actief",
    "Geen",
    "Totaal",
    "Totalen",
    "vastgelegd",
    "peildatum",
    "Peildatum",
    "Periode",
    "Versie",
    "concept",
    "Voortraject",
    "Praktijkverklaring",
    "Deelcertificaat",
    "trajecten",
    "behaald",
    "Werkgever",
    "Werkgevers",
    "Reden",
    "Soort",
    "Beoogd",
    "Gerealiseerd",
    "Uren",
    "Lessen",
    "Datakwaliteit",
    "Controle",
    "Aantal",
    "Werkplan",
    "Communicatie",
    "telregels",
    "zonder",
    "januari",
    "december",
    "een",
    "het",
    "niet",
    "voor",
    "met",
]
# Words of the English UI and report that the Dutch version must not show.
ENGLISH = [
    "Participants",
    "Dropout",
    "Outflow",
    "Inflow",
    "Introduction",
    "Appendix",
    "Page",
    "Contents",
    "Not described",
    "Still active",
    "recorded",
    "Total",
    "Reference date",
    "Pre-trajectory",
    "Practice statement",
    "trajectories",
    "achieved",
    "Employer",
    "Reason",
    "Target",
    "Hours",
    "Lessons",
    "Data quality",
    "without",
    "January",
    "the",
]
# Text the Dutch UI shows in English on purpose: the language menu offers "English".
ALWAYS = {"English"}


def data_values() -> list[str]:
    """Every line of free text stored in the database (fields without choices)."""
    values = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for row in model.objects.values_list(*fields) if fields else []:
            for value in row:
                for line in (value or "").splitlines():
                    if len(line.strip()) >= 3:
                        values.add(line.strip())
    return sorted(values, key=len, reverse=True)


def data_cut(piece: str, blob: str) -> str:
    """The piece without its end when that end is (the start of) stored data."""
    for start in [0, *(m.end() for m in re.finditer(r"\s+", piece))]:
        tail = piece[start:].rstrip("…")
        if (len(tail) >= 12 or start == 0 and len(tail) >= 3) and tail in blob:
            return piece[:start]
    return piece


def visible_text(page: str, data: list[str]) -> str:
    """The page's text without the stored data. Data may be cut short ("Overleg Mo…",
    a risk's first 40 characters) or follow other text ("25-04-2025 Online afspraak ...",
    "Fase 1: Te weinig ..."): the end of a piece of text that occurs in the data goes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    blob = "\n".join(data)
    values = re.compile("|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v in data))
    kept = []
    for node in re.sub(r"<[^>]+>", "\n", page).splitlines():
        pieces = [data_cut(p, blob) for p in re.split(r": | · ", html.unescape(node).strip())]
        text = values.sub(" ", ": ".join(pieces)).strip(" :")
        if text:
            kept.append(text)
    return "\n".join(kept)


def found(words: list[str], text: str) -> list[str]:
    """The words that occur in the text, each with its context."""
    hits = []
    for word in words:
        match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
        if match and word not in ALWAYS:
            hits.append(f"{word}: ...{text[max(match.start() - 40, 0) : match.end() + 40]}...")
    return hits


def client_for(username: str, language: str) -> Client:
    client = Client()
    client.force_login(Participant._meta.get_field("coach").related_model.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def main_pages(language: str, tmp_path) -> dict[str, str]:
    """Visible text of the main pages and of the report PDF, in one language."""
    coordinator, coach = client_for("coordinator", language), client_for("coach1", language)
    edition = ReportEdition.objects.get()
    followed = Participant.objects.filter(outflows__isnull=False).order_by("pk").first()
    dropped = Participant.objects.filter(dropouts__isnull=False).order_by("pk").first()
    urls = {
        "caseload": (coordinator, reverse("participants:caseload")),
        "participant (outflow)": (
            coordinator,
            reverse("participants:participant-detail", args=[followed.pk]),
        ),
        "participant (dropout)": (coordinator, reverse("participants:participant-detail", args=[dropped.pk])),
        "today": (coach, reverse("participants:today")),
        "dashboard": (coordinator, reverse("reporting:dashboard")),
        "figures": (coordinator, reverse("reporting:overview")),
        "editions": (coordinator, reverse("reporting:edition-list")),
        "edition (browser report)": (coordinator, edition.get_absolute_url()),
        "trace": (
            coordinator,
            reverse("reporting:trace")
            + "?figure=lopend_op_peildatum&key=praktijkverklaring&from=2022-01-01&to=2025-12-31",
        ),
    }
    data = data_values()
    pages = {}
    for name, (client, url) in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Language"] == language
        pages[name] = visible_text(response.content.decode(), data)
    pdf = coordinator.get(reverse("reporting:edition-pdf", args=[edition.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    # The PDF wraps data over lines and table cells: take out what can be matched, and
    # search it only for words that never occur in the data (see words_for_pdf).
    text = " ".join(pdf_text(pdf.content, tmp_path).split())
    for value in sorted({" ".join(v.split()) for v in data}, key=len, reverse=True):
        text = text.replace(value, " ")
    pages["report PDF"] = text
    return pages


def words_for_pdf(words: list[str]) -> list[str]:
    data = "\n".join(data_values())
    return [w for w in words if not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", data)]


def found_in(pages: dict[str, str], words: list[str]) -> dict[str, list[str]]:
    pdf_words = words_for_pdf(words)
    return {name: found(pdf_words if name == "report PDF" else words, text) for name, text in pages.items()}


@pytest.fixture
def demo(db, demo_dump):
    load_demo(demo_dump)


def test_the_english_ui_and_report_show_no_dutch(demo, tmp_path):
    pages = main_pages("en", tmp_path)
    dutch = found_in(pages, DUTCH)
    assert not any(dutch.values()), dutch
    assert "Appendix: counting rules and data quality" in pages["report PDF"]
    assert "Page 2 of" in pages["report PDF"]
    assert "Still active: practice statement" in pages["dashboard"]
    assert "Still active: practice statement" in pages["trace"]


def test_the_dutch_ui_and_report_stay_dutch(demo, tmp_path):
    pages = main_pages("nl", tmp_path)
    english = found_in(pages, ENGLISH)
    assert not any(english.values()), english
    everything = "\n".join(pages.values())
    shown = {hit.split(":")[0] for hit in found(DUTCH, everything)}
    # Shown only for what the demo lacks: data-quality warnings, empty chapters.
    assert set(DUTCH) - shown <= {"Aantal", "Controle", "Deelnemer", "Nog niet", "vastgelegd", "zonder"}
    assert "Bijlage: telregels en datakwaliteit" in pages["report PDF"]
    assert "Pagina 2 van" in pages["report PDF"]
    assert "Nog actief" in pages["dashboard"]


def test_report_language_on_the_command_line_and_in_the_background(
    demo, tmp_path, django_capture_on_commit_callbacks
):
    edition = ReportEdition.objects.get()
    args = ["--from", "2022-01-01", "--to", "2025-12-31", "--edition", str(edition.pk), "--format", "pdf"]
    call_command("render_report", *args, "-o", str(tmp_path / "nl.pdf"), stderr=open("/dev/null", "w"))
    call_command(
        "render_report",
        *args,
        "--language",
        "en",
        "-o",
        str(tmp_path / "en.pdf"),
        stderr=open("/dev/null", "w"),
    )
    dutch = pdf_text((tmp_path / "nl.pdf").read_bytes(), tmp_path)
    english = pdf_text((tmp_path / "en.pdf").read_bytes(), tmp_path)
    assert "Bijlage: telregels" in dutch and "Appendix" not in dutch
    assert "Appendix: counting rules" in english and "Bijlage" not in english

    # A PDF made in the background is in the programme's language, whoever asked for it.
    with django_capture_on_commit_callbacks(execute=True):
        client_for("coordinator", "en").post(reverse("reporting:pdf-job-create", args=[edition.pk]))
    job = PdfJob.objects.get()
    assert job.status == PdfJob.Status.DONE
    assert "Bijlage: telregels" in pdf_text(bytes(job.pdf), tmp_path)
