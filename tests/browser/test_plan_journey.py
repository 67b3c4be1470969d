"""In headless Chromium, the way of a qualification plan: a lead generates plans for Field Service North
and the job page's progress bar follows the job, proposes the employee's plan; the employee reads why each
item matters, accepts and reports progress; the lead confirms the level; the badge and the team coverage
change."""

import re

import pytest

from qualification.models import Job, QualificationPlan
from qualification.selectors import coverage_outlook
from tests.browser.support import SHOTS
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    CompetencyFactory,
    InterestFactory,
    JobFactory,
    MeasureCompetencyFactory,
    TeamRequirementFactory,
)
from tests.qualification.test_views import PERIOD

# Long enough for the job page's one-second polling to come round a few times.
POLL_TIMEOUT_MS = 10_000

pytestmark = pytest.mark.browser


@pytest.fixture
def jobs_in_request(settings):
    # The live server's requests run jobs in-process and synchronously: a worker thread of its own would
    # not see the test database.
    settings.SERVICELEAD_INPROCESS_JOBS = "sync"


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
    page.screenshot(path=str(SHOTS / f"plan-journey-{name}.png"), full_page=True)


def text(page, selector):
    """The visible text of ``selector`` with non-breaking spaces as plain ones."""
    return page.inner_text(selector).replace("\xa0", " ")


def progress_of(page):
    return int(page.get_attribute("#job-status [role=progressbar]", "aria-valuenow"))


def test_plan_from_generation_to_badge_and_team_coverage(
    chromium, live_server, transactional_db, org, jobs_in_request
):
    heat = CompetencyFactory(name="Heat pump diagnostics")
    TeamRequirementFactory(team=org.team_a, competency=heat, required_level=3, min_people=2, weight=3)
    AssessmentFactory(employee=org.colleague, competency=heat, level=3)
    AssessmentFactory(employee=org.employee, competency=heat, level=2)
    InterestFactory(employee=org.employee, competency=heat, target_level=3)
    MeasureCompetencyFactory(competency=heat, from_level=1, to_level=3, measure__title="Heat pump course")
    team = org.team_a.pk
    assert coverage_outlook(team_ids=[team])[team]["percent"] == 50

    # The lead generates plans for the team.
    lead = sign_in(chromium, live_server, "lead_a")
    lead.click("nav >> text=Qualification")
    lead.click("text=Generate plans")
    lead.select_option("select[name=scope]", f"team-{team}")
    lead.fill("input[name=period]", str(PERIOD))
    lead.click("form button[type=submit].btn-primary")
    lead.wait_for_url(re.compile(r".*/qualification/jobs/\d+/$"))
    lead.wait_for_selector("#outcome-title", timeout=POLL_TIMEOUT_MS)
    outcome = text(lead, "#outcome-title ~ .card table")
    assert "Field Service North" in outcome and "50 %" in outcome and "100 %" in outcome
    shot(lead, "1-generated")
    generated = Job.objects.get(kind=Job.Kind.GENERATE_PLANS)

    # The job page follows a job as a worker takes it on: the bar moves without a reload, then stops.
    followed = JobFactory(
        kind=Job.Kind.GENERATE_PLANS, owner=org.users["lead_a"], parameters=generated.parameters
    )
    lead.goto(f"{live_server.url}/qualification/jobs/{followed.pk}/")
    seen = [progress_of(lead)]
    Job.objects.filter(pk=followed.pk).update(status="running", progress=40, message="Planned 0 of 1 teams")
    lead.wait_for_selector('#job-status [aria-valuenow="40"]', timeout=POLL_TIMEOUT_MS)
    seen.append(progress_of(lead))
    assert "Planned 0 of 1 teams" in text(lead, "#job-status")
    shot(lead, "2-running")
    Job.objects.filter(pk=followed.pk).update(status="succeeded", progress=100, result=generated.result)
    lead.wait_for_selector("#outcome-title", timeout=POLL_TIMEOUT_MS)
    seen.append(progress_of(lead))
    assert seen == [0, 40, 100]
    assert lead.get_attribute("#job-status", "hx-trigger") is None  # finished: no more polling

    # The lead reviews the team's plans and proposes the employee's.
    lead.goto(f"{live_server.url}/qualification/teams/{team}/?period={PERIOD}")
    lead.click("text=Erika Employee")
    assert "Heat pump course" in text(lead, "#items")
    lead.fill("#id_propose-text", "Let's close the heat-pump gap together.")
    lead.click("#propose button[type=submit]")
    lead.wait_for_selector(".sl-messages")
    assert "The plan was proposed to Erika Employee" in text(lead, ".sl-messages")
    plan = QualificationPlan.objects.get(employee=org.employee, period=str(PERIOD))
    assert plan.status == "proposed"

    # The employee reads why it matters and what it earns, accepts and reports progress.
    employee = sign_in(chromium, live_server, "employee")
    employee.click("nav >> text=My plan")
    employee.wait_for_url(re.compile(rf".*/qualification/plans/{plan.pk}/$"))
    items = text(employee, "#items")
    assert (
        "Field Service North needs 2 people at level 3 or higher in Heat pump diagnostics; 1 have it" in items
    )
    assert "You said you want to grow in this, up to level 3." in items
    assert "Level 3 · Heat pump diagnostics" in items
    assert "Let's close the heat-pump gap together." in text(employee, "#conversation")
    shot(employee, "3-proposal")
    employee.fill("#id_agree-text", "Looking forward to it!")
    employee.click("#respond button.btn-success")
    employee.wait_for_selector(".sl-messages")
    assert "You agreed to the plan." in text(employee, ".sl-messages")
    assert "With the plans agreed, coverage rises from 50 % to 100 %." in text(employee, "aside")
    slider = employee.locator(".sl-progress-form input[type=range]").first
    slider.fill("100")
    assert "100" in text(employee, ".sl-progress-form output")
    employee.click(".sl-progress-form button[type=submit]")
    employee.wait_for_selector(".sl-messages")
    assert "your lead has been asked to confirm the new level" in text(employee, ".sl-messages")
    shot(employee, "4-progress")

    # The lead confirms the level: a manager assessment, the badge and the team coverage follow.
    lead.goto(f"{live_server.url}/qualification/plans/{plan.pk}/")
    assert "Erika Employee reported it finished." in text(lead, "#items")
    lead.click(".sl-plan-item a.btn-primary[href$='/complete/']")
    lead.click("form button[type=submit].btn-primary")
    lead.wait_for_selector(".sl-messages")
    assert "Erika Employee earned the badge “Level 3 · Heat pump diagnostics”" in text(lead, ".sl-messages")
    shot(lead, "5-confirmed")
    after = coverage_outlook(team_ids=[team])[team]
    assert (after["before_percent"], after["percent"]) == (50, 100)

    employee.goto(f"{live_server.url}/qualification/plans/{plan.pk}/")
    assert "Level 3 · Heat pump diagnostics" in text(employee, "section:has(#badges-title)")
    assert "Goal reached." in text(employee, "aside")
    employee.goto(f"{live_server.url}/qualification/teams/{team}/progress/")
    assert "coverage rises from 50 % to 100 %" in text(employee, "main")
    shot(employee, "6-team-progress")
    employee.goto(f"{live_server.url}/qualification/plans/{plan.pk}/certificate/")
    assert "Certificate of achievement" in text(employee, "main")
    shot(employee, "7-certificate")
