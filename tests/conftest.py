"""Shared fixtures: a small organisation with one user per role of SPEC.md's permission table."""

import os
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from competencies.roles import ADMIN_GROUP, HR_GROUP

from . import factories

ROLES = ("anonymous", "employee", "lead_a", "lead_b", "hr", "admin")


@dataclass
class Org:
    """department → team A, team B; ``users`` maps each role (but anonymous) to its user."""

    department: object
    team_a: object
    team_b: object
    employee: object  # the Employee record of the ``employee`` user, member of team A
    colleague: object  # another member of team A, without a login
    member_b: object  # a member of team B
    lead_dept: object  # leads the department (the parent of A and B)
    users: dict = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _no_cached_analyses():
    """Each test starts without cached gap analyses: a rolled-back test's results must not serve the next."""
    caches["analysis"].clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request with ``Accept-Language: de`` leaves German active
    in the test's thread (LocaleMiddleware activates it and nothing deactivates it), which would otherwise
    leak into the next test in the same process."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def org(db):
    department = factories.TeamFactory(name="Customer Service")
    employee_user = factories.UserFactory(username="employee")
    lead_a = factories.UserFactory(username="lead_a")
    lead_b = factories.UserFactory(username="lead_b")
    lead_dept = factories.UserFactory(username="lead_dept")
    hr = factories.UserFactory(username="hr", groups=[HR_GROUP])
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True, groups=[ADMIN_GROUP])
    department.leads.add(lead_dept)
    team_a = factories.TeamFactory(name="Field Service North", parent=department, leads=[lead_a])
    team_b = factories.TeamFactory(name="Field Service South", parent=department, leads=[lead_b])
    employee = factories.EmployeeFactory(name="Erika Employee", user=employee_user)
    colleague = factories.EmployeeFactory(name="Carl Colleague")
    member_b = factories.EmployeeFactory(name="Bea Member")
    factories.MembershipFactory(employee=employee, team=team_a)
    factories.MembershipFactory(employee=colleague, team=team_a)
    factories.MembershipFactory(employee=member_b, team=team_b)
    return Org(
        department=department,
        team_a=team_a,
        team_b=team_b,
        employee=employee,
        colleague=colleague,
        member_b=member_b,
        lead_dept=lead_dept,
        users={"employee": employee_user, "lead_a": lead_a, "lead_b": lead_b, "hr": hr, "admin": admin},
    )


@pytest.fixture
def client_for(org):
    """``client_for(role)``: a test client logged in as that role's user (anonymous: not logged in)."""

    def build(role):
        client = Client()
        if role != "anonymous":
            user = org.users[role] if role in org.users else getattr(org, role)
            client.force_login(user)
        return client

    return build


@pytest.fixture(scope="module")
def chromium_browser():
    """Headless Chromium, one per test module; skipped without /usr/bin/chromium unless
    SERVICELEAD_REQUIRE_SERVICES=1. Not one per session: while Playwright runs, its event loop is marked
    as running in this thread, which would break async_to_sync and asyncio.run in the tests after it."""
    from .browser.support import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        if os.environ.get("SERVICELEAD_REQUIRE_SERVICES") == "1":
            pytest.fail("SERVICELEAD_REQUIRE_SERVICES=1 but there is no Chromium at /usr/bin/chromium")
        pytest.skip("no Chromium at /usr/bin/chromium (set SERVICELEAD_REQUIRE_SERVICES=1 to make this fail)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with pytest.MonkeyPatch.context() as patch:
        # With Playwright's loop marked as running, the tests' ORM calls (sync) would be refused.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            yield browser
            browser.close()


@pytest.fixture
def chromium(chromium_browser):
    """The module's Chromium; the contexts (cookies, pages) a test opens are closed after it."""
    yield chromium_browser
    for context in chromium_browser.contexts:
        context.close()
