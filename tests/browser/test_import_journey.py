"""In headless Chromium, in English and German, HR imports a skill matrix: a spreadsheet with errors is
rejected with a report that names row, column and reason; the corrected one is previewed, committed, and
the employee's page shows the new level. A large file takes the same way through background jobs."""

import re

import pytest

from competencies.models import Assessment
from tests.browser.support import (
    LANGUAGES,
    assert_accessible,
    assert_language,
    phrase,
    shot,
    sign_in,
    text,
)
from tests.factories import CategoryFactory, CompetencyFactory
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


def opening(language, message, until, **values):
    """The translated ``message`` up to its placeholder ``until``, the others filled in with ``values``."""
    return phrase(language, message, **{until: "\x00"}, **values).split("\x00")[0]


def recorded(language, assessments, changes, people):
    return phrase(
        language,
        "%(assessments)s assessment recorded by you; levels changed: %(changes)s, new people: %(people)s.",
        plural="%(assessments)s assessments recorded by you; levels changed: %(changes)s, new people: "
        "%(people)s.",
        count=assessments,
        assessments=assessments,
        changes=changes,
        people=people,
    )


def upload(page, path):
    page.set_input_files("input[name=file]", str(path))
    page.click("form button[type=submit].btn-primary")


@pytest.mark.parametrize("language", LANGUAGES)
def test_hr_imports_a_matrix_after_fixing_the_report(
    chromium, live_server, transactional_db, org, importing, language
):
    def say(message, **values):
        return phrase(language, message, **values)

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

    hr = sign_in(chromium, live_server, "hr", language)
    # HR's pages are under the navbar's "Organisation" menu.
    hr.click(f"nav .dropdown-toggle >> text={say('Organisation')}")
    hr.click(f"nav .dropdown-menu >> text={say('Import')}")
    hr.wait_for_url(f"{live_server.url}/import/")
    assert_language(hr, language)
    assert "Personalnummer" in text(hr, "main")
    assert_accessible(hr)
    if language == "de":
        shot(hr, "de-import-journey-1-upload")

    # The file with errors: every problem with its row, column and reason; nothing to commit.
    upload(hr, bad)
    hr.wait_for_selector("#import-problems")
    report = text(hr, "#import-problems")
    outside = opening(
        language,
        "Level %(level)s is not on the scale of %(competency)s (allowed: %(allowed)s).",
        until="allowed",
        level=9,
        competency="Technical systems / Heat pump diagnostics",
    )
    assert re.search(rf"skills\.csv\s+2\s+C \(Heat pump diagnostics\)\s+9\s+{re.escape(outside)}", report)
    unknown = say("No employee has this personnel number.")
    assert re.search(rf"3\s+A \(Personalnummer\)\s+X-404\s+{re.escape(unknown)}", report)
    assert hr.locator("#import-commit").count() == 0
    assert_accessible(hr)
    if language == "de":
        shot(hr, "de-import-journey-2-report")
    assert Assessment.objects.count() == 0

    # The corrected file: the preview lists the change; committing records it.
    hr.click(f"text={say('Upload a corrected file')}")
    upload(hr, good)
    hr.wait_for_selector("#import-changes")
    changes = text(hr, "#import-changes")
    assert erika.name in changes and "Technical systems / Heat pump diagnostics" in changes
    # The arrow is read as "to".
    assert re.search(rf"{say('not assessed')}\s+→\s+{say('to')}\s+3", changes)
    figures = rf"{say('Rows read')}\s+2\s+{say('New people')}\s+0\s+{say('Levels that change')}\s+1\b"
    assert re.search(figures, text(hr, "#import-summary"))
    assert_accessible(hr)
    if language == "de":
        shot(hr, "de-import-journey-3-preview")
    assert Assessment.objects.count() == 0
    hr.click("#import-commit")
    hr.wait_for_selector(".sl-messages")
    assert recorded(language, 1, 1, 0) in text(hr, ".sl-messages")
    assessment = Assessment.objects.get()
    assert (assessment.level, assessment.source, assessment.assessed_by) == (3, "import", org.users["hr"])

    # The employee's page shows the new level.
    hr.goto(f"{live_server.url}/people/{erika.pk}/")
    levels = text(hr, "section:has(#levels-title)")
    # The test catalogue is English only: a German reader sees the name with its "EN" fallback badge.
    assert re.search(r"Heat pump diagnostics(\s+EN)?\s+3", levels)
    assert say("Import") in levels


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_large_file_is_checked_and_recorded_by_jobs(
    chromium, live_server, transactional_db, org, importing, settings, language
):
    settings.SERVICELEAD_IMPORT_SYNC_BYTES = 10
    CompetencyFactory(category=CategoryFactory(name="Technical systems"), name="Heat pump diagnostics")
    good = write_csv(importing / "big.csv", [HEADER, [org.employee.personnel_no, org.employee.name, "2"]])

    hr = sign_in(chromium, live_server, "hr", language)
    hr.goto(f"{live_server.url}/import/")
    upload(hr, good)
    hr.wait_for_url(re.compile(r".*/import/jobs/\d+/$"))
    hr.wait_for_selector("#import-summary")
    assert_language(hr, language)
    assert phrase(language, "File checked") in text(hr, "h1")
    assert re.search(rf"{phrase(language, 'Levels that change')}\s+1\b", text(hr, "#import-summary"))
    assert_accessible(hr)
    hr.click("#import-commit")
    hr.wait_for_selector("#import-written")
    assert recorded(language, 1, 1, 0) in text(hr, "#import-written")
    assert Assessment.objects.get().level == 2
