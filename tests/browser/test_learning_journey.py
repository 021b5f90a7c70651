"""The learning route on a phone (390 px): pick two work processes, record three
observations, see the matrix move, write the summary judgment and download its PDF."""

import datetime

import pytest
from django.utils import timezone

from plp.roles import COACH
from tests.factories import ParticipantFactory, TrajectoryFactory, UserFactory, WorkProcessFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = None  # set to a folder to keep screenshots while working on the pages


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_coach_follows_the_learning_route_on_a_phone(live_server, browser):
    coach = UserFactory(username="coach", password="een-lang-wachtwoord", role=COACH)
    p = ParticipantFactory(coach=coach, first_name="Lotte", last_name="Dekker")
    start = timezone.localdate() - datetime.timedelta(days=60)
    TrajectoryFactory(participant=p, start=start)
    a = WorkProcessFactory(
        code="B1-K1-W1", title="Ontvangt goederen", qualification__title="Logistiek (voorbeeld)"
    )
    WorkProcessFactory(code="B1-K1-W2", title="Slaat goederen op", qualification=a.qualification)
    b = WorkProcessFactory(
        code="B1-K2-W1", title="Bereidt gerechten", qualification__title="Keuken (voorbeeld)"
    )

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", "een-lang-wachtwoord")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Mijn deelnemers')")
    page.click("text=Lotte Dekker")
    page.click("text=Leerdoelen kiezen voor de Praktijkverklaring")
    page.check(f"#wp-{a.pk}")
    page.check(f"#wp-{b.pk}")
    shot(page, "goals-pick")
    page.click("button:has-text('Opslaan')")
    page.wait_for_selector("text=Leerdoelen opgeslagen.")

    for days_ago, step_a, step_b in ((40, 1, 2), (20, 3, None), (5, 4, 3)):
        page.click("text=Observatie vastleggen")
        page.fill("#id_date", (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat())
        goals = page.locator("fieldset.step-field")
        goals.nth(0).locator(f"input[value='{step_a}']").check()
        if step_b:
            goals.nth(1).locator(f"input[value='{step_b}']").check()
        page.fill("#id_situation", f"Dienst {days_ago} dagen geleden")
        if days_ago == 40:
            shot(page, "observation-form")
        page.click("button:has-text('Opslaan')")
        page.wait_for_selector("text=Observatie opgeslagen.")

    rows = page.locator(".goal-matrix tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator(".step-badge").inner_text() == "4"
    assert rows.nth(1).locator(".step-badge").inner_text() == "3"
    assert rows.nth(0).locator("circle").count() == 3
    shot(page, "learning-page")
    page.goto(f"{live_server.url}{p.get_absolute_url()}")
    assert page.locator(".goal-matrix tbody tr").count() == 2
    shot(page, "participant-page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("section[aria-labelledby=learning-h] h3 a")
    page.click("text=Samenvattend oordeel")
    items = page.locator("fieldset.judgment-item")
    assert items.nth(0).locator("input[value='1']").is_checked()  # step 4: mastered, prefilled
    assert "3 keer waargenomen" in items.nth(0).locator("textarea").input_value()
    items.nth(1).locator("input[value='0']").check()
    page.fill("#id_mentor_name", "Henk de Boer")
    page.fill("#id_signed_on", timezone.localdate().isoformat())
    shot(page, "judgment")
    page.click("button:has-text('verzonden naar de school')")
    page.wait_for_selector("text=Samenvattend oordeel vastgelegd als verzonden.")
    with page.expect_download() as download:
        page.click("text=Pdf downloaden")
    pdf = open(download.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
