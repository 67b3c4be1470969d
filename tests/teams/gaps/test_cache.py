"""Cached gap analyses (teams.gaps.cache): a write that changes the analysis' input shows in the very next
response, whichever way it is written; what it does not touch stays cached."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies import hooks as competency_hooks
from competencies.models import Assessment
from competencies.services import assessment_record
from qualification.models import PlanItem, QualificationPlan
from teams import tasks
from teams.gaps import cache
from teams.models import Membership
from tests import factories
from tests.teams.test_dashboard_views import dashboard_url, json_figure


def gap_url(team):
    return reverse("api:team_gap_analysis", kwargs={"team_id": team.pk})


@pytest.fixture
def heat_pump(org):
    competency = factories.CompetencyFactory(name="Heat pump diagnostics")
    factories.TeamRequirementFactory(team=org.team_a, competency=competency, required_level=3, min_people=1)
    return competency


def requirement(report, competency):
    return next(r for r in report["requirements"] if r["competency"]["id"] == competency.pk)


def test_recording_an_assessment_changes_the_next_gap_api_response(client_for, org, heat_pump):
    client = client_for("lead_a")
    assert requirement(client.get(gap_url(org.team_a)).json(), heat_pump)["holders"] == []
    assessment_record(
        employee=org.colleague,
        competency=heat_pump,
        level=3,
        source=Assessment.Source.MANAGER,
        assessed_on=timezone.localdate(),
        assessed_by=org.users["lead_a"],
    )
    assert requirement(client.get(gap_url(org.team_a)).json(), heat_pump)["holders"] == [org.colleague.pk]


def test_recording_an_assessment_changes_the_next_dashboard(client_for, org, heat_pump):
    client = client_for("lead_a")
    before = client.get(dashboard_url(org.team_a))
    assert before.context["counts"]["gaps"] == 1
    factories.AssessmentFactory(employee=org.colleague, competency=heat_pump, level=4)
    after = client.get(dashboard_url(org.team_a))
    assert after.context["counts"]["gaps"] == 0
    # The cached part of the page (charts and tables) is the new one too.
    texts = [cell for row in json_figure(after, "heatmap-figure")["data"][0]["text"] for cell in row]
    assert "4" in texts
    assert texts != [cell for row in json_figure(before, "heatmap-figure")["data"][0]["text"] for cell in row]


def test_a_second_look_is_served_from_the_cache(client_for, org, heat_pump):
    client = client_for("lead_a")
    with CaptureQueriesContext(connection) as first:
        client.get(gap_url(org.team_a))
    with CaptureQueriesContext(connection) as second:
        client.get(gap_url(org.team_a))
    analysis = [q["sql"] for q in second.captured_queries if "competencies_assessment" in q["sql"]]
    assert analysis == []
    assert len(second.captured_queries) < len(first.captured_queries)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda org, c: factories.MembershipFactory(team=org.team_a), id="member joins"),
        pytest.param(
            lambda org, c: Membership.objects.filter(employee=org.colleague).delete(), id="member leaves"
        ),
        pytest.param(
            lambda org, c: factories.TeamRequirementFactory(
                team=org.team_a, competency=factories.CompetencyFactory()
            ),
            id="requirement added",
        ),
        pytest.param(lambda org, c: _rename(c), id="competency renamed"),
        pytest.param(lambda org, c: _rename(org.colleague), id="member renamed"),
        pytest.param(lambda org, c: _rename(org.team_a), id="team renamed"),
    ],
)
def test_changes_to_the_input_show_in_the_next_response(client_for, org, heat_pump, change):
    client = client_for("lead_a")
    before = client.get(gap_url(org.team_a)).json()
    change(org, heat_pump)
    assert client.get(gap_url(org.team_a)).json() != before


def _rename(instance):
    instance.name = f"{instance.name} (renamed)"
    instance.save()


def test_a_membership_moved_to_another_team_changes_both(client_for, org, heat_pump):
    client = client_for("hr")
    before_a, before_b = client.get(gap_url(org.team_a)).json(), client.get(gap_url(org.team_b)).json()
    membership = Membership.objects.get(employee=org.colleague, team=org.team_a)
    membership.team = org.team_b
    membership.save()
    assert client.get(gap_url(org.team_a)).json()["members"] != before_a["members"]
    assert client.get(gap_url(org.team_b)).json()["members"] != before_b["members"]


def test_a_department_follows_changes_in_the_teams_below_it(client_for, org, heat_pump):
    client = client_for("lead_dept")
    before = client.get(gap_url(org.department)).json()
    factories.AssessmentFactory(employee=org.colleague, competency=heat_pump, level=3)
    assert client.get(gap_url(org.department)).json()["coverage"] > before["coverage"]


def test_assessments_written_in_bulk_are_announced_by_their_writer(client_for, org, heat_pump):
    """bulk_create and COPY send no model signals; the services tell competencies.hooks instead."""
    client = client_for("lead_a")
    client.get(gap_url(org.team_a))
    Assessment.objects.bulk_create(
        [
            Assessment(
                employee=org.colleague,
                competency=heat_pump,
                level=3,
                source=Assessment.Source.MANAGER,
                assessed_on=timezone.localdate(),
            )
        ]
    )
    competency_hooks.levels_changed(employee_ids=[org.colleague.pk])
    assert requirement(client.get(gap_url(org.team_a)).json(), heat_pump)["covered"] == 1


def test_self_assessment_submitted_shows_in_the_team_analysis(client_for, org, heat_pump):
    from competencies.services import self_assessment_submit

    client = client_for("lead_a")
    assert requirement(client.get(gap_url(org.team_a)).json(), heat_pump)["near_holders"] == []
    self_assessment_submit(
        employee=org.employee,
        user=org.users["employee"],
        entries={heat_pump.pk: {"level": 2, "note": "", "grow": False, "target": None}},
        version=0,
    )
    assert requirement(client.get(gap_url(org.team_a)).json(), heat_pump)["near_holders"] == [org.employee.pk]


def test_an_agreed_plan_moves_the_forecast(client_for, org, heat_pump):
    client = client_for("lead_a")
    before = json_figure(client.get(dashboard_url(org.team_a)), "trend-figure")
    plan = factories.QualificationPlanFactory(employee=org.colleague, status=QualificationPlan.Status.AGREED)
    factories.PlanItemFactory(
        plan=plan,
        competency=heat_pump,
        target_level=3,
        due_date=timezone.localdate() + datetime.timedelta(days=40),
        status=PlanItem.Status.OPEN,
    )
    assert json_figure(client.get(dashboard_url(org.team_a)), "trend-figure") != before


@pytest.mark.django_db(transaction=True)
def test_a_change_in_another_team_keeps_this_teams_result(org, heat_pump):
    newcomer = factories.EmployeeFactory()
    names = [cache.CATALOGUE, cache.team(org.team_a.pk), cache.team(org.department.pk)]
    catalogue, team_a, department = cache.versions(names)
    factories.AssessmentFactory(employee=org.member_b, competency=heat_pump, level=4)
    factories.MembershipFactory(team=org.team_b, employee=newcomer)
    after = cache.versions(names)
    assert after[:2] == (catalogue, team_a)
    # The department rolls team B up.
    assert after[2] != department


@pytest.mark.django_db(transaction=True)
def test_a_change_is_published_for_everyone_when_it_commits():
    team = factories.TeamFactory()
    name = cache.team(team.pk)
    (before,) = cache.versions([name])
    seen_elsewhere = []
    with transaction.atomic():
        cache.changed(team_ids=[team.pk])
        # Another thread (another request) still reads the old version: the data is not committed.
        reader = threading.Thread(target=lambda: seen_elsewhere.extend(cache.versions([name])))
        reader.start()
        reader.join()
        # The writer itself reads what it wrote.
        (inside,) = cache.versions([name])
    assert seen_elsewhere == [before]
    assert inside != before
    # Published again on commit: whatever was cached under ``inside`` meanwhile may be old data.
    assert cache.versions([name]) not in ((before,), (inside,))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_published():
    team = factories.TeamFactory()
    (catalogue,) = cache.versions([cache.CATALOGUE])
    with pytest.raises(RuntimeError), transaction.atomic():
        cache.changed(everything=True)
        raise RuntimeError
    assert cache.versions([cache.CATALOGUE]) == (catalogue,)
    with transaction.atomic():
        cache.changed(team_ids=[team.pk])
    assert cache.versions([cache.CATALOGUE]) == (catalogue,)


def test_a_worker_computes_the_organisation_analyses_ahead_of_hr(client_for, org, heat_pump):
    tasks.organisation_analyses_warm()
    client = client_for("hr")
    for url in (reverse("home"), reverse("teams:organisation")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q for q in queries.captured_queries if "competencies_assessment" in q["sql"]], url
