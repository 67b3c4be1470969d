"""In headless Chromium: an employee self-assesses with the keyboard, their lead confirms one level and
corrects another, and the team's gap analysis follows."""

import pytest

from competencies.models import Assessment
from teams.reports import gap_report
from teams.review import register_competency_hooks
from tests.browser.support import SHOTS
from tests.factories import PASSWORD, AssessmentFactory, CompetencyFactory, TeamRequirementFactory, days_ago

pytestmark = pytest.mark.browser


def sign_in(browser, live_server, username):
    page = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


def covered(team, competency):
    report = gap_report(team=team, on=days_ago(0))
    return next(r["covered"] for r in report["requirements"] if r["competency"]["id"] == competency.pk)


@pytest.mark.django_db(transaction=True)
def test_self_assessment_confirmation_and_correction_change_the_gap_analysis(
    chromium, live_server, org, settings
):
    settings.SERVICELEAD_COUNT_UNCONFIRMED = False  # only confirmed levels close gaps
    register_competency_hooks()
    diagnostics = CompetencyFactory(name="Heat pump diagnostics")
    commissioning = CompetencyFactory(name="Heat pump commissioning")
    TeamRequirementFactory(team=org.team_a, competency=diagnostics, required_level=3, min_people=1)
    TeamRequirementFactory(team=org.team_a, competency=commissioning, required_level=3, min_people=1)
    AssessmentFactory(
        employee=org.employee, competency=diagnostics, level=2, source=Assessment.Source.MANAGER
    )
    assert (covered(org.team_a, diagnostics), covered(org.team_a, commissioning)) == (0, 0)

    # The employee rates herself, with the keyboard alone.
    page = sign_in(chromium, live_server, "employee")
    page.goto(f"{live_server.url}/people/me/assessment/")
    page.focus(f"#c{diagnostics.pk}-l2")  # preselected: the confirmed level is the starting point
    page.keyboard.press("ArrowRight")
    assert page.is_checked(f"#c{diagnostics.pk}-l3")
    page.focus(f"#c{commissioning.pk}-l0")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert page.is_checked(f"#c{commissioning.pk}-l4")
    page.fill(f"#c{commissioning.pk}-note", "Commissioned twelve units alone")
    assert "2 changed" in page.inner_text("[data-rating-summary]")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "self-assessment.png"), full_page=True)
    page.click("button[value=submit]:not(.visually-hidden)")
    page.wait_for_url(f"{live_server.url}/people/{org.employee.pk}/")
    assert "Submitted: 2 level(s) recorded" in page.inner_text(".sl-messages")
    assert (covered(org.team_a, diagnostics), covered(org.team_a, commissioning)) == (0, 0)

    # The lead confirms diagnostics and corrects commissioning.
    page = sign_in(chromium, live_server, "lead_a")
    page.goto(f"{live_server.url}/teams/{org.team_a.pk}/review/")
    page.screenshot(path=str(SHOTS / "review-queue.png"), full_page=True)
    prefix = f"e{org.employee.pk}"
    page.click(f"label[for={prefix}-c{diagnostics.pk}-confirm]")
    page.click(f"label[for={prefix}-c{commissioning.pk}-adjust]")
    page.select_option(f"#{prefix}-c{commissioning.pk}-level", "3")
    page.fill(f"#{prefix}-c{commissioning.pk}-reason", "Independent, not yet teaching others")
    page.click(".sl-action-bar button[value=decide]")
    page.wait_for_load_state()
    assert "1 level confirmed; 1 level adjusted." in page.inner_text(".sl-messages")

    assert (covered(org.team_a, diagnostics), covered(org.team_a, commissioning)) == (1, 1)
    latest = (
        Assessment.objects.filter(employee=org.employee, competency=commissioning).order_by("-id").first()
    )
    assert (latest.level, latest.source, latest.assessed_by) == (
        3,
        Assessment.Source.MANAGER,
        org.users["lead_a"],
    )

    page = sign_in(chromium, live_server, "employee")
    page.goto(f"{live_server.url}/people/{org.employee.pk}/")
    page.wait_for_selector("#radar-figure .main-svg, #history-chart .main-svg", timeout=10_000)
    page.screenshot(path=str(SHOTS / "profile.png"), full_page=True)
