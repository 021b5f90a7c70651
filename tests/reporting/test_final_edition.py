"""A final edition: its frozen PDF carries the final status, its page shows the frozen
figures, it makes no new PDF, and its edit pages change nothing."""

import datetime
import hashlib
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from reporting import services
from reporting.models import PdfJob
from tests.factories import TrajectoryFactory
from tests.reporting.test_report import pdf_text

pytestmark = pytest.mark.django_db
D = datetime.date
FINAL_MESSAGE = "Deze editie is definitief en kan niet meer worden gewijzigd."


def test_the_frozen_pdf_shows_the_final_status_and_is_what_the_edition_serves(
    demo, coordinator, coordinator_client, tmp_path
):
    demo.version = "0.9"
    demo.save()
    assert "(concept)" in pdf_text(services.edition_pdf(demo), tmp_path)  # a draft says so
    edition = services.edition_finalise(by=coordinator, edition=demo)
    edition.refresh_from_db()
    frozen = bytes(edition.pdf)
    text = pdf_text(frozen, tmp_path)
    assert re.search(r"Versie\s+0\.9\n", text) and "concept" not in text
    assert hashlib.sha256(frozen).hexdigest() == edition.pdf_sha256
    served = coordinator_client.get(reverse("reporting:edition-pdf", args=[edition.pk]))
    assert b"".join(served.streaming_content if served.streaming else [served.content]) == frozen
    assert edition.figures_json["totals"]["instroom"] == 40


def test_a_final_editions_page_shows_the_frozen_figures(demo, coordinator, coordinator_client):
    services.edition_finalise(by=coordinator, edition=demo)
    TrajectoryFactory(start=D(2023, 5, 1))  # a new participant: today's inflow is 41
    url = reverse("reporting:edition-detail", args=[demo.pk])
    context = coordinator_client.get(url).context
    assert context["figures"].totals.instroom == 40
    inflow = next(row for row in context["yearly"] if row["cells"][0].figure == "instroom")
    assert inflow["total"].value == 40
    assert str(inflow["label"]) in context["differences"]  # named as the page names the row
    assert not {"totals", "years", "lopend_op_peildatum"} & set(context["differences"])


def test_a_final_edition_makes_no_new_pdf(demo, coordinator, coordinator_client):
    services.edition_finalise(by=coordinator, edition=demo)
    with pytest.raises(ValidationError):
        services.pdf_job_start(by=coordinator, edition=demo)
    response = coordinator_client.post(reverse("reporting:pdf-job-create", args=[demo.pk]))
    assert response.status_code == 302 and response["Location"] == demo.get_absolute_url()
    assert not PdfJob.objects.exists()
    page = coordinator_client.get(demo.get_absolute_url())
    assert page.context["pdf_jobs"] == []
    assert reverse("reporting:pdf-job-create", args=[demo.pk]) not in page.content.decode()


def test_the_edit_pages_of_a_final_edition_redirect_and_change_nothing(demo, coordinator, coordinator_client):
    services.edition_finalise(by=coordinator, edition=demo)
    task = demo.tasks.first()
    before = (demo.title, demo.tasks.count(), task.title)
    urls = [
        reverse("reporting:edition-edit", args=[demo.pk]),
        reverse("reporting:item-create", args=[demo.pk, "task"]),
        reverse("reporting:item-edit", args=[demo.pk, "task", task.pk]),
    ]
    data = {"title": "Anders", "status": "voldaan", "position": 1, "delete": "1"}
    with translation.override("en"):
        for url in urls:
            for response in (coordinator_client.get(url), coordinator_client.post(url, data)):
                assert response.status_code == 302 and response["Location"] == demo.get_absolute_url(), url
                messages = [str(m) for m in get_messages(response.wsgi_request)]
                assert FINAL_MESSAGE in messages, url
    demo.refresh_from_db()
    task.refresh_from_db()
    assert (demo.title, demo.tasks.count(), task.title) == before
