"""The navigation fits on one line at 1366×768 for every demo role, in German and English (#14 item 9):
no item wraps onto a second line and nothing overflows the bar; each home shows its to-dos (item 1)."""

import pytest
from django.core.management import call_command

from qualification.demo.store import DEMO_PASSWORD
from tests.browser.support import LANGUAGES, LOCALES, shot

pytestmark = pytest.mark.browser

DEMO_ROLES = ("employee", "lead", "head", "hr", "admin")

# For each top-level element of the bar: its box, whether its text wraps (taller than one line) and
# whether anything reaches beyond the navbar's container.
MEASURE = """() => {
  const bar = document.querySelector('nav.sl-navbar .container-xl');
  const limit = bar.getBoundingClientRect();
  const items = [...document.querySelectorAll(
    'nav.sl-navbar .navbar-brand, nav.sl-navbar .navbar-nav > .nav-item > .nav-link, '
    + 'nav.sl-navbar #sl-nav-counts > a, nav.sl-navbar .sl-lang, nav.sl-navbar #sl-user-menu')];
  return items.map(el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom)
      + parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
    return {
      label: (el.innerText || el.getAttribute('title') || '').trim(),
      top: Math.round(box.top), bottom: Math.round(box.bottom),
      left: box.left, right: box.right,
      wraps: box.height - padding > line * 1.5,
      overflows: box.left < limit.left - 1 || box.right > limit.right + 1
        || el.scrollWidth > el.clientWidth + 1,
    };
  });
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", DEMO_ROLES)
def test_navbar_fits_on_one_line_at_1366(chromium, live_server, demo, role, language):
    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_attribute("html", "lang") == language
    # Each home starts with its to-dos; the demo's leads have self-assessments to review and gaps to close.
    assert page.locator("#todos").count() == 1
    if role in ("lead", "head"):
        assert page.locator("#todos .sl-todo[data-kind='review'] a").count() >= 1
        assert page.locator("#sl-nav-counts [data-testid='todo-count']").count() == 1
    # The collapsed menu (a toggler) would hide the problem: at 1366 px the full bar shows.
    assert not page.locator(".navbar-toggler").is_visible()
    items = page.evaluate(MEASURE)
    assert len(items) >= 5, items
    wrapped = [item["label"] for item in items if item["wraps"]]
    overflowing = [item["label"] for item in items if item["overflows"]]
    tops = {item["top"] for item in items}
    shot(page, f"navbar-{language}-{role}")
    assert not wrapped, f"wraps: {wrapped}"
    assert not overflowing, f"overflows: {overflowing}"
    # One row: every item's vertical middle lies within the first item's box.
    first = items[0]
    middles = [(item["top"] + item["bottom"]) / 2 for item in items]
    assert all(first["top"] <= middle <= first["bottom"] for middle in middles), (tops, items)
