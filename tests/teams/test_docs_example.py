"""The worked example of docs/gap-analysis.md, built with the factories: the JSON objects printed in the doc
are what ``manage.py gap_report`` and the API answer, so the doc cannot drift from the code.

The doc's JSON blocks follow ``<!-- example: NAME -->`` markers and are read from the doc itself. Every key
the doc shows must be in the answer with the same value (extra keys may be added, as the contract allows)."""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from competencies.models import Assessment
from competencies.roles import HR_GROUP
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    MembershipFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    TeamFactory,
    TeamRequirementFactory,
    UserFactory,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "gap-analysis.md"
D = datetime.date(2026, 11, 27)
MANAGER, SELF, CERTIFICATE, IMPORT = (
    Assessment.Source.MANAGER,
    Assessment.Source.SELF,
    Assessment.Source.CERTIFICATE,
    Assessment.Source.IMPORT,
)


def doc_example(name):
    """The JSON block after ``<!-- example: name -->`` in docs/gap-analysis.md."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- example: {re.escape(name)} -->\s*```json\n(.*?)\n```", text, re.DOTALL)
    assert match, f"docs/gap-analysis.md has no JSON block marked 'example: {name}'"
    return json.loads(match.group(1))


def assert_shows(documented, actual, where="$"):
    """Every key and value of ``documented`` is in ``actual``; lists have the same length and order."""
    if isinstance(documented, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in documented.items():
            assert key in actual, f"{where}: key {key!r} missing in {sorted(actual)}"
            assert_shows(value, actual[key], f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(documented) == len(actual), f"{where}: {len(documented)} items documented, got {actual!r}"
        for index, (value, found) in enumerate(zip(documented, actual, strict=True)):
            assert_shows(value, found, f"{where}[{index}]")
    else:
        assert documented == actual, f"{where}: documented {documented!r}, got {actual!r}"


@pytest.fixture
def example(db):
    """The organisation of the worked example, with the ids the doc shows."""
    department = TeamFactory(id=1, name="Customer Service")
    north = TeamFactory(id=2, name="Field Service North", parent=department)
    south = TeamFactory(id=3, name="Field Service South", parent=department)

    heat_pump = CompetencyFactory(id=31, name="Heat pump diagnostics")
    conversation = CompetencyFactory(id=32, name="Customer conversation")
    complaints = CompetencyFactory(id=33, name="Complaint handling")

    technician = RoleProfileFactory(name="Service technician")
    RoleRequirementFactory(role_profile=technician, competency=heat_pump, target_level=3)
    RoleRequirementFactory(role_profile=technician, competency=conversation, target_level=2)
    head = RoleProfileFactory(name="Head of customer service")
    RoleRequirementFactory(role_profile=head, competency=complaints, target_level=3)

    def person(pk, name, role_profile):
        return EmployeeFactory(id=pk, personnel_no=f"P-{pk:04d}", name=name, role_profile=role_profile)

    anna = person(11, "Anna Albers", technician)
    ben = person(12, "Ben Brandt", technician)
    cem = person(13, "Cem Celik", technician)
    dora = person(14, "Dora Diehl", technician)
    ulla = person(15, "Ulla Ulrich", head)
    erik = person(16, "Erik Engel", technician)

    since = datetime.date(2026, 1, 1)
    for employee in (anna, ben, cem):
        MembershipFactory(employee=employee, team=north, start=since)
    MembershipFactory(employee=dora, team=south, start=since)
    MembershipFactory(employee=ulla, team=department, start=since)
    MembershipFactory(employee=erik, team=north, start=since, end=datetime.date(2026, 9, 30))

    TeamRequirementFactory(team=department, competency=complaints, required_level=2, min_people=1, weight=2)
    TeamRequirementFactory(team=north, competency=heat_pump, required_level=3, min_people=2, weight=3)
    TeamRequirementFactory(team=north, competency=conversation, required_level=2, min_people=1, weight=1)
    TeamRequirementFactory(team=south, competency=heat_pump, required_level=2, min_people=2, weight=2)

    def assess(employee, competency, level, source, on, valid_until=None):
        AssessmentFactory(
            employee=employee,
            competency=competency,
            level=level,
            source=source,
            assessed_on=datetime.date.fromisoformat(on),
            valid_until=valid_until and datetime.date.fromisoformat(valid_until),
        )

    assess(anna, heat_pump, 3, MANAGER, "2026-05-04")
    assess(anna, conversation, 2, SELF, "2026-10-12")
    assess(ben, heat_pump, 2, MANAGER, "2026-02-01")
    assess(ben, heat_pump, 4, SELF, "2026-11-01")
    assess(ben, conversation, 2, MANAGER, "2026-06-15")
    assess(ben, conversation, 3, MANAGER, "2026-06-15")
    assess(cem, heat_pump, 2, SELF, "2026-03-01")
    assess(cem, heat_pump, 4, CERTIFICATE, "2024-10-01", valid_until="2026-09-30")
    assess(dora, heat_pump, 3, MANAGER, "2026-04-20")
    assess(dora, conversation, 2, MANAGER, "2026-04-20")
    assess(ulla, complaints, 3, MANAGER, "2026-01-10")
    assess(ulla, heat_pump, 4, CERTIFICATE, "2026-02-02", valid_until="2028-02-01")
    assess(erik, heat_pump, 3, IMPORT, "2025-12-01")
    return {"department": department, "north": north, "south": south}


def gap_report_json(team_id, on=D):
    out = io.StringIO()
    call_command("gap_report", team=team_id, date=on.isoformat(), format="json", stdout=out)
    return json.loads(out.getvalue())


def test_team_object_is_the_documented_one(example):
    assert_shows(doc_example("team"), gap_report_json(2))


def test_department_object_is_the_documented_one(example):
    assert_shows(doc_example("department"), gap_report_json(1))


def test_other_team_object_is_the_documented_one(example):
    assert_shows(doc_example("south"), gap_report_json(3))


def test_api_answers_the_documented_object(example):
    client = Client()
    client.force_login(UserFactory(groups=[HR_GROUP]))
    path = reverse("api:team_gap_analysis", kwargs={"team_id": 2})
    response = client.get(f"{path}?date={D.isoformat()}")
    assert response.status_code == 200
    assert_shows(doc_example("team"), response.json())


def test_without_unconfirmed_levels_the_documented_object(example, settings):
    settings.SERVICELEAD_COUNT_UNCONFIRMED = False
    assert_shows(doc_example("team-confirmed-only"), gap_report_json(2))


def test_on_the_earlier_date_as_documented(example):
    report = gap_report_json(2, on=datetime.date(2026, 9, 30))
    heat_pump, conversation = report["requirements"]
    assert (heat_pump["holders"], heat_pump["status"]) == ([11, 13, 16], "ok")
    assert (conversation["holders"], conversation["status"]) == ([12], "single_point")
    assert report["coverage"] == 1.0


def test_staffing_hints_as_documented(example):
    from teams.gaps.team import staffing_hints

    (hint,) = staffing_hints(team=example["north"], on=D)
    assert hint["competency"]["id"] == 31
    ranked = [(c["employee_id"], c["level"], c["coverage_drop"]) for c in hint["candidates"]]
    assert ranked == [(16, 3, 0.0), (14, 3, 0.5), (15, 4, 1.0)]


def test_what_if_as_documented(example):
    from teams.gaps.team import what_if

    result = what_if(team=example["north"], on=D, join=[14])
    assert round(result["coverage_before"], 4) == 0.5714
    assert result["coverage_after"] == 1.0
    assert result["delta_points"] == 42.9
    heat_pump = next(r for r in result["requirements"] if r["competency_id"] == 31)
    after = (heat_pump["covered_after"], heat_pump["shortfall_after"], heat_pump["status_after"])
    assert after == (2, 0, "ok")
