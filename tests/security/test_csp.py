"""The Content-Security-Policy and the other security headers on every page, and pages that keep to the
policy: no inline script, event handler or style in what the server sends (tests/security/
test_csp_browser.py watches the browser for what scripts do)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from scripts.plotly_css import BUNDLE, STYLESHEET, inline_style_hashes, plotly_css
from tests.test_permission_matrix import EXPECTATIONS

# The first role in this order that may open a page opens it (it sees the most on it).
ROLE_ORDER = ("admin", "hr", "lead_a", "employee", "lead_b", "anonymous")
ADMIN_PAGES = [
    ("admin:login", "anonymous"),
    ("admin:index", "admin"),
    ("admin:competencies_employee_changelist", "admin"),
    ("admin:auth_user_add", "admin"),
]
EMPTY_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # of ""
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*", "data:", "blob:"}


def directives(header):
    """A Content-Security-Policy header as {directive: [sources]} (django-csp writes them in any order)."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses in an HTML document: inline scripts and styles, event
    handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.found.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL in <{tag} {name}>")


def _pages():
    for name, cases in EXPECTATIONS.items():
        for case in cases:
            role = next((role for role in ROLE_ORDER if case.status[role] == 200), None)
            if case.method == "get" and role is not None:
                yield pytest.param(name, case, role, id=f"{name}[{case.label}]")


PAGES = list(_pages())


def _get(client_for, org, name, case, role):
    response = client_for(role).get(reverse(name, kwargs=case.kwargs(org)))
    assert response.status_code == 200
    return response


def assert_strict(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.wsgi_request.path}"
    policy = directives(header)
    scripts = policy.get("script-src", policy["default-src"])
    assert scripts == ["'self'"]
    assert not UNSAFE & set(policy["style-src"])
    # Style attributes: at most empty ones.
    assert policy.get("style-src-attr", [EMPTY_HASH]) in ([EMPTY_HASH], ["'unsafe-hashes'", EMPTY_HASH])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def assert_other_headers(response):
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "case", "role"), PAGES)
def test_page_has_strict_policy_and_no_inline_code(client_for, org, name, case, role):
    response = _get(client_for, org, name, case, role)
    assert_strict(response)
    assert_other_headers(response)
    if response["Content-Type"].startswith("text/html"):
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == []


@pytest.mark.parametrize(("name", "role"), ADMIN_PAGES)
def test_admin_page_has_strict_policy_and_no_inline_code(client_for, name, role):
    response = client_for(role).get(reverse(name))
    assert response.status_code == 200
    assert_strict(response)
    assert_other_headers(response)
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert parser.found == []


def test_api_docs_load_their_script_from_a_url(client):
    page = client.get(reverse("api_docs"))
    parser = InlineCode()
    parser.feed(page.content.decode())
    assert parser.found == []
    script_urls = re.findall(r'<script src="([^"]+)"', page.content.decode())
    setup = client.get(script_urls[-1])
    assert setup.status_code == 200
    assert setup["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in setup.content.decode()


def test_plotly_stylesheet_and_style_hashes_match_the_vendored_bundle():
    """After an update of plotly.js: ``python -m scripts.plotly_css``, and the hashes it prints into
    settings.base, or its charts lose their styles or raise violations."""
    bundle = BUNDLE.read_text(encoding="utf-8")
    assert STYLESHEET.read_text(encoding="utf-8") == plotly_css(bundle)
    hashes = inline_style_hashes(bundle)
    assert hashes
    style_sources = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
    assert [source for source in style_sources if source.startswith("'sha256-")] == hashes
    partial = Path(settings.BASE_DIR / "templates" / "_partials" / "plotly.html").read_text()
    assert f"vendor/{BUNDLE.name}" in partial and f"vendor/{STYLESHEET.name}" in partial
