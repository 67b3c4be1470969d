"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright, with helpers
to sign in, in English or German, and to check a page with axe-core."""

import os
import tempfile
from functools import cache
from html import unescape
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.html import strip_tags

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, which this network refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(
    os.environ.get("SERVICELEAD_SCREENSHOTS", Path(tempfile.gettempdir()) / "servicelead-screenshots")
)
# axe-core from the npm registry (package.json; `make test` runs `npm ci`).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Every journey runs in both interface languages; the browser asks for the language as a person's would.
LANGUAGES = ("en", "de")
LOCALES = {"en": "en-US", "de": "de-DE"}
VIEWPORT = {"width": 1366, "height": 900}
# axe's impacts that fail a page; "minor" and "moderate" findings are left to judgement.
BLOCKING_IMPACTS = ("serious", "critical")


def new_page(browser, language="en"):
    """A page in a fresh browser context (no cookies) whose Accept-Language asks for ``language``.

    With reduced motion, as some people set it: nothing is caught half faded in when axe checks colours."""
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORT, reduced_motion="reduce")
    return context.new_page()


def sign_in(browser, live_server, username, language="en"):
    """A page signed in as ``username`` on its home page, in a fresh context speaking ``language``."""
    page = new_page(browser, language)
    page.goto(f"{live_server.url}/login/")
    log_in(page, live_server, username)
    return page


def log_in(page, live_server, username):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def phrase(language, message, count=None, plural=None, **values):
    """``message`` from the catalogue in ``language``, filled in with ``values``, as the page shows it as
    text (markup of a blocktranslate message removed, non-breaking spaces as plain ones)."""
    with translation.override(language):
        if plural is None:
            translated = translation.gettext(message)
        else:
            translated = translation.ngettext(message, plural, count)
    if values:
        translated %= values
    return unescape(strip_tags(translated)).replace("\xa0", " ")


def assert_language(page, language):
    """The page is in ``language``: its <html lang> says so."""
    assert page.get_attribute("html", "lang") == language, page.url


def text(page, selector):
    """The visible text of ``selector`` with non-breaking spaces as plain ones."""
    return page.inner_text(selector).replace("\xa0", " ")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def settle(page):
    """Waits until htmx has no request running (fragments loaded on page load have arrived)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


@cache
def _axe_source():
    return AXE.read_text(encoding="utf-8")


def axe_violations(page):
    """axe-core's violations on the page as it is now, of every impact."""
    if not AXE.exists():
        if os.environ.get("SERVICELEAD_REQUIRE_SERVICES") == "1":
            pytest.fail(f"SERVICELEAD_REQUIRE_SERVICES=1 but there is no {AXE.relative_to(ROOT)} (npm ci)")
        pytest.skip(f"no {AXE.relative_to(ROOT)}: run `npm ci` (set SERVICELEAD_REQUIRE_SERVICES=1 to fail)")
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern:
    # an injected <script> would be refused, and the pages keep their real policy in every browser test.
    settle(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then((results) =>
            results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            })))"""
    )


def accessibility_problems(page, label=None):
    """Every serious or critical axe-core violation on the page, one line per rule with the nodes below."""
    return [
        f"{label or page.url}: {v['id']} ({v['impact']}) {v['help']}"
        + "".join(f"\n    {node['target']}: {node['summary']}" for node in v["nodes"])
        for v in axe_violations(page)
        if v["impact"] in BLOCKING_IMPACTS
    ]


def assert_accessible(page):
    """Fails listing every serious or critical axe-core violation on the page: rule, help and the nodes."""
    problems = accessibility_problems(page)
    assert not problems, "axe-core:\n" + "\n".join(problems)
