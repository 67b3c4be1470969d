"""Fixtures of the API tests: a REST client per role and a little catalogue next to ``org``."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture
def api_for(org):
    """``api_for(role)``: an APIClient signed in (session) as that role's user; anonymous: not signed in."""

    def build(role):
        client = APIClient()
        if role != "anonymous":
            client.force_login(org.users[role] if role in org.users else getattr(org, role))
        return client

    return build


@dataclass
class Catalogue:
    scale: object
    category: object
    competency: object
    other_competency: object
    role_profile: object
    measure: object


@pytest.fixture
def catalogue(db):
    """The default 0–4 scale, a category with two competencies, a role profile and a measure."""
    scale = factories.default_scale()
    category = factories.CategoryFactory(name="Technical systems")
    competency = factories.CompetencyFactory(category=category, name="Heat pump diagnostics", scale=scale)
    other = factories.CompetencyFactory(category=category, name="Customer conversation", scale=scale)
    role_profile = factories.RoleProfileFactory(name="Service technician")
    factories.RoleRequirementFactory(role_profile=role_profile, competency=competency, target_level=3)
    measure = factories.MeasureFactory(title="Heat pump basics")
    factories.MeasureCompetencyFactory(measure=measure, competency=competency, from_level=1, to_level=3)
    return Catalogue(scale, category, competency, other, role_profile, measure)
