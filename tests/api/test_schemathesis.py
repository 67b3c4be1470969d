"""Schemathesis against the OpenAPI schema, through the WSGI app, signed in by token as an employee, a
team lead and HR (what each may do differs, and so do the answers: 403 and 404 are part of the contract).

For every operation and role, generated requests (valid and invalid) never cause a 5xx, every answer has
a status the schema documents for that operation, and its body and content type conform to the schema.
Path ids and integer references in bodies are pointed at existing objects so requests get past "not
found" to the validation behind it. Bounded to a few examples per operation so it stays part of the
normal run (about a minute per role on two cores)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]

# The role's user in tests/conftest.py's ``org``: a team member, the lead of that team, HR.
ROLES = {"employee": "employee", "lead": "lead_a", "hr": "hr"}

# The schema endpoint needs no database, so the schema is loaded when the module is collected and
# every operation becomes a test of its own.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(params=list(ROLES))
def role(request):
    return request.param


@pytest.fixture
def existing(db, org, catalogue, role):
    """The role's token, the id of one object per resource, and ids for references in request bodies."""
    requirement = factories.TeamRequirementFactory(team=org.team_a, competency=catalogue.competency)
    assessment = factories.AssessmentFactory(employee=org.colleague, competency=catalogue.competency)
    item = factories.PlanItemFactory(plan__employee=org.colleague, competency=catalogue.competency)
    job = factories.JobFactory(owner=org.users[ROLES[role]])
    # A real WSGI request ends with close_old_connections, which would end the test's transaction;
    # Django's own test client detaches it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            "token": Token.objects.create(user=org.users[ROLES[role]]).key,
            "paths": {
                "scales": catalogue.scale.pk,
                "categories": catalogue.category.pk,
                "competencies": catalogue.competency.pk,
                "role-profiles": catalogue.role_profile.pk,
                "employees": org.colleague.pk,
                "assessments": assessment.pk,
                "teams": org.team_a.pk,
                "memberships": org.colleague.memberships.get().pk,
                "team-requirements": requirement.pk,
                "measures": catalogue.measure.pk,
                "plans": item.plan.pk,
                "plan-items": item.pk,
                "jobs": job.pk,
            },
            "references": {
                "employee": org.colleague.pk,
                "competency": catalogue.other_competency.pk,
                "team": org.team_b.pk,
                "parent": org.department.pk,
                "category": catalogue.category.pk,
                "scale": catalogue.scale.pk,
                "role_profile": catalogue.role_profile.pk,
                "user": factories.UserFactory().pk,
            },
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def aim_at_existing_objects(case, existing):
    resource = case.operation.path.split("/")[3]
    for name in ("id", "team_id"):
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = existing["paths"][resource]
    if isinstance(case.body, dict):
        for key, value in case.body.items():
            if key in existing["references"] and isinstance(value, int) and not isinstance(value, bool):
                case.body[key] = existing["references"][key]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms_to_its_schema(case, existing):
    aim_at_existing_objects(case, existing)
    case.call_and_validate(headers={"Authorization": f"Token {existing['token']}"}, checks=CHECKS)
