"""Every URL of the project against every role of SPEC.md's "Who may do what" table.

A URL name without an entry in EXPECTATIONS fails ``test_every_url_pattern_is_declared``: whoever adds a
page or endpoint declares here who may reach it."""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLES

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")


@dataclass(frozen=True)
class Case:
    """One request: ``kwargs(org)`` builds the URL kwargs; ``status`` maps each role to its answer.

    A page answers anonymous with a redirect to the login page (302); the API answers 403."""

    label: str
    status: dict
    kwargs: object = field(default=lambda org: {})
    method: str = "get"


def page(**status):
    return {"anonymous": 302, **status}


def api(**status):
    return {"anonymous": 403, **status}


EVERYONE = {"employee": 200, "lead_a": 200, "lead_b": 200, "hr": 200, "admin": 200}

EXPECTATIONS = {
    "home": [Case("home", page(**EVERYONE))],
    "login": [
        Case("login form", {"anonymous": 200, **dict.fromkeys(EVERYONE, 302)}),
    ],
    "logout": [
        Case("logout", dict.fromkeys(ROLES, 302), method="post"),
    ],
    "competencies:employee_detail": [
        Case(
            "own record",
            page(employee=200, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.employee.pk},
        ),
        Case(
            "colleague in team A",
            page(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.colleague.pk},
        ),
        Case(
            "member of team B",
            page(employee=404, lead_a=404, lead_b=200, hr=200, admin=200),
            lambda org: {"employee_id": org.member_b.pk},
        ),
        Case(
            "unknown person",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"employee_id": org.member_b.pk + 1000},
        ),
    ],
    "teams:team_detail": [
        Case(
            "team A",
            page(employee=200, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "department",
            page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.department.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "api:team_gap_analysis": [
        Case(
            "team A",
            api(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "team B",
            api(employee=403, lead_a=403, lead_b=200, hr=200, admin=200),
            lambda org: {"team_id": org.team_b.pk},
        ),
    ],
    # The schema and its viewer describe the API, they hold no data: open like the login page.
    "api_schema": [Case("schema", {"anonymous": 200, **EVERYONE})],
    "api_docs": [Case("docs", {"anonymous": 200, **EVERYONE})],
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}" if entry.name else None


def project_urls():
    """(route, full name) of every URL pattern outside admin, i18n and static/media."""
    return list(_walk(get_resolver().url_patterns))


def test_every_url_pattern_is_declared():
    urls = project_urls()
    unnamed = [route for route, name in urls if name is None]
    undeclared = sorted({name for _route, name in urls if name and name not in EXPECTATIONS})
    assert not unnamed, f"URL patterns without a name cannot be declared: {unnamed}"
    assert not undeclared, f"Declare who may reach these URLs in EXPECTATIONS: {undeclared}"


def test_every_declaration_names_an_existing_url():
    names = {name for _route, name in project_urls()}
    assert set(EXPECTATIONS) <= names, sorted(set(EXPECTATIONS) - names)


def test_every_case_declares_every_role():
    for name, cases in EXPECTATIONS.items():
        for case in cases:
            assert set(case.status) == set(ROLES), (name, case.label)


MATRIX = [
    pytest.param(name, case, role, id=f"{name}[{case.label}]-{role}")
    for name, cases in EXPECTATIONS.items()
    for case in cases
    for role in ROLES
]


@pytest.mark.parametrize(("name", "case", "role"), MATRIX)
def test_permission_matrix(client_for, org, name, case, role):
    path = reverse(name, kwargs=case.kwargs(org))
    response = getattr(client_for(role), case.method)(path)
    expected = case.status[role]
    assert response.status_code == expected, f"{case.method.upper()} {path} as {role}"
    if expected == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
