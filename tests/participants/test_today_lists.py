"""Vandaag's lists are written by participants/today.py from SQL compiled once: the same
HTML, to the character but for whitespace, as the template and querysets they replaced
(kept below as the reference), for a coach and for a coordinator, on both databases."""

import datetime
import re

import pytest
from django.db.models import Exists, OuterRef, Q
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants import today as vandaag
from participants.models import FollowUp, Outflow, Participant, Pause, Reminder, SupportNeed
from participants.querysets import attention
from participants.selectors import with_flags
from plp.roles import is_coordinator
from tests.factories import (
    OrganisationFactory,
    OutflowFactory,
    ParticipantFactory,
    PauseFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)

# The template of Vandaag's lists before participants/today.py (2 December 2026).
REFERENCE = {
    "reminders": """{% load i18n %}{% for r in reminders %}
    <div class="card mb-2 {% if r.due_on < today %}border-danger{% elif r.due_on == today %}border-warning{% endif %}"><div class="card-body py-2">
      <div class="small text-body-secondary">{% if r.due_on.year == today.year %}{{ r.due_on|date:"l j F" }}{% else %}{{ r.due_on|date:"l j F Y" }}{% endif %}{% if r.due_on < today %} · {% translate "overdue" %}{% endif %}</div>
      <div class="fw-semibold">{{ r.title }}</div>
      <div class="small"><a href="{{ r.participant.get_absolute_url }}">{{ r.participant.full_name }}</a></div>
      <form method="post" action="{% url 'participants:reminder-done' r.participant_id r.pk %}" class="mt-1">{% csrf_token %}
        <input type="hidden" name="next" value="{% url 'participants:today' %}">
        <button class="btn btn-sm btn-outline-success">{% translate "Done" %}</button>
      </form>
    </div></div>
    {% empty %}<p class="text-body-secondary">{% translate "Nothing due this week." %}</p>{% endfor %}""",
    "followups": """{% load i18n %}{% for f in followups %}
      <li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2">
        <div><a href="{{ f.outflow.participant.get_absolute_url }}" class="fw-semibold">{{ f.outflow.participant.full_name }}</a>
          <div class="small text-body-secondary">{% blocktranslate with months=f.months date=f.due_on|date:"SHORT_DATE_FORMAT" %}{{ months }} months after outflow, since {{ date }}{% endblocktranslate %}</div></div>
        <a class="btn btn-sm btn-primary" href="{% url 'participants:followup-create' f.outflow.participant_id f.outflow.pk f.months %}">{% translate "Ask and record" %}</a>
      </li>{% endfor %}""",
    "support": """{% load i18n %}{% for n in support_waiting %}
      <li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2">
        <div><a href="{{ n.participant.get_absolute_url }}" class="fw-semibold">{{ n.participant.full_name }}</a>
          <div class="small text-body-secondary">{{ n.get_kind_display }}{% if n.partner %} · {{ n.partner }}{% endif %} · {% translate "since" %} {{ n.since|date:"SHORT_DATE_FORMAT" }}</div></div>
        <a class="btn btn-sm btn-outline-success" href="{% url 'participants:supportneed-settle' n.participant_id n.pk %}?next={{ request.path|urlencode }}">{% translate "Settle" %}</a>
      </li>{% endfor %}""",
    "attention": """{% load i18n %}{% for p in attention %}
      <li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2">
        <div>
          <a href="{{ p.get_absolute_url }}" class="fw-semibold">{{ p.full_name }}</a>
          <div class="small">
            {% if p.open_signals %}<span class="badge text-bg-danger">{% blocktranslate count n=p.open_signals %}{{ n }} open signal{% plural %}{{ n }} open signals{% endblocktranslate %}</span>{% endif %}
            {% if p.no_recent_contact %}<span class="badge text-bg-warning">{% translate "No contact in 14 days" %}</span>{% endif %}
            {% if p.placement_ending %}<span class="badge text-bg-info">{% translate "Placement ends within 14 days" %}</span>{% endif %}
            {% if p.pause_ending %}<span class="badge text-bg-secondary">{% translate "Pause ends within 14 days" %}</span>{% endif %}
            <span class="text-body-secondary">{% translate "Last contact" %}: <span class="text-nowrap">{{ p.last_contact|date:"SHORT_DATE_FORMAT"|default:"–" }}</span></span>
          </div>
        </div>
        <a class="btn btn-primary btn-sm" href="{% url 'participants:entry-create' p.pk %}?next={{ request.path|urlencode }}">{% translate "Log contact" %}</a>
      </li>
    {% empty %}<li class="list-group-item text-body-secondary">{% translate "Nobody needs attention. Good work." %}</li>{% endfor %}""",
}


def reference_context(user, day):
    """What the view computed before, with the ORM."""
    reminders = Reminder.objects.filter(assigned_to=user, done_on__isnull=True, due_on__lte=day + 7 * DAY)
    if not is_coordinator(user):
        shared = Participant.team.through.objects.filter(participant=OuterRef("participant_id"), user=user)
        reminders = reminders.filter(Q(participant__coach=user) | Exists(shared))
    soon = day + 14 * DAY
    pause_ending = Pause.objects.filter(participant=OuterRef("pk"), end__gte=day, end__lte=soon)
    flags = attention(day)
    needing = (
        Participant.objects.filter(coach=user)
        .open_files(day)
        .with_overview(day)
        .annotate(pause_ending=Exists(pause_ending))
        .filter(flags["signals"] | flags["no_contact"] | flags["placement_ending"] | Q(pause_ending=True))
        .order_by("last_contact", "last_name")[:100]
    )
    outflows = (
        Outflow.objects.filter(
            participant__coach=user, date__lte=day, date__gte=services.add_months(day, -18)
        )
        .exclude(kind=Outflow.Kind.OTHER)
        .select_related("participant")
        .order_by("date", "pk")
    )
    followups = []
    for outflow in outflows:
        answered = {f.months for f in outflow.followups.all()}
        for months in FollowUp.MONTHS:
            due_on = services.add_months(outflow.date, months)
            if months not in answered and due_on <= day:
                followups.append({"outflow": outflow, "months": months, "due_on": due_on})
                break
    support = SupportNeed.objects.waiting(day)
    if not is_coordinator(user):
        support = support.filter(participant__coach=user)
    return {
        "today": day,
        "reminders": list(reminders.select_related("participant").order_by("due_on", "pk")[:100]),
        "attention": with_flags(list(needing), day),
        "followups": followups,
        "support_waiting": list(
            support.select_related("participant", "partner").order_by("since", "pk")[:50]
        ),
    }


def same(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", str(html))
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def a_busy_day(coach, other_coach, day):
    """Every kind of row Vandaag shows, and rows it must leave out."""
    odd = ParticipantFactory(coach=coach, first_name="Zoë", last_name="O'Neil & <b>Bos</b>")
    TrajectoryFactory(participant=odd, start=day - 90 * DAY)
    ProgressEntryFactory(participant=odd, date=day - 20 * DAY)
    SignalFactory(participant=odd, raised_on=day - 3 * DAY)
    SignalFactory(participant=odd, raised_on=day - 2 * DAY)
    ending = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=ending, start=day - 90 * DAY)
    ProgressEntryFactory(participant=ending, date=day - 2 * DAY)
    PlacementFactory(participant=ending, start=day - 60 * DAY, end=day + 5 * DAY)
    resting = ParticipantFactory(coach=coach)
    PauseFactory(participant=resting, start=day - 10 * DAY, end=day + 4 * DAY)
    fine = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=fine, start=day - 90 * DAY)
    ProgressEntryFactory(participant=fine, date=day - 1 * DAY)
    shared = ParticipantFactory(coach=other_coach)
    shared.team.add(coach)
    not_mine = ParticipantFactory(coach=other_coach)
    for p, title, due in (
        (odd, "Bellen <met> UWV", day - 2 * DAY),
        (fine, "Driegesprek", day),
        (ending, "Evaluatie", day + 3 * DAY),
        (fine, "Later", day + 30 * DAY),
        (shared, "Gedeeld dossier", day + 1 * DAY),
        (not_mine, "Niet van mij", day),
        (odd, "Vorig jaar", day - 400 * DAY),  # shown with its year
    ):
        Reminder.objects.create(participant=p, title=title, due_on=due, assigned_to=coach)
    Reminder.objects.create(participant=fine, title="Klaar", due_on=day, assigned_to=coach, done_on=day)
    for months_ago, answered in ((7, ()), (13, (6,)), (3, ()), (14, (6, 12))):
        p = ParticipantFactory(coach=coach)
        TrajectoryFactory(participant=p, start=services.add_months(day, -months_ago - 6))
        outflow = OutflowFactory(participant=p, date=services.add_months(day, -months_ago))
        for months in answered:
            FollowUp.objects.create(
                participant=p, outflow=outflow, months=months, answered_on=day, still_active=True
            )
    partner = OrganisationFactory(name="Schuldhulp & Co", kind="ketenpartner")
    SupportNeed.objects.create(participant=odd, kind="financien", since=day - 40 * DAY, partner=partner)
    SupportNeed.objects.create(participant=fine, kind="vervoer", since=day - 35 * DAY)
    SupportNeed.objects.create(participant=fine, kind="wonen", since=day - 10 * DAY)
    SupportNeed.objects.create(participant=not_mine, kind="vervoer", since=day - 50 * DAY)


@pytest.mark.parametrize("role", ["coach", "coordinator"])
def test_the_lists_are_what_the_template_wrote(role, coach, other_coach, coordinator):
    day = timezone.localdate()
    a_busy_day(coach, other_coach, day)
    user = {"coach": coach, "coordinator": coordinator}[role]
    if role == "coordinator":
        Reminder.objects.create(
            participant=Participant.objects.first(), title="Coördinatie", due_on=day, assigned_to=user
        )
    request = RequestFactory().get(reverse("participants:today"))
    request.user = user
    expected = reference_context(user, day)
    coordinator_ = is_coordinator(user)
    found = {
        "reminders": vandaag.reminders_html(
            request, vandaag.reminders_due(user, day + 7 * DAY, coordinator_), day
        ),
        "followups": vandaag.followups_html(services.followups_due(user, day)),
        "support": vandaag.support_html(request, vandaag.support_needs_waiting(user, day, coordinator_)),
        "attention": vandaag.attention_html(request, vandaag.needing_attention(user, day)),
    }
    for name, template in REFERENCE.items():
        reference = engines["django"].from_string(template).render({**expected, "csrf_token": "x"}, request)
        assert same(found[name]) == same(reference), name
    if role == "coach":  # each list has rows, and the rows it must leave out are left out
        assert same(found["reminders"]).count('class="card ') == 5
        last_year = day - 400 * DAY
        assert f"{last_year.day} " in found["reminders"] and str(last_year.year) in found["reminders"]
        assert "Niet van mij" not in found["reminders"] and "Later" not in found["reminders"]
        assert [f["months"] for f in services.followups_due(user, day)] == [12, 6]
        assert "O&#x27;Neil &amp; &lt;b&gt;Bos&lt;/b&gt;" in found["attention"]
        assert found["support"].count("<li") == 2


def test_empty_day_says_so_and_a_done_button_works(coach_client, coach, participant):
    url = reverse("participants:today")
    html = coach_client.get(url).content.decode()
    assert "Niets gepland deze week." in html and "Niemand heeft nu extra aandacht nodig." in html
    day = timezone.localdate()
    reminder = Reminder.objects.create(participant=participant, title="Bellen", due_on=day, assigned_to=coach)
    html = coach_client.get(url).content.decode()
    action = re.search(r'<form method="post" action="([^"]+/klaar/)"', html)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    coach_client.handler.enforce_csrf_checks = True
    response = coach_client.post(action, {"csrfmiddlewaretoken": token, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    reminder.refresh_from_db()
    assert reminder.done_on == day
