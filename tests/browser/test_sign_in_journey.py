"""In headless Chromium, in English and German: each role signs in, lands on its own overview, and signs
out again; a language chosen with the switch is still chosen after signing out and in again."""

import pytest

from tests.browser.support import (
    LANGUAGES,
    assert_accessible,
    assert_language,
    log_in,
    new_page,
    phrase,
    shot,
    sign_in,
    text,
)
from tests.factories import AssessmentFactory, CompetencyFactory, TeamRequirementFactory

pytestmark = pytest.mark.browser

# The sections of the overview each role sees (home.html), and those it must not see.
HOME_SECTIONS = {
    "employee": ({"#my-profile"}, {"#my-teams", "#organisation"}),
    "lead_a": ({"#my-teams"}, {"#organisation"}),
    "hr": ({"#organisation"}, {"#my-teams", "#my-profile"}),
    "admin": ({"#organisation"}, {"#my-teams", "#my-profile"}),
}


def sign_out(page, live_server, language):
    page.click("#sl-user-menu")
    page.click(f"form[action='/logout/'] button:text-is('{phrase(language, 'Sign out')}')")
    page.wait_for_url(f"{live_server.url}/login/")
    assert text(page, "h1") == phrase(language, "Sign in")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(HOME_SECTIONS))
def test_each_role_signs_in_to_its_overview_and_out(
    chromium, live_server, transactional_db, org, role, language
):
    heat = CompetencyFactory(name="Heat pump diagnostics")
    TeamRequirementFactory(team=org.team_a, competency=heat, required_level=3, min_people=2)
    AssessmentFactory(employee=org.employee, competency=heat, level=3)

    page = sign_in(chromium, live_server, role, language)
    assert_language(page, language)
    assert text(page, "h1") == phrase(language, "Welcome, %(name)s", name=role)
    shown, hidden = HOME_SECTIONS[role]
    for section in shown:
        assert page.locator(section).count() == 1, section
    for section in hidden:
        assert page.locator(section).count() == 0, section
    assert (page.locator("nav a[href='/admin/']").count() == 1) == (role == "admin")
    assert_accessible(page)
    if language == "de" and role == "hr":
        shot(page, "de-hr-home")
        page.goto(f"{live_server.url}/teams/organisation/")
        assert_accessible(page)
        shot(page, "de-organisation")
    sign_out(page, live_server, language)
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/login/?next=/")  # signed out: the overview asks to sign in


def test_the_chosen_language_outlasts_signing_out(chromium, live_server, transactional_db, org):
    page = new_page(chromium, "en")  # the browser asks for English
    page.goto(f"{live_server.url}/login/")
    log_in(page, live_server, "employee")
    assert_language(page, "en")
    page.click("form.sl-lang button[value=de]")
    page.wait_for_load_state()
    assert_language(page, "de")
    sign_out(page, live_server, "de")
    assert_language(page, "de")
    log_in(page, live_server, "employee")
    assert_language(page, "de")
    assert text(page, "h1") == phrase("de", "Welcome, %(name)s", name="employee")
