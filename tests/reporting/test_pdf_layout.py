"""The report PDF page by page: no heading is the last thing on a page, the running
header names the chapter a page starts in; the charts, targets, logo and certificate
name as the programme wants them."""

import io
import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from participants.models import CredentialKind, TrajectoryKind
from plp.pdf import StaticOnlyFetcher
from reporting import services
from reporting.models import WorkPlanTask
from reporting.pdf import REPORT_TEMPLATE, render_pdf
from reporting.report import report_context

pytestmark = pytest.mark.django_db
FOOTER = re.compile(r"^Pagina \d+ van \d+$")


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 95, 153)).save(out, "PNG")
    return out.getvalue()


def pages_text(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    pages = []
    for n in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append([line.strip() for line in text.splitlines() if line.strip()])
    return pages


def headings(html: str) -> set[str]:
    """The texts of the chapter and section headings and table captions."""
    found = re.findall(r"<(h1|h2|h3|caption)[^>]*>(.*?)</\1>", html, re.S)
    return {" ".join(re.sub(r"<[^>]+>", "", text).split()) for _tag, text in found}


def test_no_page_ends_with_a_heading_and_the_header_names_the_chapter(demo, coordinator, client, tmp_path):
    client.force_login(coordinator)
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    page = client.get(reverse("reporting:edition-edit", args=[demo.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None and k != "logo_upload"}
    data.update(lock=page.context["form"]["lock"].value(), logo_upload=logo)
    assert client.post(reverse("reporting:edition-edit", args=[demo.pk]), data).status_code == 302
    demo.refresh_from_db()
    assert demo.logo_type == "image/png"

    for n in range(40):  # a work plan longer than a page
        WorkPlanTask.objects.create(edition=demo, title=f"Taak {n}", status="voldaan", explanation="Gedaan.")
    context = report_context(services.edition_period(demo), demo.reference_date, demo)
    heads = headings(render_to_string(REPORT_TEMPLATE, context))
    assert "3. Deelnemers" in heads and "Beoogd en gerealiseerd per projectjaar" in heads
    pdf = render_pdf(context)
    pages = pages_text(pdf, tmp_path)
    for number, lines in enumerate(pages, start=1):
        body = [line for line in lines if not FOOTER.match(line)]
        assert body[-1] not in heads, f"page {number} ends with the heading {body[-1]!r}"
    # The work plan's table continues on the next page under its header row again.
    header = re.compile(r"^Taak\s+Status\s+Toelichting$")
    assert sum(any(header.match(line) for line in lines) for lines in pages) >= 2
    # The running header (top right) names the chapter the page starts in.
    chapter_of_page = {n: lines[0] for n, lines in enumerate(pages, start=1) if n > 1}
    assert any(first.endswith("3. Deelnemers") for first in chapter_of_page.values())
    # The logo is on the title page, as an image WeasyPrint read from memory.
    path = tmp_path / "report.pdf"
    images = subprocess.run(
        ["pdfimages", "-list", "-f", "1", "-l", "1", str(path)], capture_output=True, text=True
    )
    assert len(images.stdout.strip().splitlines()) == 3  # two header lines and the logo


def test_trajectories_chart_has_every_kind_and_targets_say_target_once(demo):
    context = report_context(services.edition_period(demo), demo.reference_date, demo)
    chart = next(c for c in context["charts"] if c["title"] == "Trajecten per jaar")
    assert [entry["name"] for entry in chart["legend"]][-1] == "Deelcertificaat"
    labels = [str(r["label"]) for t in context["targets"] for r in t["rows"]]
    assert labels and not any(label.lower().startswith("beoogd") for label in labels)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"GIF89a not a logo", "PNG of SVG"),
        (b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>', "PNG of SVG"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
    ],
)
def test_a_logo_that_is_not_a_plain_png_or_svg_is_refused(demo, coordinator_client, content, message):
    url = reverse("reporting:edition-edit", args=[demo.pk])
    page = coordinator_client.get(url)
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(lock=page.context["form"]["lock"].value(), logo_upload=SimpleUploadedFile("l.svg", content))
    response = coordinator_client.post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    demo.refresh_from_db()
    assert not demo.logo


def test_fetcher_serves_only_the_named_resources():
    fetcher = StaticOnlyFetcher({"logo": (b"\x89PNG", "image/png")})
    response = fetcher.fetch("plp-resource:logo")
    assert response.read() == b"\x89PNG" and response.content_type == "image/png"
    for url in ("plp-resource:other", "file:///etc/passwd", "https://example.org/logo.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_certificate_goes_by_the_programmes_name(settings):
    settings.PLP_CERTIFICATE_NAME = "Vakmanschapsbewijs"
    assert str(TrajectoryKind.EXPERIENCE_CERTIFICATE.label) == "Vakmanschapsbewijs"
    assert dict(CredentialKind.choices)["ervaringscertificaat"] == "Vakmanschapsbewijs"
