"""In headless Chromium, under the site's real Content-Security-Policy: the sign-in page, the pages with
charts, the self-assessment and plan-generation forms, the API docs and the admin raise no CSP violation
and no script error; plotly draws every chart, styled, and its PNG download works."""

import pytest
from django.urls import reverse

from tests.browser.support import log_in, new_page
from tests.factories import (
    AssessmentFactory,
    CategoryFactory,
    CompetencyFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    TeamRequirementFactory,
)
from tests.security.test_csp import directives

pytestmark = pytest.mark.browser

# Registered before any of the page's own scripts run (through DevTools, which the policy does not govern).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}` + (event.sample ? ` (${event.sample})` : "")
  );
});
"""


def _record_error(errors, message):
    # The admin's pages name no icon, so the browser asks for /favicon.ico, which does not exist.
    if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
        errors.append(f"{message.text} ({message.location['url']})")


@pytest.fixture
def charted(org):
    """Team A with requirements and levels (team, department and organisation charts); Erika with a role
    profile (radar)."""
    category = CategoryFactory(name="Technical systems")
    profile = RoleProfileFactory(name="Service technician")
    for index, name in enumerate(("Heat pumps", "Boilers", "Solar thermal", "Customer talk")):
        competency = CompetencyFactory(name=name, category=category)
        RoleRequirementFactory(role_profile=profile, competency=competency, target_level=3)
        TeamRequirementFactory(team=org.team_a, competency=competency, required_level=2 + index % 2)
        AssessmentFactory(employee=org.employee, competency=competency, level=1 + index % 4)
        AssessmentFactory(employee=org.colleague, competency=competency, level=3)
    org.employee.role_profile = profile
    org.employee.save()
    return org


def _team_dashboard(org):
    return reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk})


def _profile(org):
    return reverse("competencies:employee_detail", kwargs={"employee_id": org.employee.pk})


# (page, user who opens it (None: signed out), its address, a selector of what is there once it has worked)
PAGES = [
    ("sign-in page", None, lambda org: reverse("login"), "form"),
    ("team dashboard", "lead_a", _team_dashboard, "[data-figure]"),
    ("profile", "employee", _profile, "[data-figure]"),
    ("organisation", "hr", lambda org: reverse("teams:organisation"), "[data-figure]"),
    (
        "department",
        "lead_dept",
        lambda org: reverse("teams:department", kwargs={"team_id": org.department.pk}),
        "[data-figure]",
    ),
    ("self-assessment", "employee", lambda org: reverse("competencies:self_assessment"), "form"),
    ("plan generation", "lead_a", lambda org: reverse("qualification:generate"), "form"),
    ("API docs", "lead_a", lambda org: reverse("api_docs"), ".swagger-ui .info .title"),
    (
        "admin change form",
        "admin",
        lambda org: reverse("admin:competencies_employee_change", args=[org.employee.pk]),
        "#content form",
    ),
]


@pytest.mark.parametrize(("name", "role", "address", "ready"), PAGES, ids=[page[0] for page in PAGES])
def test_page_works_under_the_content_security_policy(
    chromium, live_server, transactional_db, charted, name, role, address, ready
):
    page = new_page(chromium)
    page.context.add_init_script(RECORD_VIOLATIONS)
    errors = []
    page.on("console", lambda message: _record_error(errors, message))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    if role is not None:
        page.goto(f"{live_server.url}{reverse('login')}")
        log_in(page, live_server, role)

    response = page.goto(live_server.url + address(charted))
    assert response.status == 200
    assert directives(response.headers["content-security-policy"])["script-src"] == ["'self'"]
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")

    # Folded sections (the dashboard's heatmap) draw their charts when opened: open them all.
    page.eval_on_selector_all("details.sl-fold", "folds => folds.forEach(fold => { fold.open = true; })")
    figures = page.locator("[data-figure]")
    for index in range(figures.count()):
        # plotly drew it: the element became a plot with its SVG.
        figures.nth(index).locator(".main-svg").first.wait_for(state="attached")
    if figures.count():
        # ... and its styles apply, from the stylesheet instead of the inline <style> it would insert.
        position = "getComputedStyle(document.querySelector('.js-plotly-plot .main-svg')).position"
        assert page.evaluate(position) == "absolute"
        # The chart's own PNG download works too (it draws through a blob: image).
        figures.first.hover()
        with page.expect_download() as download:
            figures.first.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
        assert download.value.suggested_filename.endswith(".png")
    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
