"""In headless Chromium, in English and German: an employee self-assesses with the keyboard alone, their
lead confirms one level and corrects another with the keyboard alone, and the team's gap analysis
follows."""

import pytest

from competencies.models import Assessment
from teams.gaps.report import gap_report
from teams.review import register_competency_hooks
from tests.browser.support import (
    LANGUAGES,
    assert_accessible,
    assert_language,
    phrase,
    shot,
    sign_in,
    text,
)
from tests.factories import AssessmentFactory, CompetencyFactory, TeamRequirementFactory, days_ago

pytestmark = pytest.mark.browser

# Far more than any page here needs to reach a field from the top: a field never reached fails.
MAX_TABS = 150


def covered(team, competency):
    report = gap_report(team=team, on=days_ago(0))
    return next(r["covered"] for r in report["requirements"] if r["competency"]["id"] == competency.pk)


def tab_to(page, selector):
    """Presses Tab until the element matching ``selector`` has the focus: it is reachable by keyboard."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{selector} is not reached with the Tab key")


def choose_with_arrows(page, select, value):
    """Picks ``value`` in the focused <select> with the arrow keys."""
    for _ in range(10):
        if page.input_value(select) == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{value} is not reached with the arrow keys in {select}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.django_db(transaction=True)
def test_self_assessment_confirmation_and_correction_change_the_gap_analysis(
    chromium, live_server, org, settings, language
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

    # The employee rates herself with the keyboard alone: Tab, arrows, Space, typing, Enter.
    page = sign_in(chromium, live_server, "employee", language)
    page.goto(f"{live_server.url}/people/me/assessment/")
    assert_language(page, language)
    assert_accessible(page)
    tab_to(page, f"#c{diagnostics.pk}-l0")  # not self-assessed yet: Tab enters the group at its start
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.is_checked(f"#c{diagnostics.pk}-l3")
    tab_to(page, f"#c{commissioning.pk}-l0")
    page.keyboard.press("Space")
    assert page.is_checked(f"#c{commissioning.pk}-l0")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert page.is_checked(f"#c{commissioning.pk}-l4")
    tab_to(page, f"#c{commissioning.pk}-note")
    page.keyboard.type("Commissioned twelve units alone")
    tab_to(page, f"#c{commissioning.pk}-grow")
    page.keyboard.press("Space")
    assert page.is_checked(f"#c{commissioning.pk}-grow")
    summary = phrase(
        language, "__rated__ of __total__ rated · __changed__ changed since your last self-assessment"
    )
    assert text(page, "[data-rating-summary]") == (
        summary.replace("__rated__", "2").replace("__total__", "2").replace("__changed__", "2")
    )
    if language == "de":
        shot(page, "de-self-assessment")
    tab_to(page, "button[value=submit]:not(.visually-hidden)")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/people/{org.employee.pk}/")
    submitted = phrase(
        language,
        "Submitted: %(levels)s level(s) recorded, %(interests)s development interest(s) updated. Your "
        "team lead will confirm or discuss them with you.",
        levels=2,
        interests=1,
    )
    assert submitted in text(page, ".sl-messages")
    assert (covered(org.team_a, diagnostics), covered(org.team_a, commissioning)) == (0, 0)

    # The lead confirms diagnostics and corrects commissioning, with the keyboard alone.
    page = sign_in(chromium, live_server, "lead_a", language)
    page.goto(f"{live_server.url}/teams/{org.team_a.pk}/review/")
    assert_language(page, language)
    assert_accessible(page)
    if language == "de":
        shot(page, "de-review-queue")
    prefix = f"e{org.employee.pk}"
    tab_to(page, f"#{prefix}-c{diagnostics.pk}-none")  # "Later" is chosen until the lead decides
    page.keyboard.press("ArrowRight")
    assert page.is_checked(f"#{prefix}-c{diagnostics.pk}-confirm")
    tab_to(page, f"#{prefix}-c{commissioning.pk}-none")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.is_checked(f"#{prefix}-c{commissioning.pk}-adjust")
    tab_to(page, f"#{prefix}-c{commissioning.pk}-level")  # enabled by choosing "adjust"
    choose_with_arrows(page, f"#{prefix}-c{commissioning.pk}-level", "3")
    tab_to(page, f"#{prefix}-c{commissioning.pk}-reason")
    page.keyboard.type("Independent, not yet teaching others")
    tab_to(page, ".sl-action-bar button[value=decide]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".sl-messages")
    decided = "; ".join(
        [
            phrase(language, "%(n)s level confirmed", plural="%(n)s levels confirmed", count=1, n=1),
            phrase(language, "%(n)s level adjusted", plural="%(n)s levels adjusted", count=1, n=1),
        ]
    )
    assert f"{decided}." in text(page, ".sl-messages")

    assert (covered(org.team_a, diagnostics), covered(org.team_a, commissioning)) == (1, 1)
    latest = (
        Assessment.objects.filter(employee=org.employee, competency=commissioning).order_by("-id").first()
    )
    assert (latest.level, latest.source, latest.assessed_by) == (
        3,
        Assessment.Source.MANAGER,
        org.users["lead_a"],
    )

    page = sign_in(chromium, live_server, "employee", language)
    page.goto(f"{live_server.url}/people/{org.employee.pk}/")
    page.wait_for_selector("#radar-figure .main-svg, #history-chart .main-svg", timeout=10_000)
    assert_accessible(page)
    if language == "de":
        shot(page, "de-profile")
