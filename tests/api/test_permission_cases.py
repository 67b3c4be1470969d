"""Every REST route against every role, as declared in permission_cases.API_EXPECTATIONS."""

import pytest
from django.urls import reverse

from tests.api.permission_cases import API_EXPECTATIONS
from tests.conftest import ROLES
from tests.test_permission_matrix import project_urls

MATRIX = [
    pytest.param(name, case, role, id=f"{name}[{case.label}]-{role}")
    for name, cases in API_EXPECTATIONS.items()
    for case in cases
    for role in ROLES
]


def test_every_api_route_is_declared():
    names = {name for _route, name in project_urls() if name and name.startswith("api:")}
    assert names - {"api:team_gap_analysis"} == set(API_EXPECTATIONS)


@pytest.mark.parametrize(("name", "case", "role"), MATRIX)
def test_api_permission_matrix(client_for, org, name, case, role):
    path = reverse(name, kwargs=case.kwargs(org))
    response = getattr(client_for(role), case.method)(path)
    assert response.status_code == case.status[role], f"{case.method.upper()} {path} as {role}"
