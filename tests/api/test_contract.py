"""The API's contract with its clients, as the schema states it and as the endpoints behave: every status
an operation can answer is documented with its body; a filter, page or search parameter that is given
must mean something (else 400 naming it); request bodies take exactly the fields the schema lists;
``page_size`` and ``search`` let a client find things without walking every page."""

import re

import pytest
from django.urls import reverse

from tests import factories

TEAMS = reverse("api:team_list")
MEASURES = reverse("api:measure_list")
COMPETENCIES = reverse("api:competency_list")
EMPLOYEES = reverse("api:employee_list")
ASSESSMENTS = reverse("api:assessment_list")
JOBS = reverse("api:job_list")


@pytest.fixture
def schema(client, db):
    response = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield f"{method.upper()} {path}", method.upper(), operation


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def expected_error_statuses(method, operation):
    places = {parameter["in"] for parameter in operation.get("parameters", [])}
    body = "requestBody" in operation
    expected = {"403", "409", "429"}
    if "query" in places or body:
        expected.add("400")
    if "path" in places or "page" in {p["name"] for p in operation.get("parameters", [])}:
        expected.add("404")
    if body:
        expected.add("415")
    return expected


# --- every status documented -----------------------------------------------------------------------


def test_every_operation_documents_the_errors_it_can_answer(schema):
    missing = {
        name: sorted(expected_error_statuses(method, operation) - set(operation["responses"]))
        for name, method, operation in operations(schema)
    }
    assert {name: codes for name, codes in missing.items() if codes} == {}


def test_error_bodies_are_documented(schema):
    for name, _method, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code >= "400":
                assert response["description"], (name, code)
                body = resolve(schema, response["content"]["application/json"]["schema"])
                assert body["type"] == "object", (name, code)
                if code != "400":
                    assert body["properties"]["detail"]["type"] == "string", (name, code)


def test_a_list_documents_a_page_beyond_the_last(schema):
    assert "404" in schema["paths"]["/api/v1/competencies/"]["get"]["responses"]


# --- filters refuse values that mean nothing -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "parameter"),
    [
        (TEAMS, "is_root=", "is_root"),
        (TEAMS, "is_root=junk", "is_root"),
        (TEAMS, "parent=", "parent"),
        (MEASURES, "competency=", "competency"),
        (MEASURES, "competency=junk", "competency"),
        (MEASURES, "is_active=maybe", "is_active"),
        (MEASURES, "kind=", "kind"),
        (EMPLOYEES, "team=", "team"),
        (ASSESSMENTS, "assessed_on_after=", "assessed_on_after"),
        (JOBS, "status=", "status"),
    ],
)
def test_filter_without_a_meaningful_value_is_a_400(api_for, catalogue, url, query, parameter):
    response = api_for("hr").get(f"{url}?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [parameter]
    assert body[parameter][0]


def test_boolean_filter_says_what_it_takes(api_for, org):
    response = api_for("hr").get(f"{TEAMS}?is_root=yes")
    assert response.json() == {"is_root": ["Enter true or false."]}


@pytest.mark.parametrize("value", ["true", "True"])
def test_boolean_filter_takes_true_as_javascript_and_python_write_it(api_for, org, value):
    roots = api_for("hr").get(TEAMS, {"is_root": value}).json()["results"]
    assert [row["id"] for row in roots] == [org.department.pk]


def test_gap_analysis_with_an_empty_date_is_a_400(api_for, org):
    url = reverse("api:team_gap_analysis", kwargs={"team_id": org.team_a.pk})
    response = api_for("hr").get(f"{url}?date=")
    assert response.status_code == 400
    assert response.json() == {"date": ["Enter a date as YYYY-MM-DD, for example 2026-11-27."]}


def test_filters_still_filter(api_for, org, catalogue):
    client = api_for("hr")
    roots = client.get(TEAMS, {"is_root": "false"}).json()["results"]
    assert {row["id"] for row in roots} == {org.team_a.pk, org.team_b.pk}
    factories.MeasureFactory(title="Unrelated")
    measures = client.get(MEASURES, {"competency": catalogue.competency.pk}).json()["results"]
    assert [row["title"] for row in measures] == ["Heat pump basics"]


def test_filters_appear_in_the_schema_with_their_types(schema):
    def parameters(path):
        listed = schema["paths"][path]["get"]["parameters"]
        return {p["name"]: p["schema"] for p in listed if p["in"] == "query"}

    assert parameters("/api/v1/teams/")["is_root"]["type"] == "boolean"
    assert parameters("/api/v1/measures/")["competency"]["type"] == "integer"
    assert parameters("/api/v1/assessments/")["assessed_on_after"]["format"] == "date"


def test_unknown_ordering_field_is_a_400(api_for, catalogue):
    response = api_for("employee").get(COMPETENCIES, {"ordering": "salary"})
    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]


def test_ordering_lists_its_fields_in_the_schema(schema):
    ordering = next(
        p for p in schema["paths"]["/api/v1/competencies/"]["get"]["parameters"] if p["name"] == "ordering"
    )
    assert "id, name, category" in ordering["description"]
    assert re.search(ordering["schema"]["pattern"], "-name,id")
    assert not re.search(ordering["schema"]["pattern"], "salary")


# --- request bodies: exactly the fields the schema lists -------------------------------------------


def test_request_bodies_allow_no_other_fields(schema):
    for name, _method, operation in operations(schema):
        if "requestBody" not in operation:
            continue
        body = resolve(schema, operation["requestBody"]["content"]["application/json"]["schema"])
        assert body["additionalProperties"] is False, name
        assert not [key for key, field in body["properties"].items() if field.get("readOnly")], name


def test_nested_request_rows_allow_no_other_fields(schema):
    scale = schema["components"]["schemas"]["ScaleRequest"]
    level = resolve(schema, scale["properties"]["levels"]["items"])
    assert level["additionalProperties"] is False


def test_unknown_nested_field_is_refused_naming_it(api_for, catalogue):
    payload = {"name": "Two steps", "levels": [{"value": 0, "label": "no"}, {"value": 1, "colour": "red"}]}
    response = api_for("hr").post(reverse("api:scale_list"), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"levels": {"1": {"colour": ["Unknown field."]}}}


# --- pages and search --------------------------------------------------------------------------------


def test_page_size_is_the_client_s_choice_up_to_500(api_for, catalogue):
    factories.CompetencyFactory.create_batch(3)
    body = api_for("employee").get(COMPETENCIES, {"page_size": 2}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert "page_size=2" in body["next"]


def test_page_size_defaults_to_50(api_for, catalogue):
    factories.CompetencyFactory.create_batch(49)
    body = api_for("employee").get(COMPETENCIES).json()
    assert len(body["results"]) == 50
    assert body["next"]


@pytest.mark.parametrize("value", ["0", "501", "-1", "many", ""])
def test_page_size_outside_1_to_500_is_a_400(api_for, catalogue, value):
    response = api_for("employee").get(f"{COMPETENCIES}?page_size={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


@pytest.mark.parametrize("value", ["0", "-3", "first", ""])
def test_page_that_is_no_page_number_is_a_400(api_for, catalogue, value):
    response = api_for("employee").get(f"{COMPETENCIES}?page={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["page"]


def test_page_beyond_the_last_is_a_404(api_for, catalogue):
    assert api_for("employee").get(COMPETENCIES, {"page": 3}).status_code == 404


def test_last_page_is_found_by_name(api_for, catalogue):
    body = api_for("employee").get(COMPETENCIES, {"page": "last", "page_size": 1}).json()
    assert body["next"] is None
    assert body["previous"]


def test_pages_appear_in_the_schema_with_their_bounds(schema):
    listed = schema["paths"]["/api/v1/competencies/"]["get"]["parameters"]
    parameters = {p["name"]: p["schema"] for p in listed}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
    assert parameters["page"]["minimum"] == 1
    assert parameters["search"]["type"] == "string"


def names(response, key="name"):
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


def test_competencies_are_found_by_name_and_description(api_for, catalogue):
    factories.CompetencyFactory(name="Refrigerant handling", description="Safe work with heat pump circuits")
    client = api_for("employee")
    assert names(client.get(COMPETENCIES, {"search": "HEAT pump"})) == [
        "Heat pump diagnostics",
        "Refrigerant handling",
    ]
    assert names(client.get(COMPETENCIES, {"search": "conversation"})) == ["Customer conversation"]


def test_employees_are_found_by_name_and_personnel_number_within_reach(api_for, org):
    factories.EmployeeFactory(name="Carla Outside", personnel_no="P-4711")
    hr = api_for("hr")
    assert names(hr.get(EMPLOYEES, {"search": "carl"})) == ["Carl Colleague", "Carla Outside"]
    assert names(hr.get(EMPLOYEES, {"search": "P-4711"})) == ["Carla Outside"]
    assert names(api_for("lead_a").get(EMPLOYEES, {"search": "carl"})) == ["Carl Colleague"]


@pytest.mark.parametrize(
    ("route", "key", "make_other"),
    [
        ("team", "name", lambda: factories.TeamFactory(name="Hotline")),
        ("measure", "title", lambda: factories.MeasureFactory(title="Hotline coaching")),
        ("role_profile", "name", lambda: factories.RoleProfileFactory(name="Hotline agent")),
        ("category", "name", lambda: factories.CategoryFactory(name="Hotline methods")),
        ("scale", "name", lambda: factories.ScaleFactory(name="Hotline steps")),
    ],
)
def test_catalogue_and_teams_are_found_by_name(api_for, org, catalogue, route, key, make_other):
    other = make_other()
    found = names(api_for("hr").get(reverse(f"api:{route}_list"), {"search": "HOTLINE"}), key)
    assert found == [getattr(other, key)]


@pytest.mark.parametrize("value", ["", "   ", ",", "heat\x00", "x" * 201])
def test_search_without_a_usable_text_is_a_400_naming_it(api_for, catalogue, value):
    response = api_for("employee").get(COMPETENCIES, {"search": value})
    assert response.status_code == 400
    assert list(response.json()) == ["search"]
