"""The head of the participant page, written in Python (participants/file_head.py),
against the template fragment it replaced (below, as it was), for every branch: roles,
sensitive or not, open or closed files, anonymised, with or without goals, coach and
referrer; and `address()` against `reverse()`."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from django.utils.translation import override

from participants.addresses import address
from participants.file_head import head_html
from participants.models import PHASE_CSS, Phase
from tests.factories import OrganisationFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

HEAD_TEMPLATE = (
    """{% load i18n %}"""
    + r"""<nav aria-label="breadcrumb"><ol class="breadcrumb">
  <li class="breadcrumb-item"><a href="{% url 'participants:caseload' %}">{% translate "Participants" %}</a></li>
  <li class="breadcrumb-item active" aria-current="page">{{ participant.number }}</li>
</ol></nav>
<div class="d-flex flex-wrap align-items-start justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1">{{ participant.full_name }} <span class="badge {{ phase_css }}">{{ phase_label }}</span></h1>
    <div class="text-body-secondary small">
      {{ participant.number }}
      {% if participant.coach %}· {% translate "Coach" %}: {{ participant.coach.get_full_name|default:participant.coach.username }}{% endif %}
      {% if participant.referrer %}· {% translate "Referrer" %}: {{ participant.referrer }}{% endif %}
    </div>
  </div>
  <div class="d-flex flex-wrap gap-2">
    <a class="btn btn-outline-secondary btn-sm" href="{% url 'participants:participant-edit' participant.pk %}">{% translate "Edit registration" %}</a>
    {% if learning %}<a class="btn btn-outline-secondary btn-sm" href="{% url 'participants:certificate-download' participant.pk %}">{{ certificate_name }}</a>{% endif %}
    {% if is_coordinator %}
    <a class="btn btn-outline-secondary btn-sm" href="{% url 'participants:participant-export' participant.pk %}?format=pdf">{% translate "All data (PDF)" %}</a>
    <a class="btn btn-outline-secondary btn-sm" href="{% url 'participants:participant-export' participant.pk %}?format=json">JSON</a>
    {% if not participant.anonymised_at %}<a class="btn btn-outline-danger btn-sm" href="{% url 'participants:participant-anonymise' participant.pk %}">{% translate "Anonymise" %}</a>{% endif %}
    {% endif %}
  </div>
</div>

<div class="d-flex flex-wrap gap-2 mb-4 actions">
  <a class="btn btn-primary" href="{% url 'participants:entry-create' participant.pk %}">{% translate "Log contact" %}</a>
  <a class="btn btn-outline-primary" href="{% url 'participants:reminder-create' participant.pk %}">{% translate "Reminder" %}</a>
  {% if sensitive %}<a class="btn btn-outline-primary" href="{% url 'participants:attachment-create' participant.pk %}">{% translate "Document" %}</a>{% endif %}
  {% if participant.phase == "dropped_out" or participant.phase == "outflowed" %}
    <a class="btn btn-outline-primary" href="{% url 'participants:reentry-create' participant.pk %}">{% translate "Re-entry" %}</a>
  {% else %}
    {% if sensitive %}<a class="btn btn-outline-primary" href="{% url 'participants:intake-edit' participant.pk %}">{% translate "Intake" %}</a>{% endif %}
    <a class="btn btn-outline-primary" href="{% url 'participants:trajectory-create' participant.pk %}">{% translate "Trajectory" %}</a>
    <a class="btn btn-outline-primary" href="{% url 'participants:placement-create' participant.pk %}">{% translate "Placement" %}</a>
    <a class="btn btn-outline-primary" href="{% url 'participants:credential-create' participant.pk %}">{% translate "Credential" %}</a>
    {% if sensitive %}<a class="btn btn-outline-secondary" href="{% url 'participants:pause-create' participant.pk %}">{% translate "Pause" %}</a>
    <a class="btn btn-outline-danger" href="{% url 'participants:dropout-create' participant.pk %}">{% translate "Dropout" %}</a>{% endif %}
    {% if sensitive %}<a class="btn btn-outline-secondary" href="{% url 'participants:supportneed-create' participant.pk %}">{% translate "Support need" %}</a>{% endif %}
    <a class="btn btn-outline-success" href="{% url 'participants:outflow-create' participant.pk %}">{% translate "Outflow" %}</a>
  {% endif %}
</div>"""
)


def reference(participant, **context) -> str:
    template = engines["django"].from_string(HEAD_TEMPLATE)
    request = RequestFactory().get("/")
    return template.render({"participant": participant, **context}, request)


PHASES = [Phase.REGISTERED, Phase.DROPPED_OUT, Phase.OUTFLOWED]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("phase", PHASES)
def test_every_branch_gives_what_the_template_gave(coach, language, phase):
    nameless = UserFactory(username="x<y>", first_name="", last_name="")
    people = [
        ParticipantFactory(coach=coach, referrer=OrganisationFactory(name="Gemeente & <UWV>")),
        ParticipantFactory(coach=None, first_name='<b>"Sanne"</b>', anonymised_at=timezone.now()),
        ParticipantFactory(coach=nameless),
    ]
    checked = 0
    with override(language):
        for p in people:
            p.phase = phase
            for sensitive in (True, False):
                for coordinator in (True, False):
                    for learning in ([], ["a table"]):
                        context = {
                            "phase_css": PHASE_CSS[phase],
                            "phase_label": Phase(phase).label,
                            "sensitive": sensitive,
                            "learning": learning,
                            "certificate_name": "Praktijkverklaring & co",
                        }
                        ours = head_html(p, coordinator=coordinator, **context)
                        assert ours == reference(p, is_coordinator=coordinator, **context)
                        checked += 1
    assert checked == 24
    assert "&lt;b&gt;" in head_html(people[1], coordinator=True, **context)


def test_address_is_reverse_for_any_ids_prefix_and_repeats():
    cases = [
        ("participants:caseload", ()),
        ("participants:entry-create", (7,)),
        ("participants:entry-create", (123456789012,)),
        ("participants:pause-end", (3, 987654321)),
        ("participants:placement-switch", (1, 2)),
    ]
    for prefix in ("/", "/plp/"):
        set_script_prefix(prefix)
        try:
            for _ in range(2):
                for name, ids in cases:
                    assert address(name, *ids) == reverse(name, args=list(ids)), (prefix, name, ids)
        finally:
            set_script_prefix("/")
    assert address("participants:caseload").startswith("/") and "/plp/" not in address(
        "participants:caseload"
    )


def test_the_timeline_links_are_those_reverse_gives(participant):
    from participants.casefile import participant_file
    from tests.factories import PlacementFactory, ProgressEntryFactory

    entries = [ProgressEntryFactory(participant=participant) for _ in range(3)]
    placement = PlacementFactory(participant=participant)
    events = participant_file(participant)["timeline"]
    links = {(ev.kind, getattr(ev.obj, "pk", None)): ev.edit_url for ev in events}
    for e in entries:
        assert links["entry", e.pk] == reverse("participants:entry-edit", args=[participant.pk, e.pk])
    assert links["placement", placement.pk] == reverse(
        "participants:placement-edit", args=[participant.pk, placement.pk]
    )
    assert links["registration", None] == reverse("participants:participant-edit", args=[participant.pk])
