import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from participants.models import (
    Dropout,
    DropoutReason,
    Intake,
    Outflow,
    Participant,
    Pause,
    Placement,
    ProgressEntry,
    ReEntry,
    Signal,
    Trajectory,
)
from plp.models import AuditEntry
from tests.conftest import form_version
from tests.factories import (
    CredentialFactory,
    MentorFactory,
    OrganisationFactory,
    PauseFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def records(participant):
    """One record of each kind in the participant's file, for the edit pages."""
    trajectory = TrajectoryFactory(participant=participant, start=D(2024, 2, 1))
    outflow_org = OrganisationFactory(name="Spaarne Werkt")
    return {
        "trajectory": trajectory,
        "placement": PlacementFactory(participant=participant, start=D(2024, 2, 1)),
        "entry": ProgressEntryFactory(participant=participant),
        "signal": SignalFactory(participant=participant),
        "credential": CredentialFactory(participant=participant, trajectory=None),
        "pause": PauseFactory(participant=participant, start=D(2024, 3, 1), end=D(2024, 3, 10)),
        "outflow_org": outflow_org,
    }


def participant_urls(p, r) -> list[str]:
    pk = p.pk
    return [
        reverse("participants:participant-detail", args=[pk]),
        reverse("participants:participant-edit", args=[pk]),
        reverse("participants:intake-edit", args=[pk]),
        reverse("participants:trajectory-create", args=[pk]),
        reverse("participants:trajectory-edit", args=[pk, r["trajectory"].pk]),
        reverse("participants:placement-create", args=[pk]),
        reverse("participants:placement-edit", args=[pk, r["placement"].pk]),
        reverse("participants:placement-switch", args=[pk, r["placement"].pk]),
        reverse("participants:entry-create", args=[pk]),
        reverse("participants:entry-edit", args=[pk, r["entry"].pk]),
        reverse("participants:signal-close", args=[pk, r["signal"].pk]),
        reverse("participants:credential-create", args=[pk]),
        reverse("participants:credential-edit", args=[pk, r["credential"].pk]),
        reverse("participants:pause-create", args=[pk]),
        reverse("participants:pause-edit", args=[pk, r["pause"].pk]),
        reverse("participants:dropout-create", args=[pk]),
        reverse("participants:outflow-create", args=[pk]),
        reverse("participants:reentry-create", args=[pk]),
    ]


COORDINATOR_URLS = [
    ("participants:managed-list", ["organisation"]),
    ("participants:managed-list", ["mentor"]),
    ("participants:managed-list", ["reason"]),
    ("participants:managed-create", ["organisation"]),
    ("participants:managed-create", ["mentor"]),
    ("participants:managed-create", ["reason"]),
    ("participants:user-list", []),
    ("participants:user-create", []),
    ("reporting:overview", []),
]


def test_assigned_coach_can_open_every_page(coach_client, participant, records):
    for url in participant_urls(participant, records):
        assert coach_client.get(url).status_code == 200, url
    assert coach_client.get(reverse("participants:caseload")).status_code == 200
    assert coach_client.get(reverse("participants:participant-create")).status_code == 200


def test_another_coach_gets_404_on_get_and_post(client, other_coach, participant, records):
    client.force_login(other_coach)
    for url in participant_urls(participant, records):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"date": "2024-05-01"}).status_code == 404, url
    delete = reverse("participants:entry-delete", args=[participant.pk, records["entry"].pk])
    assert client.post(delete).status_code == 404
    assert ProgressEntry.objects.filter(pk=records["entry"].pk).exists()


def test_coordinator_sees_every_participant(coordinator_client, participant, records):
    for url in participant_urls(participant, records):
        assert coordinator_client.get(url).status_code == 200, url


@pytest.mark.parametrize("name, args", COORDINATOR_URLS)
def test_coordinator_pages_are_forbidden_to_coaches(coach, coordinator, name, args):
    coach_client, coordinator_client = Client(), Client()
    coach_client.force_login(coach)
    coordinator_client.force_login(coordinator)
    url = reverse(name, args=args)
    assert coach_client.get(url).status_code == 403
    assert coach_client.post(url, {"name": "x"}).status_code == 403
    assert coordinator_client.get(url).status_code == 200


def _all_url_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            yield from _all_url_patterns(item, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            yield item, prefix + str(item.pattern)


def test_every_url_requires_login(client, participant, records):
    """Walk the resolver: anything not explicitly public redirects an anonymous visitor."""
    public = {"login", "set_language"}
    checked = 0
    for pattern, route in _all_url_patterns():
        if route.startswith("admin/") or pattern.name in public or route.startswith("leermeester/"):
            # The mentor's pages need no login (tests/test_security.py covers them).
            continue
        path = "/" + route
        for part, value in (
            ("<id:pk>", participant.pk),
            ("<id:record_pk>", records["entry"].pk),
            ("<id:user_pk>", 1),
            ("<id:item_pk>", 1),
            ("<int:months>", 6),
            ("<id:trajectory_pk>", 1),
            ("<id:goal_pk>", 1),
            ("<id:wp_pk>", 1),
            ("<str:kind>", "organisation"),
        ):
            path = path.replace(part, str(value))
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path
        checked += 1
    assert checked > 25


def test_caseload_shows_only_my_participants(coach_client, participant, other_coach):
    from tests.factories import ParticipantFactory

    ParticipantFactory(coach=other_coach, first_name="Verborgen", last_name="Persoon")
    TrajectoryFactory(participant=participant, start=D(2024, 2, 1))
    html = coach_client.get(reverse("participants:caseload")).content.decode()
    assert "Sanne Jansen" in html
    assert "Verborgen" not in html


def test_caseload_search_filter_and_flags(coach_client, coach):
    from tests.factories import ParticipantFactory

    today = timezone.localdate()
    a = ParticipantFactory(coach=coach, first_name="Amira", last_name="Bos", number="PLP-2024-001")
    b = ParticipantFactory(coach=coach, first_name="Bram", last_name="Kok", number="PLP-2024-002")
    for p in (a, b):
        TrajectoryFactory(participant=p, start=today - datetime.timedelta(days=60))
    ProgressEntryFactory(participant=a, date=today - datetime.timedelta(days=2))
    ProgressEntryFactory(participant=b, date=today - datetime.timedelta(days=30))
    SignalFactory(participant=a, raised_on=today)
    PlacementFactory(
        participant=b, start=today - datetime.timedelta(days=30), end=today + datetime.timedelta(days=5)
    )
    url = reverse("participants:caseload")

    html = coach_client.get(url, {"q": "2024-002"}).content.decode()
    assert "Bram Kok" in html and "Amira Bos" not in html
    html = coach_client.get(url, {"q": "amira"}).content.decode()
    assert "Amira Bos" in html and "Bram Kok" not in html

    page = coach_client.get(url)
    rows = {p.number: p for p in page.context["page"].object_list}
    assert rows["PLP-2024-001"].open_signals == 1 and not rows["PLP-2024-001"].no_recent_contact
    assert rows["PLP-2024-002"].no_recent_contact and rows["PLP-2024-002"].placement_ending
    assert rows["PLP-2024-002"].phase == "in_trajectory"

    assert [p.number for p in coach_client.get(url, {"flag": "signals"}).context["page"]] == ["PLP-2024-001"]
    assert [p.number for p in coach_client.get(url, {"flag": "no_contact"}).context["page"]] == [
        "PLP-2024-002"
    ]
    assert [p.number for p in coach_client.get(url, {"flag": "placement_ending"}).context["page"]] == [
        "PLP-2024-002"
    ]
    assert list(coach_client.get(url, {"phase": "paused"}).context["page"]) == []
    html = coach_client.get(url).content.decode()
    assert "Geen contact in 14 dagen" in html
    assert "Plaatsing eindigt binnen 14 dagen" in html


def test_attention_flags_on_fetched_rows_follow_the_filters(coach):
    from participants.querysets import attention, attention_dates
    from participants.selectors import with_flags
    from tests.factories import OutflowFactory, ParticipantFactory

    today = timezone.localdate()
    since, ending_before = attention_dates(today)
    day = datetime.timedelta(days=1)
    people = {}
    for name, contact, placement_end in [
        ("overdue", since - day, None),
        ("just in time", since, None),
        ("never seen", None, None),
        ("ends soon", today, ending_before),
        ("ends later", today, ending_before + day),
    ]:
        p = people[name] = ParticipantFactory(coach=coach, last_name=name)
        TrajectoryFactory(participant=p, start=today - 90 * day)
        if contact:
            ProgressEntryFactory(participant=p, date=contact)
        if placement_end:
            PlacementFactory(participant=p, start=today - 30 * day, end=placement_end)
    people["registered"] = ParticipantFactory(coach=coach, last_name="registered")
    people["left"] = ParticipantFactory(coach=coach, last_name="left")
    OutflowFactory(participant=people["left"], date=today - 60 * day)

    rows = with_flags(list(Participant.objects.with_overview(today)), today)
    flagged = {p.last_name: (p.no_recent_contact, p.placement_ending) for p in rows}
    filters = attention(today)
    annotated = Participant.objects.with_phase(today).with_overview(today)
    for name in people:
        in_filters = tuple(
            annotated.filter(filters[flag], last_name=name).exists()
            for flag in ("no_contact", "placement_ending")
        )
        assert flagged[name] == in_filters, name
    assert flagged["overdue"] == (True, False) and flagged["just in time"] == (False, False)
    assert flagged["never seen"] == (True, False) and flagged["registered"] == (False, False)
    assert flagged["ends soon"] == (False, True) and flagged["ends later"] == (False, False)
    assert flagged["left"] == (False, False)


def test_caseload_is_paged(coach_client, coach):
    from tests.factories import ParticipantFactory

    ParticipantFactory.create_batch(30, coach=coach)
    response = coach_client.get(reverse("participants:caseload"), {"page": 2})
    assert len(response.context["page"].object_list) == 5


# Creating records through the browser forms: valid input saves, invalid input is kept.


def test_coach_registers_a_participant_in_their_own_caseload(coach_client, coach):
    data = {
        "first_name": "Lotte",
        "last_name": "Dekker",
        "registration_date": "2026-01-05",
    }
    response = coach_client.post(reverse("participants:participant-create"), data)
    p = Participant.objects.get()
    assert response.status_code == 302 and response["Location"] == p.get_absolute_url()
    assert (p.number, p.coach) == (f"PLP-{timezone.localdate().year}-001", coach)  # assigned
    assert AuditEntry.objects.filter(action="participants.participant.created", participant_id=p.pk).exists()


def test_duplicate_number_is_refused_with_input_kept(coordinator_client, participant):
    data = {
        "number": participant.number,
        "first_name": "Getypte",
        "last_name": "Naam",
        "registration_date": "2026-01-05",
    }
    response = coordinator_client.post(reverse("participants:participant-create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Getypte" in html and 'value="2026-01-05"' in html
    assert "Er bestaat al een deelnemer met dit deelnemernummer." in html


def test_intake_is_recorded_and_updated(coach_client, participant):
    url = reverse("participants:intake-edit", args=[participant.pk])
    data = {
        "date": "2024-01-10",
        "motivation": "Wil werken",
        "load_capacity": "moderate",
        "outcome": "admitted",
    }
    assert coach_client.post(url, data).status_code == 302
    version = form_version(coach_client, url)
    assert coach_client.post(url, {**data, "motivation": "Wil leren", "lock": version}).status_code == 302
    assert Intake.objects.get().motivation == "Wil leren"


def test_intake_trial_end_before_start_keeps_input(coach_client, participant):
    url = reverse("participants:intake-edit", args=[participant.pk])
    data = {
        "date": "2024-01-10",
        "motivation": "Heel gemotiveerd",
        "outcome": "pending",
        "trial_start": "2024-02-01",
        "trial_end": "2024-01-01",
    }
    response = coach_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "De einddatum kan niet voor de startdatum liggen." in html
    assert "Heel gemotiveerd" in html
    assert not Intake.objects.exists()


@pytest.mark.parametrize(
    "name, valid, invalid, model",
    [
        (
            "trajectory-create",
            {"kind": "praktijkverklaring", "start": "2024-02-01", "outcome": "lopend"},
            {
                "kind": "praktijkverklaring",
                "start": "2024-02-01",
                "end": "2024-01-01",
                "outcome": "behaald",
                "notes": "getypte notitie",
            },
            Trajectory,
        ),
        (
            "placement-create",
            {"employer": "EMPLOYER", "start": "2024-02-01", "hours_per_week": "16"},
            {
                "employer": "EMPLOYER",
                "start": "2024-02-01",
                "hours_per_week": "99",
                "notes": "getypte notitie",
            },
            Placement,
        ),
        (
            "entry-create",
            {"date": "2024-02-01", "kind": "coaching", "duration_minutes": "45", "signals": ["stress"]},
            {"date": "31-02-2024", "kind": "coaching", "duration_minutes": "45", "notes": "getypte notitie"},
            ProgressEntry,
        ),
        (
            "pause-create",
            {"start": "2024-03-01", "reason": "Opname"},
            {"start": "2024-03-01", "end": "2024-02-01", "reason": "getypte notitie"},
            Pause,
        ),
    ],
)
def test_record_forms(coach_client, participant, name, valid, invalid, model):
    employer = OrganisationFactory(name="Ecosol")
    MentorFactory(organisation=employer)
    fix = {k: (str(employer.pk) if v == "EMPLOYER" else v) for k, v in valid.items()}
    bad = {k: (str(employer.pk) if v == "EMPLOYER" else v) for k, v in invalid.items()}
    url = reverse(f"participants:{name}", args=[participant.pk])
    response = coach_client.post(url, bad)
    assert response.status_code == 200
    assert "getypte notitie" in response.content.decode()
    assert "invalid-feedback" in response.content.decode()
    assert not model.objects.exists()
    response = coach_client.post(url, fix)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert model.objects.count() == 1


def test_entry_with_signal_then_close_it(coach_client, participant):
    url = reverse("participants:entry-create", args=[participant.pk])
    coach_client.post(
        url, {"date": "2024-02-01", "kind": "driegesprek", "duration_minutes": "30", "signals": ["schulden"]}
    )
    signal = Signal.objects.get()
    html = coach_client.get(participant.get_absolute_url()).content.decode()
    assert "Schulden" in html
    close = reverse("participants:signal-close", args=[participant.pk, signal.pk])
    response = coach_client.post(close, {"closed_on": "2024-01-01", "note": "opgelost"})
    assert "opgelost" in response.content.decode()  # closed before raised: kept
    assert coach_client.post(close, {"closed_on": "2024-02-10", "note": "Budgetcoach"}).status_code == 302
    signal.refresh_from_db()
    assert signal.closed_on == D(2024, 2, 10)


def test_dropout_form_requires_reason_and_respects_first_trajectory(coach_client, participant):
    TrajectoryFactory(participant=participant, start=D(2024, 2, 1))
    url = reverse("participants:dropout-create", args=[participant.pk])
    reason = DropoutReason.objects.get(code="mismatch")
    response = coach_client.post(url, {"date": "2024-03-01", "explanation": "getypte uitleg"})
    assert "getypte uitleg" in response.content.decode() and not Dropout.objects.exists()
    response = coach_client.post(
        url, {"date": "2024-01-01", "reason": reason.pk, "explanation": "getypte uitleg"}
    )
    assert "getypte uitleg" in response.content.decode() and not Dropout.objects.exists()
    assert "eerste traject" in response.content.decode()
    assert coach_client.post(url, {"date": "2024-03-01", "reason": reason.pk}).status_code == 302
    assert Participant.objects.with_phase().get().phase == "dropped_out"
    html = coach_client.get(participant.get_absolute_url()).content.decode()
    assert "Mismatch met richting of inhoud" in html


def test_outflow_then_reentry_then_new_trajectory(coach_client, participant, records):
    url = reverse("participants:outflow-create", args=[participant.pk])
    data = {
        "date": "2024-09-01",
        "kind": "beschut werk",
        "employer": records["outflow_org"].pk,
        "job_title": "Kloosterkeuken",
    }
    assert coach_client.post(url, data).status_code == 302
    assert Outflow.objects.get().job_title == "Kloosterkeuken"
    new = reverse("participants:trajectory-create", args=[participant.pk])
    response = coach_client.post(new, {"kind": "deelcertificaat", "start": "2024-10-01", "outcome": "lopend"})
    assert response.status_code == 200 and "herintrede" in response.content.decode()
    reentry = reverse("participants:reentry-create", args=[participant.pk])
    assert coach_client.post(reentry, {"date": "2024-09-20", "reason": "Baan verloren"}).status_code == 302
    assert (
        coach_client.post(
            new, {"kind": "deelcertificaat", "start": "2024-10-01", "outcome": "lopend"}
        ).status_code
        == 302
    )
    assert ReEntry.objects.count() == 1


def test_placement_switch_view(coach_client, participant, records):
    url = reverse("participants:placement-switch", args=[participant.pk, records["placement"].pk])
    other = OrganisationFactory(name="Turquoise")
    assert coach_client.post(url, {"employer": other.pk, "start": "2024-08-01"}).status_code == 302
    assert Placement.objects.filter(end__isnull=True).get().employer == other


def test_timeline_lists_everything_newest_first(coach_client, participant, records):
    response = coach_client.get(participant.get_absolute_url())
    kinds = [ev.kind for ev in response.context["timeline"]]
    dates = [ev.date for ev in response.context["timeline"]]
    assert dates == sorted(dates, reverse=True)
    assert {"registration", "trajectory", "placement", "entry", "credential", "pause"} <= set(kinds)


def test_entry_delete(coach_client, participant, records):
    url = reverse("participants:entry-delete", args=[participant.pk, records["entry"].pk])
    assert coach_client.get(url).status_code == 405
    assert coach_client.post(url).status_code == 302
    assert not ProgressEntry.objects.exists()
    assert AuditEntry.objects.filter(action="participants.progressentry.deleted").exists()


def test_coordinator_manages_organisations_and_reasons(coordinator_client):
    url = reverse("participants:managed-create", args=["organisation"])
    data = {
        "name": "Nova College",
        "kind": "school",
        "role": "Verstrekking van praktijkverklaringen",
        "active": "on",
    }
    assert coordinator_client.post(url, data).status_code == 302
    response = coordinator_client.post(url, data)  # duplicate name
    assert (
        response.status_code == 200 and "Verstrekking van praktijkverklaringen" in response.content.decode()
    )
    url = reverse("participants:managed-create", args=["reason"])
    assert (
        coordinator_client.post(
            url, {"label": "Verhuisd", "code": "verhuisd", "position": 6, "active": "on"}
        ).status_code
        == 302
    )
    assert DropoutReason.objects.filter(code="verhuisd").exists()
    assert coordinator_client.get(reverse("participants:managed-list", args=["nothing"])).status_code == 404


def test_coordinator_creates_a_coach_account(coordinator_client, client):
    url = reverse("participants:user-create")
    data = {
        "username": "dana",
        "first_name": "Dana",
        "last_name": "Smit",
        "email": "dana@example.org",
        "is_active": "on",
        "role": "coach",
        "password1": "kort",
        "password2": "kort",
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 200 and "Dana" in response.content.decode()
    data.update(password1="lang-en-sterk-wachtwoord-42", password2="lang-en-sterk-wachtwoord-42")
    assert coordinator_client.post(url, data).status_code == 302
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="dana")
    assert list(user.groups.values_list("name", flat=True)) == ["coach"]
    response = client.post(reverse("login"), {"username": "dana", "password": "lang-en-sterk-wachtwoord-42"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_dutch_by_default_english_selectable(coach_client):
    url = reverse("participants:caseload")
    assert "Mijn deelnemers" in coach_client.get(url, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    response = coach_client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert "My participants" in coach_client.get(url).content.decode()


def test_second_save_over_a_colleagues_change_is_refused_and_input_kept(coach, coordinator, participant):
    t = TrajectoryFactory(participant=participant, start=D(2024, 2, 1))
    url = reverse("participants:trajectory-edit", args=[participant.pk, t.pk])
    first, second = Client(), Client()
    first.force_login(coach)
    second.force_login(coordinator)
    v1, v2 = form_version(first, url), form_version(second, url)
    data = {"kind": "praktijkverklaring", "start": "2024-02-01", "outcome": "lopend"}
    assert first.post(url, {**data, "notes": "eerste", "lock": v1}).status_code == 302
    response = second.post(url, {**data, "notes": "tweede getypt", "lock": v2})
    html = response.content.decode()
    assert response.status_code == 200 and "Iemand anders heeft dit" in html and "tweede getypt" in html
    t.refresh_from_db()
    assert t.notes == "eerste"
    resubmit = response.context["form"]["lock"].value()
    assert second.post(url, {**data, "notes": "tweede getypt", "lock": resubmit}).status_code == 302
    t.refresh_from_db()
    assert t.notes == "tweede getypt"


@pytest.mark.parametrize("path, field", [("entry/nieuw/", "date"), ("reminder/nieuw/", "due_on")])
def test_new_records_are_dated_today(coach_client, participant, path, field):
    html = coach_client.get(f"{participant.get_absolute_url()}{path}").content.decode()
    assert f'name="{field}" value="{timezone.localdate().isoformat()}"' in html


@pytest.mark.parametrize(
    "next_url, lands_on",
    [
        ("/deelnemers/vandaag/", "/deelnemers/vandaag/"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
    ],
)
def test_after_saving_a_contact_only_local_next_urls_are_followed(
    coach_client, participant, next_url, lands_on
):
    url = f"{participant.get_absolute_url()}entry/nieuw/?next={next_url}"
    data = {"date": "2024-03-01", "kind": "coaching", "duration_minutes": 30, "notes": "x"}
    response = coach_client.post(url, data)
    assert response.status_code == 302
    assert response.url == (lands_on or participant.get_absolute_url())


def test_a_new_reminder_is_for_the_participants_coach_and_contact_moments_are_not_in_the_future(
    coach_client, coach, participant
):
    form = coach_client.get(reverse("participants:reminder-create", args=[participant.pk])).context["form"]
    assert form["assigned_to"].value() == coach.pk
    url = reverse("participants:entry-create", args=[participant.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = coach_client.post(
        url, {"date": tomorrow.isoformat(), "kind": "coaching", "duration_minutes": 30, "notes": "Getypt"}
    )
    assert response.status_code == 200
    assert (
        "kan niet in de toekomst liggen" in response.content.decode()
        and "Getypt" in response.content.decode()
    )
