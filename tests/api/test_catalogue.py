"""Scales, categories, competencies, role profiles and measures: read by all, written by HR and admins."""

import pytest
from django.urls import reverse

from competencies.models import Competency, RoleProfile, ScaleLevel
from tests import factories

LEVELS = [{"value": v, "label": f"level {v}", "descriptor": ""} for v in range(4)]

PAYLOADS = {
    "scale": lambda c: {"name": "Three steps", "levels": LEVELS},
    "category": lambda c: {"name": "Methods", "family": "methods"},
    "competency": lambda c: {"name": "Escalation", "category": c.category.pk, "scale": c.scale.pk},
    "role_profile": lambda c: {
        "name": "Dispatcher",
        "requirements": [{"competency": c.competency.pk, "target_level": 2}],
    },
    "measure": lambda c: {
        "title": "Coaching",
        "kind": "mentoring",
        "duration_hours": "4.0",
        "competencies": [{"competency": c.other_competency.pk, "from_level": 0, "to_level": 2}],
    },
}
RESOURCES = list(PAYLOADS)
NON_EDITORS = ["employee", "lead_a", "lead_b"]


def list_url(resource):
    return reverse(f"api:{resource}_list")


def detail_url(resource, pk):
    return reverse(f"api:{resource}_detail", kwargs={"pk": pk})


@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_is_refused(api_for, catalogue, resource):
    assert api_for("anonymous").get(list_url(resource)).status_code == 403


@pytest.mark.parametrize("role", ["employee", "lead_a", "hr", "admin"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_every_signed_in_role_reads_the_catalogue(api_for, catalogue, resource, role):
    response = api_for(role).get(list_url(resource))
    assert response.status_code == 200
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("role", ["hr", "admin"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_hr_and_admin_create_catalogue_entries(api_for, catalogue, resource, role):
    response = api_for(role).post(list_url(resource), PAYLOADS[resource](catalogue), format="json")
    assert response.status_code == 201, response.json()
    assert api_for("employee").get(detail_url(resource, response.json()["id"])).status_code == 200


@pytest.mark.parametrize("role", NON_EDITORS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_others_cannot_change_the_catalogue(api_for, catalogue, resource, role):
    client = api_for(role)
    existing = {
        "scale": catalogue.scale,
        "category": catalogue.category,
        "competency": catalogue.competency,
        "role_profile": catalogue.role_profile,
        "measure": catalogue.measure,
    }[resource]
    assert client.post(list_url(resource), PAYLOADS[resource](catalogue), format="json").status_code == 403
    assert client.patch(detail_url(resource, existing.pk), {}, format="json").status_code == 403
    response = client.delete(detail_url(resource, existing.pk))
    assert response.status_code == 403
    assert "HR" in response.json()["detail"]


def test_scale_lists_its_levels_in_order(api_for, catalogue):
    response = api_for("employee").get(detail_url("scale", catalogue.scale.pk))
    assert [level["value"] for level in response.json()["levels"]] == [0, 1, 2, 3, 4]
    assert response.json()["levels"][4]["label"] == "expert, can teach"


def test_scale_levels_must_be_numbered_without_gaps(api_for, db, org):
    levels = [{"value": 0, "label": "none"}, {"value": 2, "label": "two"}]
    response = api_for("hr").post(list_url("scale"), {"name": "Gappy", "levels": levels}, format="json")
    assert response.status_code == 400
    assert "without gaps" in response.json()["levels"][0]


def test_scale_level_above_maximum_is_refused(api_for, db, org):
    levels = [{"value": v, "label": str(v)} for v in range(12)]
    response = api_for("hr").post(list_url("scale"), {"name": "Too long", "levels": levels}, format="json")
    assert response.status_code == 400


def test_scale_in_use_can_be_relabelled_but_keeps_its_values(api_for, catalogue):
    client = api_for("hr")
    url = detail_url("scale", catalogue.scale.pk)
    relabelled = [{"value": v, "label": f"L{v}"} for v in range(5)]
    assert client.patch(url, {"levels": relabelled}, format="json").status_code == 200
    assert ScaleLevel.objects.get(scale=catalogue.scale, value=4).label == "L4"
    shorter = [{"value": v, "label": f"L{v}"} for v in range(3)]
    response = client.patch(url, {"levels": shorter}, format="json")
    assert response.status_code == 400
    assert "relabelled" in response.json()["levels"][0]


def test_unused_scale_levels_are_replaced(api_for, db, org):
    scale = factories.ScaleFactory(name="Unused")
    response = api_for("hr").patch(detail_url("scale", scale.pk), {"levels": LEVELS[:2]}, format="json")
    assert response.status_code == 200
    assert [level["value"] for level in response.json()["levels"]] == [0, 1]


def test_role_profile_target_outside_the_scale_is_refused(api_for, catalogue):
    payload = {"name": "Expert", "requirements": [{"competency": catalogue.competency.pk, "target_level": 5}]}
    response = api_for("hr").post(list_url("role_profile"), payload, format="json")
    assert response.status_code == 400
    message = response.json()["requirements"]["0"]["target_level"][0]
    assert "is not on the scale" in message
    assert "1, 2, 3, 4" in message
    assert not RoleProfile.objects.filter(name="Expert").exists()


def test_role_profile_requirements_are_replaced(api_for, catalogue):
    url = detail_url("role_profile", catalogue.role_profile.pk)
    payload = {"requirements": [{"competency": catalogue.other_competency.pk, "target_level": 4}]}
    response = api_for("admin").patch(url, payload, format="json")
    assert response.status_code == 200
    assert response.json()["requirements"] == [
        {"competency": catalogue.other_competency.pk, "target_level": 4}
    ]


def test_role_profile_names_each_competency_once(api_for, catalogue):
    twice = [{"competency": catalogue.competency.pk, "target_level": 2}] * 2
    response = api_for("hr").post(
        list_url("role_profile"), {"name": "Twice", "requirements": twice}, format="json"
    )
    assert response.status_code == 400


def test_measure_level_range_is_checked(api_for, catalogue):
    client = api_for("hr")
    backwards = PAYLOADS["measure"](catalogue) | {
        "competencies": [{"competency": catalogue.competency.pk, "from_level": 3, "to_level": 2}]
    }
    response = client.post(list_url("measure"), backwards, format="json")
    assert response.status_code == 400
    beyond = PAYLOADS["measure"](catalogue) | {
        "competencies": [{"competency": catalogue.competency.pk, "from_level": 3, "to_level": 7}]
    }
    response = client.post(list_url("measure"), beyond, format="json")
    assert response.status_code == 400
    assert response.json()["competencies"]["0"]["to_level"] == [
        "Level 7 is not on the scale of Heat pump diagnostics (allowed: 0, 1, 2, 3, 4)."
    ]


def test_negative_cost_is_refused(api_for, catalogue):
    payload = PAYLOADS["measure"](catalogue) | {"cost": "-1.00"}
    assert api_for("hr").post(list_url("measure"), payload, format="json").status_code == 400


def test_competency_validity_needs_a_certificate(api_for, catalogue):
    payload = PAYLOADS["competency"](catalogue) | {"validity_months": 24}
    response = api_for("hr").post(list_url("competency"), payload, format="json")
    assert response.status_code == 400
    assert "certificate" in response.json()["validity_months"][0]
    payload["requires_certificate"] = True
    assert api_for("hr").post(list_url("competency"), payload, format="json").status_code == 201


def test_competency_name_is_unique_within_its_category(api_for, catalogue):
    payload = PAYLOADS["competency"](catalogue) | {"name": catalogue.competency.name}
    response = api_for("hr").post(list_url("competency"), payload, format="json")
    assert response.status_code == 400


def test_competency_in_use_keeps_its_scale(api_for, catalogue):
    factories.AssessmentFactory(competency=catalogue.competency)
    other_scale = factories.ScaleFactory(name="Other")
    url = detail_url("competency", catalogue.competency.pk)
    response = api_for("hr").patch(url, {"scale": other_scale.pk}, format="json")
    assert response.status_code == 400
    assert Competency.objects.get(pk=catalogue.competency.pk).scale == catalogue.scale


def test_competencies_filter_by_category(api_for, catalogue):
    factories.CompetencyFactory(name="Elsewhere")
    response = api_for("employee").get(list_url("competency"), {"category": catalogue.category.pk})
    names = [row["name"] for row in response.json()["results"]]
    assert sorted(names) == ["Customer conversation", "Heat pump diagnostics"]


def test_competencies_order_by_name_descending(api_for, catalogue):
    response = api_for("employee").get(list_url("competency"), {"ordering": "-name"})
    assert [row["name"] for row in response.json()["results"]] == [
        "Heat pump diagnostics",
        "Customer conversation",
    ]


def test_measures_filter_by_competency_and_kind(api_for, catalogue):
    factories.MeasureFactory(title="Rotation", kind="job_rotation")
    client = api_for("lead_a")
    by_competency = client.get(list_url("measure"), {"competency": catalogue.competency.pk}).json()
    assert [row["title"] for row in by_competency["results"]] == ["Heat pump basics"]
    by_kind = client.get(list_url("measure"), {"kind": "job_rotation"}).json()
    assert [row["title"] for row in by_kind["results"]] == ["Rotation"]


def test_deleting_a_category_in_use_is_a_conflict(api_for, catalogue):
    response = api_for("hr").delete(detail_url("category", catalogue.category.pk))
    assert response.status_code == 409
    assert "cannot be deleted" in response.json()["detail"]


def test_hr_deletes_an_unused_entry(api_for, catalogue):
    unused = factories.CategoryFactory(name="Unused")
    assert api_for("hr").delete(detail_url("category", unused.pk)).status_code == 204
    assert api_for("hr").get(detail_url("category", unused.pk)).status_code == 404


def test_writing_a_read_only_field_is_refused(api_for, catalogue):
    payload = PAYLOADS["category"](catalogue) | {"id": 999}
    response = api_for("hr").post(list_url("category"), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"id": ["This field is read-only."]}


def test_unknown_field_is_refused(api_for, catalogue):
    payload = PAYLOADS["category"](catalogue) | {"colour": "red"}
    response = api_for("hr").post(list_url("category"), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"colour": ["Unknown field."]}


def test_malformed_json_is_a_400_with_message(api_for, catalogue):
    response = api_for("hr").post(list_url("category"), '{"name": "x",', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_wrong_content_type_is_a_415(api_for, catalogue):
    response = api_for("hr").post(
        list_url("category"), "name=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]


def test_patch_replacing_rows_needs_whole_rows(api_for, catalogue):
    url = detail_url("role_profile", catalogue.role_profile.pk)
    response = api_for("hr").patch(url, {"requirements": [{"target_level": 2}]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"requirements": {"0": {"competency": ["This field is required."]}}}
