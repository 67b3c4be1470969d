"""Leader confirmation pages: the per-person review, the team queue (with bulk confirmation) and the
calibration list; who may use them, what they record, and query counts that do not grow with the
number of competencies."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.models import Assessment, AuditEntry
from competencies.services import ReviewInvalid
from teams.gaps.report import gap_report
from teams.review import register_competency_hooks
from teams.review.selectors import team_certificates_expiring
from teams.review.services import team_review_apply
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    MembershipFactory,
    TeamRequirementFactory,
    days_ago,
)

SELF = Assessment.Source.SELF
MANAGER = Assessment.Source.MANAGER


@pytest.fixture(autouse=True)
def competency_hooks():
    register_competency_hooks()


@pytest.fixture
def carl(org):
    """Carl (team A): self 3 over confirmed 2 in diagnostics, self 2 = confirmed 2 in boilers (unchanged),
    self 1 in solar (new)."""
    carl = org.colleague
    names = {}
    for name, confirmed, own in (("Diagnostics", 2, 3), ("Boilers", 2, 2), ("Solar", None, 1)):
        competency = CompetencyFactory(name=name)
        names[name] = competency
        if confirmed is not None:
            AssessmentFactory(
                employee=carl,
                competency=competency,
                level=confirmed,
                source=MANAGER,
                assessed_on=days_ago(90),
            )
        AssessmentFactory(
            employee=carl,
            competency=competency,
            level=own,
            source=SELF,
            assessed_on=days_ago(2),
            note=f"{name} note",
        )
    return {"employee": carl, **names}


def member_url(employee):
    return reverse("teams:review_member", kwargs={"employee_id": employee.pk})


def queue_url(team):
    return reverse("teams:review_queue", kwargs={"team_id": team.pk})


def rows_by_name(response):
    return {row["competency"].name: row for row in response.context["form"].row_states()}


def test_review_page_shows_self_next_to_confirmed_with_difference_and_note(client_for, carl):
    response = client_for("lead_a").get(member_url(carl["employee"]))
    assert response.status_code == 200
    rows = rows_by_name(response)
    assert (rows["Diagnostics"]["self_level"], rows["Diagnostics"]["confirmed_level"]) == (3, 2)
    assert rows["Diagnostics"]["difference"] == 1 and rows["Diagnostics"]["pending"]
    assert rows["Boilers"]["unchanged"]
    assert rows["Solar"]["confirmed_level"] is None
    content = response.content.decode()
    assert "Diagnostics note" in content
    assert "▲ +1" in content and "self-assessed higher" in content  # not colour alone
    assert response.context["unchanged_count"] == 1


def test_lead_confirms_part_and_corrects_part(client_for, carl):
    client = client_for("lead_a")
    rows = rows_by_name(client.get(member_url(carl["employee"])))
    diagnostics, solar = rows["Diagnostics"]["prefix"], rows["Solar"]["prefix"]
    response = client.post(
        member_url(carl["employee"]),
        {
            "action": "decide",
            f"{diagnostics}-action": "confirm",
            f"{diagnostics}-seen": rows["Diagnostics"]["latest_id"],
            f"{solar}-action": "adjust",
            f"{solar}-level": "0",
            f"{solar}-reason": "Has not worked on solar systems yet",
            f"{solar}-seen": rows["Solar"]["latest_id"],
        },
    )
    assert response.status_code == 302
    managed = dict(
        Assessment.objects.filter(
            employee=carl["employee"], source=MANAGER, assessed_by__username="lead_a"
        ).values_list("competency__name", "level")
    )
    assert managed == {"Diagnostics": 3, "Solar": 0}
    after = rows_by_name(client.get(member_url(carl["employee"])))
    assert not after["Diagnostics"]["pending"] and not after["Solar"]["pending"]
    assert after["Boilers"]["pending"]


def test_bulk_confirm_confirms_only_unchanged_rows(client_for, carl):
    client = client_for("lead_a")
    rows = rows_by_name(client.get(member_url(carl["employee"])))
    data = {"action": "bulk_confirm", **{f"{row['prefix']}-seen": row["latest_id"] for row in rows.values()}}
    response = client.post(member_url(carl["employee"]), data)
    assert response.status_code == 302
    confirmed = Assessment.objects.filter(source=MANAGER, assessed_by__username="lead_a")
    assert list(confirmed.values_list("competency__name", "level")) == [("Boilers", 2)]


def test_adjust_without_reason_shows_the_row_error_and_writes_nothing(client_for, carl):
    client = client_for("lead_a")
    rows = rows_by_name(client.get(member_url(carl["employee"])))
    prefix = rows["Solar"]["prefix"]
    before = Assessment.objects.count()
    response = client.post(
        member_url(carl["employee"]), {f"{prefix}-action": "adjust", f"{prefix}-level": "2"}
    )
    assert response.status_code == 200
    assert "Give a reason; the person will see it." in response.content.decode()
    assert Assessment.objects.count() == before


def test_a_confirmation_by_a_lead_of_another_team_is_404_and_writes_nothing(client_for, carl):
    rows = rows_by_name(client_for("lead_a").get(member_url(carl["employee"])))
    prefix = rows["Diagnostics"]["prefix"]
    before = Assessment.objects.count()
    entries = AuditEntry.objects.count()  # lead A's read of the page is one
    response = client_for("lead_b").post(member_url(carl["employee"]), {f"{prefix}-action": "confirm"})
    assert response.status_code == 404
    assert Assessment.objects.count() == before
    assert AuditEntry.objects.count() == entries


def test_own_review_page_is_forbidden(client_for, org):
    assert client_for("employee").get(member_url(org.employee)).status_code == 403


def test_queue_lists_waiting_self_assessments_of_the_team_and_bulk_confirms(client_for, org, carl):
    AssessmentFactory(employee=org.employee, level=2, source=SELF, assessed_on=days_ago(1))
    AssessmentFactory(employee=org.member_b, level=2, source=SELF, assessed_on=days_ago(1))  # team B
    client = client_for("lead_a")
    response = client.get(queue_url(org.team_a))
    assert response.status_code == 200
    people = {group["employee"].name: len(group["rows"]) for group in response.context["people"]}
    assert people == {"Carl Colleague": 3, "Erika Employee": 1}
    rows = list(response.context["form"].row_states())
    data = {"action": "bulk_confirm", **{f"{row['prefix']}-seen": row["latest_id"] for row in rows}}
    assert client.post(queue_url(org.team_a), data).status_code == 302
    after = client.get(queue_url(org.team_a)).context["people"]
    assert {g["employee"].name: len(g["rows"]) for g in after} == {"Carl Colleague": 2, "Erika Employee": 1}


def test_queue_decisions_for_someone_outside_the_team_are_refused(client_for, org, carl):
    own = AssessmentFactory(employee=org.member_b, level=2, source=SELF)
    prefix = f"e{org.member_b.pk}-c{own.competency_id}"
    response = client_for("hr").post(
        queue_url(org.team_a), {f"{prefix}-action": "confirm", f"{prefix}-seen": own.pk}
    )
    # The form only knows the team's rows: a foreign row is ignored, nothing is written.
    assert response.status_code == 200
    assert "No decisions were chosen." in response.content.decode()
    assert not Assessment.objects.filter(source=MANAGER, assessed_by=org.users["hr"]).exists()


def test_team_review_apply_refuses_people_outside_the_team(org, carl):
    own = AssessmentFactory(employee=org.member_b, level=2, source=SELF)
    decisions = {org.member_b.pk: [{"competency_id": own.competency_id, "action": "confirm", "seen": own.pk}]}
    with pytest.raises(ReviewInvalid, match="Only members of Field Service North"):
        team_review_apply(team=org.team_a, user=org.users["hr"], decisions=decisions)
    assert not Assessment.objects.filter(source=MANAGER, assessed_by=org.users["hr"]).exists()


def test_lead_does_not_review_themselves_in_their_own_queue(client_for, org):
    lead_employee = EmployeeFactory(name="Lena Lead", user=org.users["lead_a"])
    MembershipFactory(employee=lead_employee, team=org.team_a)
    AssessmentFactory(employee=lead_employee, level=3, source=SELF)
    response = client_for("lead_a").get(queue_url(org.team_a))
    assert "Lena Lead" not in {group["employee"].name for group in response.context["people"]}


def test_confirmations_change_the_teams_gap_analysis(client_for, org, carl):
    TeamRequirementFactory(team=org.team_a, competency=carl["Diagnostics"], required_level=3, min_people=1)
    # Unconfirmed self-assessments do not count in this deployment.
    with override_settings(SERVICELEAD_COUNT_UNCONFIRMED=False):
        assert gap_report(team=org.team_a, on=days_ago(0))["requirements"][0]["covered"] == 0
        client = client_for("lead_a")
        rows = rows_by_name(client.get(member_url(carl["employee"])))
        prefix = rows["Diagnostics"]["prefix"]
        client.post(
            member_url(carl["employee"]),
            {f"{prefix}-action": "confirm", f"{prefix}-seen": rows["Diagnostics"]["latest_id"]},
        )
        assert gap_report(team=org.team_a, on=days_ago(0))["requirements"][0]["covered"] == 1


def test_calibration_lists_the_largest_differences_first(client_for, org, carl):
    far = CompetencyFactory(name="Far apart")
    AssessmentFactory(
        employee=org.employee, competency=far, level=1, source=MANAGER, assessed_on=days_ago(50)
    )
    AssessmentFactory(employee=org.employee, competency=far, level=4, source=SELF, assessed_on=days_ago(1))
    response = client_for("lead_a").get(
        reverse("teams:review_calibration", kwargs={"team_id": org.team_a.pk})
    )
    assert response.status_code == 200
    pairs = [
        (p["employee"].name, p["competency"], p["difference"])
        for p in response.context["calibration"]["pairs"]
    ]
    assert pairs == [("Erika Employee", "Far apart", 3), ("Carl Colleague", "Diagnostics", 1)]
    people = {p["employee"].name: p["mean"] for p in response.context["calibration"]["people"]}
    assert people == {"Erika Employee": 3.0, "Carl Colleague": 0.5}


def test_team_certificates_expiring_lists_unrenewed_certificates_of_members(org):
    competency = CompetencyFactory(name="F-gas", requires_certificate=True, validity_months=24)
    certificate = Assessment.Source.CERTIFICATE
    AssessmentFactory(
        employee=org.colleague, competency=competency, level=3, source=certificate, valid_until=days_ago(-20)
    )
    renewed = AssessmentFactory(
        employee=org.employee, competency=competency, level=3, source=certificate, valid_until=days_ago(-10)
    )
    AssessmentFactory(
        employee=org.employee, competency=competency, level=3, source=certificate, valid_until=days_ago(-700)
    )
    AssessmentFactory(
        employee=org.member_b, competency=competency, level=3, source=certificate, valid_until=days_ago(-5)
    )
    found = team_certificates_expiring(team=org.team_a, on=days_ago(0))
    assert [(c["employee"]["name"], c["days_left"]) for c in found] == [("Carl Colleague", 20)]
    assert renewed.pk not in [c["assessment_id"] for c in found]


def _catalogue(org, employee, count):
    """``count`` competencies with a confirmed level and a newer self-assessment each, half required."""
    for index in range(count):
        competency = CompetencyFactory()
        AssessmentFactory(
            employee=employee, competency=competency, level=2, source=MANAGER, assessed_on=days_ago(40)
        )
        AssessmentFactory(
            employee=employee,
            competency=competency,
            level=1 + index % 4,
            source=SELF,
            assessed_on=days_ago(1),
        )
        if index % 2:
            TeamRequirementFactory(team=org.team_a, competency=competency, required_level=2)


@pytest.mark.parametrize("count", [10, 80])
def test_review_page_takes_at_most_ten_queries(client_for, org, count, django_assert_max_num_queries):
    _catalogue(org, org.colleague, count)
    client = client_for("lead_a")
    with django_assert_max_num_queries(10):
        response = client.get(member_url(org.colleague))
    assert len(response.context["form"].rows) == count


@pytest.mark.parametrize("count", [10, 80])
def test_queue_takes_at_most_ten_queries(client_for, org, count, django_assert_max_num_queries):
    _catalogue(org, org.colleague, count)
    _catalogue(org, org.employee, count // 2)
    client = client_for("lead_a")
    with django_assert_max_num_queries(10):
        response = client.get(queue_url(org.team_a))
    assert response.status_code == 200


def test_review_query_count_does_not_grow_with_competencies(client_for, org):
    counts = []
    for extra in (10, 70):
        _catalogue(org, org.colleague, extra)
        client = client_for("lead_a")
        with CaptureQueriesContext(connection) as queries:
            client.get(member_url(org.colleague))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_long_queue_is_split_into_pages_of_whole_people(client_for, org):
    _catalogue(org, org.colleague, 80)
    _catalogue(org, org.employee, 80)
    client = client_for("lead_a")
    first = client.get(queue_url(org.team_a))
    second = client.get(queue_url(org.team_a) + "?page=2")
    assert first.context["page_count"] == 2
    names = [{g["employee"].name for g in r.context["people"]} for r in (first, second)]
    assert names == [{"Carl Colleague"}, {"Erika Employee"}]
