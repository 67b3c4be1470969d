"""The teams app's services (the API's writes go through them)."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from teams import services
from teams.models import Team, TeamRequirement
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


def test_deleting_a_team_others_refer_to_is_refused_and_a_requirement_goes(db):
    requirement = TeamRequirementFactory()
    child = TeamFactory(parent=requirement.team)
    with pytest.raises(ProtectedError):
        services.team_delete(team=requirement.team)
    services.team_requirement_delete(requirement=requirement)
    services.team_delete(team=child)
    assert not TeamRequirement.objects.exists()
    assert not Team.objects.filter(pk=child.pk).exists()
