"""Coordinators: a new edition copied from another (texts, tasks, risks, deliverables,
as copies), the drill-down's title, and the period the figures open on."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plp.models import AuditEntry
from reporting import services
from reporting.models import ProjectYear, ReportEdition
from reporting.views import default_period

D = datetime.date


def new_edition_data(page) -> dict:
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(period_start="2025-01-01", period_end="2025-12-31", reference_date="2025-12-31")
    return {k: v for k, v in data.items() if v is not False}


def test_new_edition_copies_texts_and_items_of_the_chosen_edition(demo, coordinator, coordinator_client):
    assert demo.tasks.exists() and demo.risks.exists() and demo.deliverables.exists()
    services.edition_finalise(by=coordinator, edition=demo)
    url = reverse("reporting:edition-create")
    page = coordinator_client.get(url, {"van": demo.pk})
    html = page.content.decode()
    assert "Kopieer van editie" in html and f'value="{demo.pk}" selected' in html
    response = coordinator_client.post(url, new_edition_data(page))
    assert response.status_code == 302, response.content.decode()[:2000]
    copy = ReportEdition.objects.exclude(pk=demo.pk).get()
    assert copy.introduction == demo.introduction
    for related in ("tasks", "risks", "deliverables"):
        old_ids = set(getattr(demo, related).values_list("pk", flat=True))
        new_ids = set(getattr(copy, related).values_list("pk", flat=True))
        assert len(new_ids) == len(old_ids) and not new_ids & old_ids
    # Editing the copy leaves the final edition as it was.
    task = copy.tasks.first()
    task.title = "Aangepast in de nieuwe editie"
    services.item_save(by=coordinator, item=task)
    assert not demo.tasks.filter(title="Aangepast in de nieuwe editie").exists()
    entry = AuditEntry.objects.get(action="reporting.edition.copied")
    assert entry.data["from"] == demo.pk and entry.data["tasks"] == demo.tasks.count()


def test_new_edition_can_start_empty(demo, coordinator_client):
    url = reverse("reporting:edition-create")
    page = coordinator_client.get(url, {"van": "0"})
    assert page.context["form"]["introduction"].value() in ("", None)
    assert coordinator_client.post(url, new_edition_data(page)).status_code == 302
    assert not ReportEdition.objects.exclude(pk=demo.pk).get().tasks.exists()


def test_drill_down_is_titled_by_the_figures_dutch_label_and_year(demo, coordinator_client):
    url = reverse("reporting:trace") + "?figure=instroom&from=2024-01-01&to=2024-12-31"
    html = coordinator_client.get(url).content.decode()
    assert '<h1 class="h3">Nieuwe deelnemers (instroom) 2024</h1>' in html
    assert 'aria-current="page">Nieuwe deelnemers (instroom) 2024</li>' in html


@pytest.mark.django_db
def test_figures_open_on_the_current_project_year_or_the_last_calendar_year(coordinator_client):
    today = timezone.localdate()
    assert default_period(today).start == D(today.year - 1, 1, 1)
    year = ProjectYear.objects.create(
        name="Projectjaar 5",
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=300),
    )
    page = coordinator_client.get(reverse("reporting:overview"))
    form = page.context["form"]
    assert form["start"].value() == year.start and form["end"].value() == year.end
    html = page.content.decode()
    assert "Projectjaar 5</a>" in html and f">{today.year}</a>" in html
