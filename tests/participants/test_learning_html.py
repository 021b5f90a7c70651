"""The participant page's learning section, written in Python (participants/learning_html.py),
against the templates it replaced: `_learning_section.html` (below, as it was) with the
`_goal_matrix.html` it includes (still a template, used by the learning page)."""

import datetime

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils.translation import override

from participants.goals import learning_context
from participants.learning_html import learning_section_html
from participants.models import ObservationStep, Trajectory, TrajectoryKind
from plp.roles import PEER_EXPERT
from tests.factories import (
    LearningGoalFactory,
    ParticipantFactory,
    TrajectoryFactory,
    UserFactory,
    WorkProcessFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date

SECTION_TEMPLATE = r"""{% load i18n %}
{% if learning %}
<section class="mb-4" aria-labelledby="learning-h">
  <h2 class="h5" id="learning-h">{% translate "Learning goals" %}</h2>
  {% for table in learning %}
  <div class="card mb-2"><div class="card-body p-2">
    <div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-1">
      <h3 class="h6 mb-0"><a href="{% url 'participants:learning' participant.pk table.trajectory.pk %}">{{ table.trajectory.get_kind_display }}</a> <span class="small text-body-secondary">{% translate "since" %} {{ table.trajectory.start|date:"SHORT_DATE_FORMAT" }}</span></h3>
      {% if may_write_learning %}<a class="btn btn-sm btn-primary" href="{% url 'participants:observation-create' participant.pk table.trajectory.pk %}">{% translate "Observation" %}</a>{% endif %}
    </div>
    {% include "participants/_goal_matrix.html" %}
  </div></div>
  {% endfor %}
</section>
{% endif %}
{% if goal_trajectories %}
<p class="small">{% for t in goal_trajectories %}<a href="{% url 'participants:goals-pick' participant.pk t.pk %}">{% blocktranslate with kind=t.get_kind_display %}Choose learning goals for the {{ kind }}{% endblocktranslate %}</a>{% if not forloop.last %} · {% endif %}{% endfor %}</p>
{% endif %}
"""


def reference(participant, context: dict) -> str:
    template = engines["django"].from_string(SECTION_TEMPLATE)
    return template.render({"participant": participant, **context}, RequestFactory().get("/"))


def ours(participant, context: dict) -> str:
    return learning_section_html(
        participant, context["learning"], context["goal_trajectories"], context["may_write_learning"]
    )


def observe(participant, goal, steps):
    from participants.models import Observation

    for i, step in enumerate(steps):
        day = D(2024, 1, 1) + datetime.timedelta(days=7 * i)
        obs = Observation.objects.create(participant=participant, trajectory=goal.trajectory, date=day)
        ObservationStep.objects.create(
            observation=obs, goal=goal, step=step, date=day, participant=participant
        )


@pytest.fixture
def varied(coach):
    """A participant with two goal trajectories (one ready, one not, a goal never seen,
    titles with markup), one without goals, and one of another kind."""
    p = ParticipantFactory(coach=coach)
    ready = TrajectoryFactory(participant=p, kind=TrajectoryKind.PRACTICE_STATEMENT, start=D(2024, 1, 1))
    busy = TrajectoryFactory(participant=p, kind=TrajectoryKind.PARTIAL_CERTIFICATE, start=D(2023, 5, 2))
    TrajectoryFactory(participant=p, kind=TrajectoryKind.PRACTICE_STATEMENT, start=None)  # no goals yet
    TrajectoryFactory(participant=p, kind=TrajectoryKind.PARTIAL_CERTIFICATE, start=D(2024, 2, 1))
    g1 = LearningGoalFactory(
        trajectory=ready, work_process=WorkProcessFactory(title='Ontvangt <gasten> & "klanten"')
    )
    observe(p, g1, [1, 2, 4])
    g2 = LearningGoalFactory(trajectory=busy)
    observe(p, g2, [1, 3, 2, 3] * 8)  # more than the path shows
    LearningGoalFactory(trajectory=busy)  # never observed
    return p


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("who", ["coach", "peer"])
def test_the_section_is_what_the_templates_rendered(varied, coach, language, who):
    user = coach if who == "coach" else UserFactory(username="pim", role=PEER_EXPERT)
    sensitive = who == "coach"
    trajectories = list(Trajectory.objects.filter(participant=varied))
    with override(language):
        context = learning_context(user, varied, sensitive, trajectories)
        assert len(context["learning"]) == 2 and (bool(context["goal_trajectories"]) is sensitive)
        html = ours(varied, context)
        assert html == reference(varied, context)
    assert "&lt;gasten&gt; &amp; &quot;klanten&quot;" in html and "<svg" in html
    assert ("btn btn-sm btn-primary" in html) is sensitive


def test_empty_and_only_links(coach):
    p = ParticipantFactory(coach=coach)
    context = learning_context(coach, p, True, [])
    assert ours(p, context) == reference(p, context) == "\n\n\n"
    t = TrajectoryFactory(participant=p, kind=TrajectoryKind.PARTIAL_CERTIFICATE, start=D(2024, 2, 1))
    context = learning_context(coach, p, True, [t])
    assert context["goal_trajectories"] and not context["learning"]
    assert ours(p, context) == reference(p, context)
