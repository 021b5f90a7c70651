"""axe-core (vendored from npm, tests/browser/vendor) on the main pages, at phone and
desktop width: no serious or critical violations."""

from pathlib import Path

import pytest

from participants.models import GroupLesson, Participant
from reporting.models import PdfJob, ReportEdition
from tests.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()


# Interactive elements smaller than 24x24 px (WCAG 2.2, 2.5.8), except links inside a
# sentence (the criterion's inline exception) and hidden ones.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary')].filter((el) => {
  const r = el.getBoundingClientRect();
  if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') return false;
  if (el.closest('.visually-hidden-focusable, .collapse:not(.show), .dropdown-menu:not(.show)')) return false;
  if (el.classList.contains('btn-check')) return false;  // hidden; its label is the target
  if (el.parentElement.tagName === 'P') return false;
  return r.width < 24 || r.height < 24;
}).map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}"`
  + ` ${Math.round(el.getBoundingClientRect().width)}x${Math.round(el.getBoundingClientRect().height)}`)"""


def violations(page, phone: bool = False) -> list[str]:
    """Serious and critical axe violations; on a phone also axe's target-size rule (off
    by default in axe), our own 24x24 px check and any sideways scrolling of the page."""
    page.evaluate(AXE)
    options = (
        "{resultTypes: ['violations'], rules: {'target-size': {enabled: true}}}"
        if phone
        else "{resultTypes: ['violations']}"
    )
    result = page.evaluate(f"async () => await axe.run(document, {options})")
    found = [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical") or v["id"] == "target-size"
    ]
    if phone:
        found += [f"target smaller than 24x24 px: {t}" for t in page.evaluate(SMALL_TARGETS)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.viewport_size["width"]:
            found.append(f"the page scrolls sideways: {width} px wide")
    return found


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
    phone = width == 390
    found = {"login": violations(page, phone)}
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
        "accounts": "/deelnemers/beheer/accounts/",
        "lessons": "/deelnemers/groepslessen/",
        "attendance": f"/deelnemers/groepslessen/{GroupLesson.objects.order_by('-date').first().pk}/",
        "learning places": "/deelnemers/leerwerkplekken/",
        "learning places realised": "/deelnemers/leerwerkplekken/?from=2024-01-01&to=2024-12-31",
        "plan a lesson": "/deelnemers/groepslessen/nieuw/?invite_q=a",
        "change a lesson": f"/deelnemers/groepslessen/{GroupLesson.objects.order_by('-date').first().pk}/wijzigen/",
        "lesson hours traced": "/rapportage/herkomst/?figure=lesuren&from=2022-01-01&to=2025-12-31",
        "support need form": f"/deelnemers/{participant.pk}/supportneed/nieuw/",
        "learning goals": route,
        "observation form": f"{route}observatie/nieuw/",
        "summary judgment": f"{route}oordeel/",
        "qualification files": "/deelnemers/leerroute/dossiers/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_selector("h1")
        found[name] = violations(page, phone)
        screenshot(page, f"a11y-{name.replace(' ', '-')}-{width}")
    problems = {name: v for name, v in found.items() if v}
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
    context.close()
