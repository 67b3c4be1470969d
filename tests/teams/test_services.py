"""The teams app's services (the API's writes go through them)."""

import pytest
from django.core.exceptions import ValidationError

from teams import services
from tests.factories import CompetencyFactory, TeamFactory, TeamRequirementFactory


def test_team_requirement_level_lies_on_the_scale(db):
    team, competency = TeamFactory(), CompetencyFactory(name="Leak testing")
    with pytest.raises(ValidationError) as refused:
        services.team_requirement_save(fields={"team": team, "competency": competency, "required_level": 5})
    assert refused.value.message_dict == {
        "required_level": ["Level 5 is not on the scale of Leak testing (allowed: 1, 2, 3, 4)."]
    }
    requirement = services.team_requirement_save(
        fields={"team": team, "competency": competency, "required_level": 4, "min_people": 2}
    )
    assert (requirement.required_level, requirement.min_people) == (4, 2)


def test_team_requirement_stays_with_its_team(db):
    requirement = TeamRequirementFactory()
    with pytest.raises(ValidationError) as refused:
        services.team_requirement_save(requirement=requirement, fields={"team": TeamFactory()})
    assert list(refused.value.message_dict) == ["team"]
    changed = services.team_requirement_save(requirement=requirement, fields={"weight": 3})
    assert changed.weight == 3
