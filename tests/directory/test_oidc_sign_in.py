"""Sign-in with OpenID Connect through a real provider (npm oidc-provider, run with node by the fixture
below) in Chromium: through the provider's login form as HR and as an employee, refusals with a message,
a provider that is down, and signing out at both ends."""

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from competencies.models import Employee
from competencies.roles import HR_GROUP
from tests import factories
from tests.browser.support import new_page, shot

pytestmark = pytest.mark.browser

PROVIDER = Path(__file__).with_name("oidc_provider.mjs")
ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = {
    "hanna": {
        "email": "hanna@example.org", "given_name": "Hanna", "family_name": "Richter",
        "preferred_username": "hanna", "employee_number": "P-9001",
        "groups": ["servicelead-users", "servicelead-hr"],
    },
    "erik": {
        "email": "erik@example.org", "given_name": "Erik", "family_name": "Neumann",
        "preferred_username": "erik", "employee_number": "P-0001", "groups": ["servicelead-users"],
    },
    "otto": {
        "email": "otto@example.org", "given_name": "Otto", "family_name": "Außen",
        "preferred_username": "otto", "employee_number": "P-0002", "groups": [],
    },
}  # fmt: skip


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def accounts_file(tmp_path):
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps(ACCOUNTS))
    return path


@pytest.fixture
def provider(live_server, accounts_file):
    if shutil.which("node") is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        if os.environ.get("SERVICELEAD_REQUIRE_SERVICES") == "1":
            pytest.fail("SERVICELEAD_REQUIRE_SERVICES=1 but node or the npm package oidc-provider is missing")
        pytest.skip("no node or oidc-provider (npm ci)")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        ["node", str(PROVIDER), str(port), f"{live_server.url}/oidc/callback/", f"{live_server.url}/login/"],  # noqa: S607
        cwd=ROOT,
        env={**os.environ, "OIDC_ACCOUNTS_FILE": str(accounts_file)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(process.stdout.read().decode()[-2000:])
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc(provider, settings):
    settings.ROOT_URLCONF = "tests.directory.oidc_urls"
    settings.SERVICELEAD_OIDC_CLIENT_ID = settings.OIDC_RP_CLIENT_ID = "servicelead"
    settings.OIDC_RP_CLIENT_SECRET = "servicelead-test-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/me"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_RP_SCOPES = "openid email profile servicelead"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_USE_PKCE = True
    settings.OIDC_STORE_ID_TOKEN = True
    settings.OIDC_OP_LOGOUT_URL_METHOD = "competencies.oidc.provider_logout_url"
    settings.LOGIN_REDIRECT_URL_FAILURE = "/login/"
    settings.SERVICELEAD_OIDC_NAME = "Test Provider"
    settings.SERVICELEAD_OIDC_ISSUER = provider
    settings.SERVICELEAD_OIDC_LOGOUT_ENDPOINT = f"{provider}/session/end"
    settings.SERVICELEAD_OIDC_ALLOWED_GROUP = "servicelead-users"
    settings.SERVICELEAD_OIDC_HR_GROUP = "servicelead-hr"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "rules.permissions.ObjectPermissionBackend",
        "competencies.directory.LocalBackend",
        "competencies.oidc.OIDCBackend",
    ]
    from django.urls import clear_url_caches

    clear_url_caches()
    yield provider
    clear_url_caches()


def sign_in_at_provider(page, live_server, login):
    page.goto(f"{live_server.url}/login/")
    page.click("a[data-oidc]")
    page.wait_for_selector("input[name=login]")
    shot(page, f"oidc-provider-login-{login}")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "anything")
    page.click("button[type=submit]")
    if page.locator("button[autofocus], form[action*='confirm'] button").count():
        page.click("form button[type=submit]")  # the provider's consent page
    page.wait_for_load_state("networkidle")


def test_hr_and_an_employee_sign_in_through_the_provider(
    chromium_browser, live_server, oidc, transactional_db
):
    erik = factories.EmployeeFactory(personnel_no="P-0001", name="E. Neumann", user=None)
    page = new_page(chromium_browser)
    sign_in_at_provider(page, live_server, "hanna")
    assert page.url.rstrip("/") == live_server.url
    hanna = get_user_model().objects.get(username="hanna")
    assert hanna.groups.filter(name=HR_GROUP).exists() and hanna.email == "hanna@example.org"
    shot(page, "oidc-signed-in-hr")
    page.context.clear_cookies()
    page = new_page(chromium_browser)
    sign_in_at_provider(page, live_server, "erik")
    assert page.url.rstrip("/") == live_server.url
    erik.refresh_from_db()
    assert erik.user.username == "erik" and erik.name == "Erik Neumann"
    assert not erik.user.groups.filter(name=HR_GROUP).exists()
    # Signing out ends the provider's session too: the next sign-in asks for the login again.
    page.evaluate("document.querySelector(\"form[action='/logout/']\").submit()")
    page.wait_for_url("**/session/end**")
    page.click("button[name=logout]")  # the provider asks to confirm signing out there too
    page.wait_for_url(f"{live_server.url}/login/")
    page.goto(f"{live_server.url}/login/")
    page.click("a[data-oidc]")
    page.wait_for_selector("input[name=login]")  # the provider's session is gone: its login form again


def test_someone_outside_the_allowed_group_is_refused(chromium_browser, live_server, oidc, transactional_db):
    page = new_page(chromium_browser)
    sign_in_at_provider(page, live_server, "otto")
    assert "/login/" in page.url
    assert "not in the group allowed to use servicelead (servicelead-users)" in page.content()
    assert not get_user_model().objects.filter(username="otto").exists()


def test_a_provider_that_is_down_is_named_and_break_glass_works(
    chromium_browser, live_server, oidc, settings, transactional_db
):
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"
    page = new_page(chromium_browser)
    page.goto(f"{live_server.url}/login/")
    page.click("a[data-oidc]")
    page.wait_for_load_state("networkidle")
    assert "Test Provider cannot be reached right now" in page.content()
    factories.UserFactory(username="glass", password="local-pass-123")
    page.fill("input[name=username]", "glass")
    page.fill("input[name=password]", "local-pass-123")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server.url
    assert Employee.objects.count() == 0


def signed_in(page):
    return page.locator("form[action='/logout/']").count() == 1


def test_a_session_is_rechecked_at_the_provider_and_ends_when_the_account_is_disabled(
    chromium_browser, live_server, oidc, settings, accounts_file, transactional_db
):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 1
    factories.EmployeeFactory(personnel_no="P-0001", name="E. Neumann", user=None)
    page = new_page(chromium_browser)
    sign_in_at_provider(page, live_server, "erik")
    assert signed_in(page)
    # Past the interval, the next page goes to the provider and back, silently, while the account is fine.
    time.sleep(1.2)
    visited = []
    page.on("request", lambda request: visited.append(request.url))
    page.goto(f"{live_server.url}/notifications/")
    page.wait_for_load_state("networkidle")
    assert any(url.startswith(f"{oidc}/auth") and "prompt=none" in url for url in visited)
    assert page.url == f"{live_server.url}/notifications/" and signed_in(page)
    # The account is disabled at the provider: the next re-check signs the person out, with a message.
    accounts_file.write_text(json.dumps({**ACCOUNTS, "erik": {**ACCOUNTS["erik"], "disabled": True}}))
    time.sleep(1.2)
    page.goto(f"{live_server.url}/notifications/")
    page.wait_for_load_state("networkidle")
    assert "/login/" in page.url and not signed_in(page)
    assert "Test Provider no longer confirms your sign-in" in page.content()
    shot(page, "oidc-recheck-disabled-signed-out")
    page.goto(f"{live_server.url}/notifications/")
    assert "/login/" in page.url


def test_a_provider_that_is_down_keeps_sessions_and_local_sessions_never_go_there(
    chromium_browser, live_server, oidc, settings, transactional_db
):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 1
    page = new_page(chromium_browser)
    sign_in_at_provider(page, live_server, "hanna")
    assert signed_in(page)
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"  # the provider stops answering
    time.sleep(1.2)
    page.goto(f"{live_server.url}/teams/organisation/")
    assert page.url == f"{live_server.url}/teams/organisation/" and signed_in(page)
    # A local break-glass session is never sent to the provider, however old.
    settings.OIDC_OP_JWKS_ENDPOINT = f"{oidc}/jwks"
    factories.UserFactory(username="glass", password="local-pass-123")
    local = new_page(chromium_browser)
    local.goto(f"{live_server.url}/login/")
    local.fill("input[name=username]", "glass")
    local.fill("input[name=password]", "local-pass-123")
    local.click("main form[method=post] button[type=submit]")
    local.wait_for_load_state("networkidle")
    time.sleep(1.2)
    visited = []
    local.on("request", lambda request: visited.append(request.url))
    local.goto(f"{live_server.url}/notifications/")
    assert signed_in(local) and not any(url.startswith(oidc) for url in visited)


def test_leaving_the_allowed_group_ends_the_session_at_the_recheck_and_htmx_follows_whole(
    chromium_browser, live_server, oidc, settings, accounts_file, transactional_db
):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 1
    page = new_page(chromium_browser)
    sign_in_at_provider(page, live_server, "hanna")
    assert signed_in(page)
    time.sleep(1.2)
    # An htmx request past the interval is told to move the whole page (a fragment cannot go to the provider).
    answer = page.request.get(f"{live_server.url}/notifications/", headers={"HX-Request": "true"})
    assert answer.status == 200 and answer.headers["hx-redirect"].startswith(f"{oidc}/auth")
    accounts_file.write_text(
        json.dumps({**ACCOUNTS, "hanna": {**ACCOUNTS["hanna"], "groups": ["servicelead-hr"]}})
    )
    page.goto(f"{live_server.url}/notifications/")
    page.wait_for_load_state("networkidle")
    assert "/login/" in page.url and not signed_in(page)
    assert "Test Provider no longer confirms your sign-in" in page.content()
