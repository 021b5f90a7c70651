"""The audit-privacy walk's part for what surrounds the participant: every write of
support needs, group lessons and learning places, with the canary in each text field
(called from tests/participants/test_audit_privacy.py)."""

import datetime

from django.urls import reverse

from participants import services
from participants.models import GroupLesson, LearningPlace, Organisation, SupportNeed

D = datetime.date


def walk_support(client, *, by, participant, fill, texts, repost) -> None:
    """Perform every support write as `by` (a coordinator, logged in on `client`)."""
    p = participant
    partner = Organisation.objects.create(
        **{**texts(Organisation), "name": "Qzx7Kanarie keten", "kind": Organisation.Kind.CHAIN_PARTNER}
    )
    repost(client, reverse("participants:managed-edit", args=["organisation", partner.pk]), Organisation)
    need = services.support_need_save(
        by=by, need=fill(SupportNeed(participant=p, kind="financien", since=D(2024, 2, 1), partner=partner))
    )
    repost(client, reverse("participants:supportneed-edit", args=[p.pk, need.pk]), SupportNeed)
    response = client.post(
        reverse("participants:supportneed-settle", args=[p.pk, need.pk]),
        {"status": "geregeld", "closed_on": "2024-03-01"},
    )
    assert response.status_code == 302
    services.support_need_save(
        by=by, need=fill(SupportNeed(participant=p, kind="vervoer", since=D(2024, 2, 1)))
    )
    employer = Organisation.objects.create(
        **{**texts(Organisation), "name": "Qzx7Kanarie werk", "kind": Organisation.Kind.EMPLOYER}
    )
    place = services.learning_place_save(
        by=by, place=fill(LearningPlace(employer=employer, places=2, start=D(2024, 1, 1)))
    )
    repost(client, reverse("participants:learningplace-edit", args=[place.pk]), LearningPlace)
    client.get(reverse("participants:learningplace-list"))
    lesson = services.lesson_plan(
        by=by,
        lesson=fill(GroupLesson(date=D(2024, 3, 5), start_time=datetime.time(10), duration_minutes=60)),
        participants=[p],
        weeks=2,
    )[0]
    repost(client, reverse("participants:lesson-edit", args=[lesson.pk]), GroupLesson)
    url = reverse("participants:lesson-attendance", args=[lesson.pk])
    assert client.post(url, {f"p-{p.pk}": "absent", f"r-{p.pk}": "afgemeld"}).status_code == 302
    client.get(url)
    client.get(reverse("participants:lesson-list"))
