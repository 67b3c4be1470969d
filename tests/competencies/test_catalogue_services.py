"""The catalogue's services (the API's writes go through them): scales, competencies, role profiles."""

import pytest
from django.core.exceptions import ValidationError

from competencies import services
from competencies.models import RoleRequirement, ScaleLevel
from tests.factories import AssessmentFactory, CompetencyFactory, RoleProfileFactory, ScaleFactory

LEVELS = [{"value": value, "label": f"L{value}", "descriptor": ""} for value in range(3)]


def test_scale_levels_are_numbered_from_zero_without_gaps(db):
    gap = [LEVELS[0], LEVELS[2]]
    with pytest.raises(ValidationError) as refused:
        services.scale_save(fields={"name": "Gappy"}, levels=gap)
    assert list(refused.value.message_dict) == ["levels"]
    scale = services.scale_save(fields={"name": "Three"}, levels=LEVELS)
    assert list(scale.levels.values_list("value", "label")) == [(0, "L0"), (1, "L1"), (2, "L2")]


def test_scale_in_use_is_relabelled_but_keeps_its_values(db):
    scale = ScaleFactory()
    CompetencyFactory(scale=scale)
    relabelled = [{"value": value, "label": f"Stufe {value}", "descriptor": ""} for value in range(5)]
    services.scale_save(scale=scale, fields={}, levels=relabelled)
    assert ScaleLevel.objects.get(scale=scale, value=4).label == "Stufe 4"
    with pytest.raises(ValidationError, match="relabelled"):
        services.scale_save(scale=scale, fields={}, levels=LEVELS)
    assert scale.levels.count() == 5


def test_competency_in_use_keeps_its_scale_and_validity_needs_a_certificate(db):
    competency = CompetencyFactory()
    with pytest.raises(ValidationError) as refused:
        services.competency_save(competency=competency, fields={"validity_months": 12})
    assert list(refused.value.message_dict) == ["validity_months"]
    AssessmentFactory(competency=competency, level=2)
    with pytest.raises(ValidationError) as refused:
        services.competency_save(competency=competency, fields={"scale": ScaleFactory()})
    assert list(refused.value.message_dict) == ["scale"]
    changed = services.competency_save(competency=competency, fields={"description": "Still the same"})
    assert changed.description == "Still the same"


def test_role_profile_requirements_are_replaced_and_checked_against_the_scale(db):
    profile = RoleProfileFactory()
    first, second = CompetencyFactory(), CompetencyFactory()
    services.role_profile_save(
        profile=profile, fields={}, requirements=[{"competency": first, "target_level": 2}]
    )
    with pytest.raises(ValidationError) as refused:
        services.role_profile_save(
            profile=profile,
            fields={},
            requirements=[
                {"competency": second, "target_level": 3},
                {"competency": first, "target_level": 5},
            ],
        )
    assert list(refused.value.message_dict) == ["requirements.1.target_level"]
    services.role_profile_save(profile=profile, fields={"description": "Kept"}, requirements=None)
    assert list(
        RoleRequirement.objects.filter(role_profile=profile).values_list("competency", "target_level")
    ) == [(first.pk, 2)]
