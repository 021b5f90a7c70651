"""axe-core (vendored from npm, tests/browser/vendor) on the main pages, at phone and
desktop width: no serious or critical violations."""

from pathlib import Path

import pytest

from participants.models import Participant
from reporting.models import PdfJob, ReportEdition
from tests.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()


def violations(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_main_pages_have_no_serious_accessibility_violations(
    live_server, browser, screenshot, width, demo_dump
):
    load_demo(demo_dump)
    participant = Participant.objects.filter(closed_on__isnull=True).first()
    learner = Participant.objects.filter(closed_on__isnull=True, observations__isnull=False).first()
    route = f"/deelnemers/{learner.pk}/leerroute/{learner.observations.first().trajectory_id}/"
    edition = ReportEdition.objects.get()
    job = PdfJob.objects.create(edition=edition, status="running", step="pages", progress=40)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    found = {"login": violations(page)}
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", "demo-plp-2026!")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    pages = {
        "today": "/deelnemers/vandaag/",
        "caseload": "/deelnemers/",
        "participant": participant.get_absolute_url(),
        "contact form": f"/deelnemers/{participant.pk}/entry/nieuw/",
        "intake form": f"/deelnemers/{participant.pk}/intake/",
        "overview": "/rapportage/overzicht/",
        "figures": "/rapportage/",
        "report": edition.get_absolute_url(),
        "pdf progress": f"/rapportage/pdf/{job.pk}/",
        "import": "/deelnemers/register/import/",
        "organisations": "/deelnemers/beheer/organisation/",
        "learning goals": route,
        "observation form": f"{route}observatie/nieuw/",
        "summary judgment": f"{route}oordeel/",
        "qualification files": "/deelnemers/leerroute/dossiers/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_selector("h1")
        found[name] = violations(page)
        screenshot(page, f"a11y-{name.replace(' ', '-')}-{width}")
    problems = {name: v for name, v in found.items() if v}
    assert not problems, problems
    context.close()
