"""Deleting a document asks first: "Cancel" keeps it, "OK" deletes it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from participants import services
from participants.models import Attachment
from plp.roles import COACH
from tests.browser.conftest import log_in
from tests.factories import ParticipantFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_deleting_a_document_asks_first(live_server, browser, settings, tmp_path):
    settings.PLP_PRIVATE_ROOT = tmp_path
    coach = UserFactory(username="coach", password="een-lang-wachtwoord", role=COACH)
    lotte = ParticipantFactory(coach=coach, first_name="Lotte", last_name="Dekker")
    upload = SimpleUploadedFile("overeenkomst.pdf", PDF, content_type="application/pdf")
    services.attachment_add(by=coach, participant=lotte, upload=upload, title="Getekende overeenkomst")

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "coach", "een-lang-wachtwoord")
    page.goto(live_server.url + lotte.get_absolute_url())
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("#docs-h + ul button:has-text('Verwijderen')")
    page.wait_for_timeout(300)
    assert asked and "Getekende overeenkomst" in asked[0]
    assert Attachment.objects.count() == 1  # "Cancel": nothing sent
    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        page.click("#docs-h + ul button:has-text('Verwijderen')")
    assert Attachment.objects.count() == 0
