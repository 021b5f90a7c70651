"""The coordinator's overview in Chromium: click a number, land on its participants."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_click_a_figure_and_see_its_participants(live_server, browser, screenshot, demo_dump):
    load_demo(demo_dump)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "coordinator", "demo-plp-2026!")
    page.goto(f"{live_server.url}/rapportage/?start=2022-01-01&end=2025-12-31&peildatum=2025-08-01")
    row = page.locator("table.figures tbody tr", has_text="Nieuwe deelnemers (instroom)").first
    cell_2024 = row.locator("td").nth(2).locator("a")
    assert cell_2024.inner_text() == "14"
    cell_2024.click()
    page.wait_for_selector("h1:has-text('Nieuwe deelnemers (instroom) 2024')")
    assert "Nieuwe deelnemers (instroom) 2024" in page.inner_text(".breadcrumb")
    assert "14 deelnemers" in page.inner_text("main p")
    assert page.locator("tbody tr").count() == 14
    assert "PLP-2024-" in page.inner_text("tbody")
    screenshot(page, "trace-instroom-2024")
    page.click("tbody tr:first-child a")
    page.wait_for_selector(".timeline")
    page.close()


def test_make_a_pdf_and_watch_its_progress(live_server, browser, screenshot, settings, demo_dump):
    """The page polls while the worker is busy and offers the download when it is done."""
    from reporting import tasks
    from reporting.models import PdfJob, ReportEdition

    load_demo(demo_dump)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    edition = ReportEdition.objects.get()
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="nl-NL", accept_downloads=True)
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "coordinator", "demo-plp-2026!")
    page.goto(live_server.url + edition.get_absolute_url())
    page.click("button:has-text('PDF maken')")
    page.wait_for_selector("text=Wachten op de achtergrondverwerking")
    assert page.locator("progress").count() == 1
    screenshot(page, "pdf-job-waiting-390")
    tasks.pdf_job_run(PdfJob.objects.get().pk)  # the worker does its work
    link = page.wait_for_selector("a:has-text('PDF downloaden')")  # picked up by polling
    assert "De PDF is klaar" in page.inner_text("#pdf-job")
    screenshot(page, "pdf-job-ready-390")
    with page.expect_download() as download:
        link.click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    page.close()


def test_filter_the_caseload_by_a_coach_on_a_phone(live_server, browser, screenshot, demo_dump, monkeypatch):
    """The coach field suggests coaches as one types (no list of every coach); without
    JavaScript a typed username or last name filters the same."""
    from playwright.sync_api import expect

    from participants.models import Participant

    load_demo(demo_dump)
    naima = Participant.objects.filter(coach__username="coach2", closed_on__isnull=True).count()
    for javascript in (True, False):
        page = browser.new_page(
            viewport={"width": 390, "height": 844}, locale="nl-NL", java_script_enabled=javascript
        )
        page.set_default_timeout(15_000)
        log_in(page, live_server.url, "coordinator", "demo-plp-2026!")
        page.goto(f"{live_server.url}/deelnemers/")
        if javascript:
            page.fill("#coach", "naim")
            expect(page.locator("#coach-options option")).to_have_count(1)
            assert page.locator("#coach-options option").inner_text() == "Naima El Amrani"
            page.fill("#coach", "coach2")  # what choosing the suggestion puts in the field
        else:
            page.fill("#coach", "el amrani")
        page.click("button:has-text('Filteren')")
        page.wait_for_selector("#coach-chosen:has-text('Naima El Amrani')")
        assert f"{naima} deelnemers" in page.inner_text("main p[role=status]")
        assert page.locator("tbody tr").count() == min(naima, 25)
        screenshot(page, f"caseload-coach-filter-390{'' if javascript else '-no-js'}")
        page.close()
    # More files than the pager counts: it says so and pages up to the cap.
    monkeypatch.setattr("participants.views.lists.COUNT_CAP", 20)
    monkeypatch.setattr("participants.views.lists.PAGE_SIZE", 10)
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="nl-NL")
    log_in(page, live_server.url, "coordinator", "demo-plp-2026!")
    page.goto(f"{live_server.url}/deelnemers/?phase=all")
    assert "Meer dan 20 deelnemers voldoen" in page.inner_text("main p[role=status]")
    assert "Pagina 1 van 2" in page.inner_text("ul.pagination")
    page.click("a:has-text('Volgende')")
    page.wait_for_selector("ul.pagination:has-text('Pagina 2 van 2')")
    assert page.locator("tbody tr").count() == 10 and "Volgende" not in page.inner_text("ul.pagination")
    screenshot(page, "caseload-capped-390")
    page.close()
