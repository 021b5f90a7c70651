"""Documents in a participant's file: stored outside the web root, served only to those
who may see the participant's health details."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from participants import services
from participants.models import Attachment
from plp.models import AuditEntry
from plp.roles import PEER_EXPERT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def upload(client, participant, name="overeenkomst.pdf", content=PDF, title="Getekende overeenkomst"):
    return client.post(
        reverse("participants:attachment-create", args=[participant.pk]),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def test_coach_adds_and_downloads_a_document(coach_client, participant):
    assert upload(coach_client, participant).status_code == 302
    doc = Attachment.objects.get()
    path = doc.file.path
    assert path.startswith(str(settings.PLP_PRIVATE_ROOT)) and not path.startswith(str(settings.STATIC_ROOT))
    assert "overeenkomst" not in path  # stored under a random name
    response = coach_client.get(reverse("participants:attachment-download", args=[participant.pk, doc.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="participants.attachment.downloaded").exists()
    page = coach_client.get(participant.get_absolute_url()).content.decode()
    download = reverse("participants:attachment-download", args=[participant.pk, doc.pk])
    assert "Getekende overeenkomst" in page and f'href="{download}">downloaden</a>' in page


def test_others_get_404(coach_client, other_coach, participant):
    upload(coach_client, participant)
    doc = Attachment.objects.get()
    url = reverse("participants:attachment-download", args=[participant.pk, doc.pk])
    peer = UserFactory(username="peer", role=PEER_EXPERT)
    participant.team.add(peer)
    for user in (other_coach, peer):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert "Getekende overeenkomst" not in client.get(participant.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ\x90\x00binary", "Alleen PDF-, PNG- en JPEG-bestanden"),
        ("nep.pdf", b"<html>not a pdf</html>", "Alleen PDF-, PNG- en JPEG-bestanden"),
        ("groot.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024), "groter dan 5 MB"),
    ],
)
def test_wrong_or_big_files_are_refused_with_input_kept(coach_client, participant, name, content, message):
    response = upload(coach_client, participant, name, content, title="getypte titel")
    html = response.content.decode()
    assert response.status_code == 200 and message in html and "getypte titel" in html
    assert not Attachment.objects.exists()


def test_delete_and_anonymise_remove_the_files(coach_client, coach, coordinator, participant):
    upload(coach_client, participant)
    upload(coach_client, participant, title="Tweede")
    first, second = Attachment.objects.order_by("pk")
    paths = [first.file.path, second.file.path]
    coach_client.post(reverse("participants:attachment-delete", args=[participant.pk, first.pk]))
    import os

    assert not os.path.exists(paths[0]) and os.path.exists(paths[1])
    services.participant_anonymise(by=coordinator, participant=participant)
    assert not os.path.exists(paths[1])
    assert Attachment.objects.get().title == ""
