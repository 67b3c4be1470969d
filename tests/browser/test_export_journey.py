"""In headless Chromium, in English and German: HR exports the organisation's qualification plans, follows
the background job and downloads the workbook, whose items sheet holds the plan in HR's language."""

import re

import openpyxl
import pytest

from tests.browser.support import LANGUAGES, assert_accessible, assert_language, phrase, sign_in
from tests.factories import CompetencyFactory, MeasureCompetencyFactory
from tests.qualification.test_views import PERIOD, plan_for

pytestmark = pytest.mark.browser


@pytest.fixture
def exporting(settings, tmp_path):
    """Files go to a scratch MEDIA_ROOT; jobs run within the live server's request (a worker thread of
    its own would not see the test database)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICELEAD_INPROCESS_JOBS = "sync"
    return tmp_path


@pytest.mark.parametrize("language", LANGUAGES)
def test_hr_downloads_the_plans_as_a_workbook(
    chromium, live_server, transactional_db, org, exporting, language
):
    heat = CompetencyFactory(name="Heat pump diagnostics")
    course = MeasureCompetencyFactory(competency=heat, measure__title="Heat pump course").measure
    plan_for(org.employee, status="agreed", competency=heat, team=org.team_a, measure=course)

    hr = sign_in(chromium, live_server, "hr", language)
    hr.goto(f"{live_server.url}/qualification/export/")
    assert_language(hr, language)
    assert_accessible(hr)
    hr.select_option("select[name=scope]", "all")
    hr.select_option("select[name=file_format]", "xlsx")
    hr.click("form button[type=submit].btn-primary")
    hr.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    link = hr.wait_for_selector("a[href$='/download/']")
    assert_accessible(hr)
    with hr.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = exporting / download.suggested_filename  # openpyxl goes by the file's suffix
    download.save_as(saved)

    workbook = openpyxl.load_workbook(saved, read_only=True)
    items = workbook[phrase(language, "Items")]
    rows = [list(row) for row in items.iter_rows(values_only=True)]
    header, *body = rows
    assert header[:3] == [phrase(language, "Personnel number"), phrase(language, "Employee"), "Team"]
    (row,) = body
    record = dict(zip(header, row, strict=True))
    assert row[:4] == [org.employee.personnel_no, org.employee.name, org.team_a.name, str(PERIOD)]
    assert record[phrase(language, "Competency")] == heat.name
    assert record[phrase(language, "Measure")] == course.title
    assert (record[phrase(language, "Current level")], record[phrase(language, "Target level")]) == (2, 3)
