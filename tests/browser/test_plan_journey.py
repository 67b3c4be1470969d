"""In headless Chromium, in English and German, the way of a qualification plan: a lead generates plans for
Field Service North and the job page's progress bar follows the job, proposes the employee's plan; the
employee reads why each item matters, accepts and reports progress; the lead confirms the level; the badge
and the team coverage change."""

import re

import pytest
from django.utils import translation
from django.utils.formats import date_format

from jobs.models import Job
from qualification import job_kinds
from qualification.models import QualificationPlan
from qualification.selectors import coverage_outlook
from tests.browser.support import (
    LANGUAGES,
    assert_accessible,
    assert_language,
    phrase,
    shot,
    sign_in,
    text,
)
from tests.factories import (
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


def progress_of(page):
    return int(page.get_attribute("#job-status [role=progressbar]", "aria-valuenow"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_from_generation_to_badge_and_team_coverage(
    chromium, live_server, transactional_db, org, jobs_in_request, language
):
    def say(message, **values):
        return phrase(language, message, **values)

    def snap(page, name):
        if language == "de":  # the English pages look the same, with shorter words
            shot(page, f"de-plan-journey-{name}")

    heat = CompetencyFactory(name="Heat pump diagnostics")
    TeamRequirementFactory(team=org.team_a, competency=heat, required_level=3, min_people=2, weight=3)
    AssessmentFactory(employee=org.colleague, competency=heat, level=3)
    AssessmentFactory(employee=org.employee, competency=heat, level=2)
    InterestFactory(employee=org.employee, competency=heat, target_level=3)
    MeasureCompetencyFactory(competency=heat, from_level=1, to_level=3, measure__title="Heat pump course")
    team = org.team_a.pk
    assert coverage_outlook(team_ids=[team])[team]["percent"] == 50
    badge = say("Level %(level)s · %(competency)s", level=3, competency=heat.name)

    # The lead generates plans for the team.
    lead = sign_in(chromium, live_server, "lead_a", language)
    lead.click(f"nav >> text={say('Qualification')}")
    lead.click(f"text={say('Generate plans')}")
    assert_language(lead, language)
    assert_accessible(lead)
    lead.select_option("select[name=scope]", f"team-{team}")
    lead.fill("input[name=period]", str(PERIOD))
    lead.click("form button[type=submit].btn-primary")
    lead.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    lead.wait_for_selector("#outcome-title", timeout=POLL_TIMEOUT_MS)
    outcome = text(lead, "#outcome-title ~ .card table")
    assert "Field Service North" in outcome and "50 %" in outcome and "100 %" in outcome
    assert_accessible(lead)
    snap(lead, "1-generated")
    generated = Job.objects.get(kind=job_kinds.GENERATE_PLANS)

    # The job page follows a job as a worker takes it on: the bar moves without a reload, then stops.
    followed = JobFactory(
        kind=job_kinds.GENERATE_PLANS, owner=org.users["lead_a"], parameters=generated.parameters
    )
    lead.goto(f"{live_server.url}/jobs/{followed.pk}/")
    seen = [progress_of(lead)]
    Job.objects.filter(pk=followed.pk).update(status="running", progress=40, message="Planned 0 of 1 teams")
    lead.wait_for_selector('#job-status [aria-valuenow="40"]', timeout=POLL_TIMEOUT_MS)
    seen.append(progress_of(lead))
    assert "Planned 0 of 1 teams" in text(lead, "#job-status")
    assert_accessible(lead)
    snap(lead, "2-running")
    Job.objects.filter(pk=followed.pk).update(status="succeeded", progress=100, result=generated.result)
    lead.wait_for_selector("#outcome-title", timeout=POLL_TIMEOUT_MS)
    seen.append(progress_of(lead))
    assert seen == [0, 40, 100]
    assert lead.get_attribute("#job-status", "hx-trigger") is None  # finished: no more polling

    # The lead reviews the team's plans and proposes the employee's.
    lead.goto(f"{live_server.url}/qualification/teams/{team}/?period={PERIOD}")
    assert_accessible(lead)
    lead.click("text=Erika Employee")
    assert "Heat pump course" in text(lead, "#items")
    assert_accessible(lead)
    lead.fill("#id_propose-text", "Let's close the heat-pump gap together.")
    lead.click("#propose button[type=submit]")
    lead.wait_for_selector(".sl-messages")
    proposed = say(
        "The plan was proposed to %(name)s, who can now accept it, comment or ask for a change.",
        name="Erika Employee",
    )
    assert proposed in text(lead, ".sl-messages")
    plan = QualificationPlan.objects.get(employee=org.employee, period=str(PERIOD))
    assert plan.status == "proposed"

    # The employee reads why it matters and what it earns, accepts and reports progress.
    employee = sign_in(chromium, live_server, "employee", language)
    employee.click(f"nav >> text={say('My plan')}")
    employee.wait_for_url(re.compile(rf".*/qualification/plans/{plan.pk}/$"))
    items = text(employee, "#items")
    why = phrase(
        language,
        "%(team)s needs %(people)s person at level %(level)s or higher in %(competency)s; "
        "%(covered)s has it today.",
        plural="%(team)s needs %(people)s people at level %(level)s or higher in %(competency)s; "
        "%(covered)s have it today.",
        count=2,
        team="Field Service North",
        people=2,
        level=3,
        competency=heat.name,
        covered=1,
    )
    assert why in items
    assert say("You said you want to grow in this, up to level %(level)s.", level=3) in items
    assert badge in items
    assert "Let's close the heat-pump gap together." in text(employee, "#conversation")
    assert_accessible(employee)
    snap(employee, "3-proposal")
    employee.fill("#id_agree-text", "Looking forward to it!")
    employee.click("#respond button.btn-success")
    employee.wait_for_selector(".sl-messages")
    assert say("You agreed to the plan. It is your working plan now — good luck!") in text(
        employee, ".sl-messages"
    )
    with translation.override(language):
        forecast_date = date_format(
            coverage_outlook(team_ids=[team])[team]["forecast_on"], "SHORT_DATE_FORMAT"
        )
    rises = say(
        "With the agreed plans, coverage rises from <strong>%(before)s&nbsp;%%</strong> to a forecast "
        "<strong>%(after)s&nbsp;%%</strong> on %(date)s.",
        before=50,
        after=100,
        date=forecast_date,
    )
    assert rises in text(employee, "aside")
    assert_accessible(employee)
    slider = employee.locator(".sl-progress-form input[type=range]").first
    slider.fill("100")
    assert "100" in text(employee, ".sl-progress-form output")
    employee.click(".sl-progress-form button[type=submit]")
    employee.wait_for_selector(".sl-messages")
    reported = say(
        "%(competency)s: 100 %% — your lead has been asked to confirm the new level.", competency=heat.name
    )
    assert reported in text(employee, ".sl-messages")
    snap(employee, "4-progress")

    # The lead confirms the level: a manager assessment, the badge and the team coverage follow.
    lead.goto(f"{live_server.url}/qualification/plans/{plan.pk}/")
    assert say("%(name)s reported it finished.", name="Erika Employee") in text(lead, "#items")
    lead.click(".sl-plan-item a.btn-primary[href$='/complete/']")
    assert_accessible(lead)
    lead.click("form button[type=submit].btn-primary")
    lead.wait_for_selector(".sl-messages")
    earned = say(
        "Level %(level)s in %(competency)s recorded — %(name)s earned the badge “%(badge)s”.",
        level=3,
        competency=heat.name,
        name="Erika Employee",
        badge=badge,
    )
    assert earned in text(lead, ".sl-messages")
    snap(lead, "5-confirmed")
    after = coverage_outlook(team_ids=[team])[team]
    assert (after["before_percent"], after["percent"]) == (50, 100)

    employee.goto(f"{live_server.url}/qualification/plans/{plan.pk}/")
    assert badge in text(employee, "section:has(#badges-title)")
    assert say("Goal reached.") in text(employee, "aside")
    employee.goto(f"{live_server.url}/qualification/teams/{team}/progress/")
    assert rises in text(employee, "main")
    assert_accessible(employee)
    snap(employee, "6-team-progress")
    employee.goto(f"{live_server.url}/qualification/plans/{plan.pk}/certificate/")
    assert say("Certificate of achievement") in text(employee, "main")
    assert_accessible(employee)
    snap(employee, "7-certificate")
