"""In headless Chromium, in English and German: a department lead opens a team's dashboard — charts with
the levels written in the heatmap's cells, staffing hints — then opens the what-if panel, adds a person
from the other team and a level change, and sees the coverage change; nothing is saved."""

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
from tests.factories import AssessmentFactory, CompetencyFactory, TeamRequirementFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
def test_lead_tries_a_what_if_on_the_team_dashboard(chromium, live_server, transactional_db, org, language):
    heat = CompetencyFactory(name="Heat pump diagnostics")
    explain = CompetencyFactory(name="Explaining to customers")
    TeamRequirementFactory(team=org.team_a, competency=heat, required_level=3, min_people=2)
    TeamRequirementFactory(team=org.team_a, competency=explain, required_level=2, min_people=1)
    AssessmentFactory(employee=org.colleague, competency=heat, level=3)
    AssessmentFactory(employee=org.colleague, competency=explain, level=3)
    AssessmentFactory(employee=org.employee, competency=heat, level=2)
    AssessmentFactory(employee=org.member_b, competency=heat, level=4)
    records = Assessment.objects.count()

    page = sign_in(chromium, live_server, "lead_dept", language)
    page.goto(f"{live_server.url}/teams/{org.team_a.pk}/dashboard/")
    assert_language(page, language)
    assert org.team_a.name in text(page, "h1")
    # The heatmap writes each level into its cell: colour is never the only carrier of the level.
    # The heatmap's section is folded: the in-page navigation opens it, and the chart is drawn then.
    page.click("nav.sl-section-nav a[href='#levels']")
    page.wait_for_selector("[data-figure=heatmap-figure] .main-svg")
    cells = page.locator("[data-figure=heatmap-figure] .main-svg text").all_text_contents()
    assert {"2", "3"} <= set(cells), cells
    # The staffing hints arrive by themselves: Bea from the other team holds the missing level.
    page.click("nav.sl-section-nav a[href='#hints']")
    page.wait_for_selector("#staffing-hints .sl-hint")
    assert org.member_b.name in text(page, "#staffing-hints")
    assert_accessible(page)
    if language == "de":
        shot(page, "de-dashboard")

    # The what-if panel: Bea joins and Erika reaches level 3 — coverage would rise; nothing is saved.
    page.click(f"a[href='#what-if']:text-is('{phrase(language, 'What if …?')}')")
    page.check(f"#what-if input[name=add][value='{org.member_b.pk}']")
    page.select_option("#what-if select[name=raise_member_1]", str(org.employee.pk))
    page.select_option("#what-if select[name=raise_competency_1]", str(heat.pk))
    page.select_option("#what-if select[name=raise_level_1]", "3")
    page.click(f"#what-if button[type=submit]:text-is('{phrase(language, 'Calculate')}')")
    page.wait_for_selector("#what-if-result [data-testid=what-if-coverage]")
    coverage = text(page, "#what-if-result [data-testid=what-if-coverage]")
    assert re.findall(r"(\d+) %", coverage) == ["67", "100"], coverage
    points = "+33,3" if language == "de" else "+33.3"  # the decimal separator of the language
    assert f"{points} {phrase(language, 'points')}" in coverage
    assert org.member_b.name in text(page, "#what-if-result .sl-scenario")
    assert_accessible(page)
    if language == "de":
        shot(page, "de-dashboard-what-if")
    assert Assessment.objects.count() == records
