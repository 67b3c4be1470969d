"""The API's contract with its clients, as the schema states it and as the endpoints behave: every status
an operation can answer is documented with its body; request bodies take exactly the fields the schema
lists."""

import pytest
from django.urls import reverse

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
