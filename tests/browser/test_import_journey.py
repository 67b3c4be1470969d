"""In headless Chromium, HR imports a skill matrix: a spreadsheet with errors is rejected with a report that
names row, column and reason; the corrected one is previewed, committed, and the employee's page shows the
new level. A large file takes the same way through background jobs."""

import re

import pytest

from competencies.models import Assessment
from tests.browser.support import SHOTS
from tests.factories import PASSWORD, CategoryFactory, CompetencyFactory
from tests.imports.support import write_csv

HEADER = ["Personalnummer", "Name", "Heat pump diagnostics"]

pytestmark = pytest.mark.browser


@pytest.fixture
def importing(settings, tmp_path):
    """Uploads go to a scratch MEDIA_ROOT; jobs run within the live server's request (a worker thread of
    its own would not see the test database)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICELEAD_INPROCESS_JOBS = "sync"
    return tmp_path


def sign_in(browser, live_server, username):
    page = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"import-journey-{name}.png"), full_page=True)


def text(page, selector):
    return page.inner_text(selector).replace("\xa0", " ")


def upload(page, path):
    page.set_input_files("input[name=file]", str(path))
    page.click("form button[type=submit].btn-primary")


def test_hr_imports_a_matrix_after_fixing_the_report(chromium, live_server, transactional_db, org, importing):
    CompetencyFactory(category=CategoryFactory(name="Technical systems"), name="Heat pump diagnostics")
    erika = org.employee
    bad = write_csv(
        importing / "skills.csv",
        [HEADER, [erika.personnel_no, erika.name, "9"], ["X-404", "Nobody Known", "2"]],
        delimiter=";",
    )
    good = write_csv(
        importing / "skills-fixed.csv",
        [HEADER, [erika.personnel_no, erika.name, "3"], [org.colleague.personnel_no, org.colleague.name, ""]],
        delimiter=";",
    )

    hr = sign_in(chromium, live_server, "hr")
    hr.click("nav >> text=Import")
    hr.wait_for_url(f"{live_server.url}/import/")
    assert "Personalnummer" in text(hr, "main")
    shot(hr, "1-upload")

    # The file with errors: every problem with its row, column and reason; nothing to commit.
    upload(hr, bad)
    hr.wait_for_selector("#import-problems")
    report = text(hr, "#import-problems")
    assert re.search(
        r"skills\.csv\s+2\s+C \(Heat pump diagnostics\)\s+9\s+Level 9 is not on the scale", report
    )
    assert re.search(r"3\s+A \(Personalnummer\)\s+X-404\s+No employee has this personnel number", report)
    assert hr.locator("#import-commit").count() == 0
    shot(hr, "2-report")
    assert Assessment.objects.count() == 0

    # The corrected file: the preview lists the change; committing records it.
    hr.click("text=Upload a corrected file")
    upload(hr, good)
    hr.wait_for_selector("#import-changes")
    changes = text(hr, "#import-changes")
    assert erika.name in changes and "Technical systems / Heat pump diagnostics" in changes
    assert re.search(r"not assessed\s+→\s+to\s+3", changes)  # the arrow is read as "to"
    assert re.search(
        r"Rows read\s+2\s+New people\s+0\s+Levels that change\s+1\b", text(hr, "#import-summary")
    )
    shot(hr, "3-preview")
    assert Assessment.objects.count() == 0
    hr.click("#import-commit")
    hr.wait_for_selector(".sl-messages")
    assert "1 assessment recorded by you" in text(hr, ".sl-messages")
    assessment = Assessment.objects.get()
    assert (assessment.level, assessment.source, assessment.assessed_by) == (3, "import", org.users["hr"])

    # The employee's page shows the new level.
    hr.goto(f"{live_server.url}/people/{erika.pk}/")
    levels = text(hr, "section:has(#levels-title)")
    assert re.search(r"Heat pump diagnostics\s+3", levels)
    assert "Import" in levels


def test_a_large_file_is_checked_and_recorded_by_jobs(
    chromium, live_server, transactional_db, org, importing, settings
):
    settings.SERVICELEAD_IMPORT_SYNC_BYTES = 10
    CompetencyFactory(category=CategoryFactory(name="Technical systems"), name="Heat pump diagnostics")
    good = write_csv(importing / "big.csv", [HEADER, [org.employee.personnel_no, org.employee.name, "2"]])

    hr = sign_in(chromium, live_server, "hr")
    hr.goto(f"{live_server.url}/import/")
    upload(hr, good)
    hr.wait_for_url(re.compile(r".*/import/jobs/\d+/$"))
    hr.wait_for_selector("#import-summary")
    assert "Checking the file" in text(hr, "h1")
    assert re.search(r"Levels that change\s+1\b", text(hr, "#import-summary"))
    hr.click("#import-commit")
    hr.wait_for_selector("#import-written")
    assert "1 assessment recorded by you" in text(hr, "#import-written")
    assert Assessment.objects.get().level == 2
