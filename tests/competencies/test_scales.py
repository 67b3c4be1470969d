"""The rule "a level lies on its competency's scale" (competencies.scales): one check, one message, the
same answer from the services, the pages and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from competencies.models import Assessment, RoleProfile
from competencies.scales import level_check, scale_levels
from teams.models import TeamRequirement
from tests.factories import CompetencyFactory, ScaleFactory, days_ago

OFF_SCALE = "Level 3 is not on the scale of Yes or no (allowed: 0, 1)."


@pytest.fixture
def yes_no(db):
    """A competency on a two-level scale, so level 3 is a plausible number that is not on it."""
    scale = ScaleFactory(name="Yes/no", levels=[(0, "no"), (1, "yes")])
    return CompetencyFactory(name="Yes or no", scale=scale)


def api_client(org, role):
    client = APIClient()
    client.force_login(org.users[role])
    return client


def test_scale_levels_reads_every_competency_in_one_query(yes_no, django_assert_num_queries):
    four = CompetencyFactory()
    with django_assert_num_queries(1):
        levels = scale_levels(competency_ids=[yes_no.pk, four.pk])
    assert levels == {yes_no.pk: [0, 1], four.pk: [0, 1, 2, 3, 4]}


def test_level_check_names_the_field_and_the_allowed_levels(yes_no):
    level_check(competency=yes_no, level=1)
    with pytest.raises(ValidationError) as refused:
        level_check(competency=yes_no, level=3, field="level")
    assert refused.value.message_dict == {"level": [OFF_SCALE]}
    with pytest.raises(ValidationError) as refused:
        level_check(competency=yes_no, level=0, minimum=1, field="target_level")
    assert refused.value.message_dict == {
        "target_level": ["Level 0 is not on the scale of Yes or no (allowed: 1)."]
    }


def test_level_off_the_scale_is_refused_alike_by_the_certificate_page_and_the_api(client_for, org, yes_no):
    page = client_for("lead_a").post(
        reverse("competencies:certificate_create", kwargs={"employee_id": org.colleague.pk}),
        {"competency": yes_no.pk, "level": 3, "issued_on": days_ago(1).isoformat()},
    )
    assert page.status_code == 200
    assert OFF_SCALE in page.content.decode()
    api = api_client(org, "lead_a").post(
        "/api/v1/assessments/",
        {"employee": org.colleague.pk, "competency": yes_no.pk, "level": 3, "source": "certificate"},
        format="json",
    )
    assert api.status_code == 400
    assert api.json() == {"level": [OFF_SCALE]}
    assert not Assessment.objects.exists()


def test_requirement_targets_off_the_scale_are_refused_by_the_api_with_the_same_words(org, yes_no):
    client = api_client(org, "hr")
    profile = client.post(
        "/api/v1/role-profiles/",
        {"name": "Checker", "requirements": [{"competency": yes_no.pk, "target_level": 3}]},
        format="json",
    )
    assert profile.status_code == 400
    assert profile.json() == {"requirements": {"0": {"target_level": [OFF_SCALE.replace("0, 1", "1")]}}}
    assert not RoleProfile.objects.filter(name="Checker").exists()
    requirement = client.post(
        "/api/v1/team-requirements/",
        {"team": org.team_a.pk, "competency": yes_no.pk, "required_level": 3, "min_people": 1, "weight": 2},
        format="json",
    )
    assert requirement.status_code == 400
    assert requirement.json() == {"required_level": [OFF_SCALE.replace("0, 1", "1")]}
    assert not TeamRequirement.objects.exists()


def test_admin_refuses_a_level_off_the_scale_with_the_same_words(client_for, org, yes_no):
    client = client_for("admin")
    assessment = client.post(
        reverse("admin:competencies_assessment_add"),
        {
            "employee": org.colleague.pk,
            "competency": yes_no.pk,
            "level": 3,
            "source": "manager",
            "assessed_on": days_ago(1).isoformat(),
            "note": "",
        },
    )
    assert assessment.status_code == 200
    assert OFF_SCALE in assessment.content.decode()
    assert not Assessment.objects.exists()
    requirement = client.post(
        reverse("admin:teams_teamrequirement_add"),
        {"team": org.team_a.pk, "competency": yes_no.pk, "required_level": 3, "min_people": 1, "weight": 2},
    )
    assert requirement.status_code == 200
    assert OFF_SCALE.replace("0, 1", "1") in requirement.content.decode()
    assert not TeamRequirement.objects.exists()
    accepted = client.post(
        reverse("admin:teams_teamrequirement_add"),
        {"team": org.team_a.pk, "competency": yes_no.pk, "required_level": 1, "min_people": 1, "weight": 2},
    )
    assert accepted.status_code == 302
    assert TeamRequirement.objects.get().required_level == 1
