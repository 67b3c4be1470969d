"""The leader's pages on the gap engine: team dashboard, staffing hints, what-if, department and
organisation overviews — access, bad input, the numbers they show, escaping and query counts."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from competencies.models import Assessment, Employee
from qualification.models import QualificationPlan
from teams.gaps import team as team_gaps
from teams.models import Membership, TeamRequirement
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


def dashboard_url(team, query=""):
    return reverse("teams:dashboard", kwargs={"team_id": team.pk}) + query


def what_if_url(team, query=""):
    return reverse("teams:what_if", kwargs={"team_id": team.pk}) + query


@pytest.fixture
def heat_pump(org):
    """Team A needs two people at level 3 in heat pump diagnostics (critical); both members have it."""
    competency = factories.CompetencyFactory(name="Heat pump diagnostics")
    factories.TeamRequirementFactory(
        team=org.team_a, competency=competency, required_level=3, min_people=2, weight=3
    )
    for employee in (org.employee, org.colleague):
        factories.AssessmentFactory(employee=employee, competency=competency, level=3)
    return competency


@pytest.fixture
def two_categories(org, heat_pump):
    """A second requirement of team A, in another category and only useful, that nobody meets."""
    conversation = factories.CompetencyFactory(
        name="Customer conversation", category=factories.CategoryFactory(name="People")
    )
    factories.TeamRequirementFactory(
        team=org.team_a, competency=conversation, required_level=2, min_people=1, weight=1
    )
    return heat_pump, conversation


def requirement_rows(response):
    return response.content.decode().count('class="sl-requirement-row"')


def json_figure(response, element_id):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


# Access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead_a", "lead_dept", "hr", "admin"])
def test_dashboard_renders_for_leads_of_the_team_or_a_department_above_hr_and_admin(
    client_for, org, heat_pump, role
):
    response = client_for(role).get(dashboard_url(org.team_a))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Field Service North" in content
    assert 'data-figure="trend-figure"' in content
    assert 'data-figure="heatmap-figure"' in content
    assert 'data-figure="bar-figure"' in content
    assert "plotly-4.1.2.min.js" in content


@pytest.mark.parametrize(("role", "status"), [("employee", 403), ("lead_b", 403)])
def test_dashboard_is_closed_to_employees_and_leads_of_other_teams(client_for, org, role, status):
    assert client_for(role).get(dashboard_url(org.team_a)).status_code == status


def test_dashboard_of_an_unknown_team_is_404(client_for, org):
    response = client_for("hr").get(reverse("teams:dashboard", kwargs={"team_id": org.department.pk + 99}))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("hr", 200), ("admin", 200), ("lead_dept", 403), ("employee", 403)]
)
def test_organisation_overview_is_for_hr_and_admin_only(client_for, org, heat_pump, role, status):
    assert client_for(role).get(reverse("teams:organisation")).status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("lead_dept", 200), ("hr", 200), ("lead_a", 403), ("employee", 403)]
)
def test_department_page_is_for_leads_of_the_department_and_hr(client_for, org, heat_pump, role, status):
    response = client_for(role).get(reverse("teams:department", kwargs={"team_id": org.department.pk}))
    assert response.status_code == status


@pytest.mark.parametrize("name", ["teams:staffing_hints", "teams:what_if"])
def test_fragments_keep_the_dashboards_rule(client_for, org, name):
    url = reverse(name, kwargs={"team_id": org.team_a.pk})
    assert client_for("lead_a").get(url, **HTMX).status_code == 200
    assert client_for("lead_b").get(url, **HTMX).status_code == 403
    assert client_for("employee").get(url, **HTMX).status_code == 403


# Bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        lambda org: dashboard_url(org.team_a, "?date=27.11.2026"),
        lambda org: reverse("teams:department", kwargs={"team_id": org.department.pk}) + "?date=2026-13-01",
        lambda org: reverse("teams:organisation") + "?date=yesterday",
    ],
)
def test_bad_date_is_a_400_page_with_a_message(client_for, org, url):
    response = client_for("hr").get(url(org))
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_bad_date_in_a_fragment_is_a_400_fragment(client_for, org):
    response = client_for("lead_a").get(what_if_url(org.team_a, "?date=2026-02-30"), **HTMX)
    assert response.status_code == 400
    content = response.content.decode()
    assert "YYYY-MM-DD" in content
    assert "<html" not in content


def test_unknown_filter_values_are_400(client_for, org, heat_pump):
    client = client_for("lead_a")
    assert client.get(dashboard_url(org.team_a, "?weight=7")).status_code == 400
    assert client.get(dashboard_url(org.team_a, "?category=999999")).status_code == 400


# Figures -----------------------------------------------------------------------------------------------


def test_dashboard_shows_coverage_gaps_and_the_forecast_as_its_own_line(client_for, org, two_categories):
    response = client_for("lead_a").get(dashboard_url(org.team_a))
    content = response.content.decode()
    # Heat pump: 2 of 2 (weight 3); conversation: 0 of 1 (weight 1) → 1 - 1/7.
    assert "86&nbsp;%" in content
    trend = json_figure(response, "trend-figure")
    assert len(trend["data"]) == 2
    assert trend["data"][1]["line"]["dash"] == "dash"
    assert len(trend["data"][0]["x"]) == 13
    bar = json_figure(response, "bar-figure")
    assert bar["data"][0]["x"] == [2, 1]


def test_forecast_counts_agreed_plan_items_from_their_due_date(org, heat_pump):
    Assessment.objects.filter(employee=org.colleague).delete()
    factories.AssessmentFactory(employee=org.colleague, competency=heat_pump, level=2)
    today = timezone.localdate()
    for period, target in (("2027-Q1", 3), ("2027-Q2", 4)):  # two plans aiming at the same competency
        plan = factories.QualificationPlanFactory(
            employee=org.colleague, period=period, status=QualificationPlan.Status.AGREED
        )
        factories.PlanItemFactory(
            plan=plan,
            competency=heat_pump,
            current_level=2,
            target_level=target,
            due_date=today + datetime.timedelta(days=45),
        )
    data = team_gaps.team_dashboard(team=org.team_a, on=today)
    assert data["has_projection"]
    assert data["trend"][-1]["coverage"] == pytest.approx(0.5)
    assert [round(p["coverage"], 2) for p in data["forecast"]] == [0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert data["coverage"] == pytest.approx(0.5)


def test_heatmap_marks_unconfirmed_and_unassessed_levels(client_for, org, heat_pump):
    conversation = factories.CompetencyFactory(name="Customer conversation")
    factories.TeamRequirementFactory(team=org.team_a, competency=conversation, required_level=2)
    factories.AssessmentFactory(
        employee=org.employee, competency=conversation, level=2, source=Assessment.Source.SELF
    )
    response = client_for("lead_a").get(dashboard_url(org.team_a))
    heatmap = json_figure(response, "heatmap-figure")["data"][0]
    rows = dict(zip(heatmap["y"], heatmap["text"], strict=True))
    assert rows["Erika Employee"] == ["2*", "3"] or rows["Erika Employee"] == ["3", "2*"]
    assert "–" in rows["Carl Colleague"]
    content = response.content.decode()
    assert "self-assessed, not yet confirmed" in content
    assert "Show as table" in content


def test_filters_reduce_the_requirement_rows(client_for, org, two_categories):
    heat_pump, conversation = two_categories
    client = client_for("lead_a")
    assert requirement_rows(client.get(dashboard_url(org.team_a))) == 2
    by_category = client.get(dashboard_url(org.team_a, f"?category={conversation.category_id}"))
    assert requirement_rows(by_category) == 1
    assert "Customer conversation" in json.dumps(json_figure(by_category, "heatmap-figure")["data"][0]["x"])
    by_weight = client.get(dashboard_url(org.team_a, "?weight=3"))
    assert requirement_rows(by_weight) == 1
    assert json_figure(by_weight, "bar-figure")["data"][0]["y"] == ["Heat pump diagnostics"]


def test_past_date_analyses_that_date(client_for, org, heat_pump):
    response = client_for("lead_a").get(dashboard_url(org.team_a, "?date=2020-01-01"))
    assert response.status_code == 200
    # Nobody was a member in 2020: nothing is covered.
    assert "0&nbsp;%" in response.content.decode()


def test_department_page_rolls_up_and_lists_the_worst_gap_first(client_for, org, heat_pump):
    critical = factories.CompetencyFactory(name="Flue gas measurement")
    factories.TeamRequirementFactory(team=org.team_b, competency=critical, required_level=3, weight=3)
    useful = factories.CompetencyFactory(name="Knowledge base authoring")
    factories.TeamRequirementFactory(team=org.team_b, competency=useful, required_level=1, weight=1)
    response = client_for("lead_dept").get(reverse("teams:department", kwargs={"team_id": org.department.pk}))
    content = response.content.decode()
    assert content.index("Flue gas measurement") < content.index("Knowledge base authoring")
    assert "Field Service South" in content
    assert json_figure(response, "children-figure")["data"]


def test_organisation_overview_shows_every_single_point(client_for, org, heat_pump):
    lone = factories.CompetencyFactory(name="Hydraulic balancing")
    factories.TeamRequirementFactory(team=org.team_b, competency=lone, required_level=2, weight=2)
    factories.AssessmentFactory(employee=org.member_b, competency=lone, level=2)
    response = client_for("hr").get(reverse("teams:organisation"))
    content = response.content.decode()
    assert "Hydraulic balancing" in content
    assert "Bea Member" in content
    assert json_figure(response, "organisation-figure")["data"][0]["z"]


# Staffing hints ----------------------------------------------------------------------------------------


def test_staffing_hints_suggest_only_people_the_user_may_see(client_for, org, heat_pump):
    TeamRequirement.objects.filter(team=org.team_a).update(min_people=3)
    factories.AssessmentFactory(employee=org.member_b, competency=heat_pump, level=4)
    url = reverse("teams:staffing_hints", kwargs={"team_id": org.team_a.pk})
    assert "Bea Member" in client_for("hr").get(url, **HTMX).content.decode()
    assert "Bea Member" in client_for("lead_dept").get(url, **HTMX).content.decode()
    assert "Bea Member" not in client_for("lead_a").get(url, **HTMX).content.decode()


# What-if -----------------------------------------------------------------------------------------------


def test_what_if_removing_a_holder_shows_the_coverage_drop(client_for, org, heat_pump):
    response = client_for("lead_a").get(what_if_url(org.team_a, f"?remove={org.colleague.pk}"), **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    # 2 of 2 needed → 1 of 2: 1 - 3·1 / 3·2 = 50 %.
    assert re.search(r'sl-before">100&nbsp;%.*sl-after[^>]*>50&nbsp;%', content, re.S)
    assert "-50.0" in content
    assert "Carl Colleague" in content


def test_what_if_raising_a_level_closes_a_gap(client_for, org, heat_pump):
    TeamRequirement.objects.filter(team=org.team_a).update(min_people=2)
    Assessment.objects.filter(employee=org.colleague).delete()
    query = f"?raise_member_1={org.colleague.pk}&raise_competency_1={heat_pump.pk}&raise_level_1=3"
    content = client_for("lead_a").get(what_if_url(org.team_a, query), **HTMX).content.decode()
    assert re.search(r'sl-before">50&nbsp;%.*sl-after[^>]*>100&nbsp;%', content, re.S)


def test_what_if_with_a_person_the_lead_may_not_see_is_400_and_writes_nothing(client_for, org, heat_pump):
    before = (Membership.objects.count(), Assessment.objects.count(), Employee.objects.count())
    response = client_for("lead_a").get(what_if_url(org.team_a, f"?add={org.member_b.pk}"), **HTMX)
    assert response.status_code == 400
    content = response.content.decode()
    assert "not one you may see" in content
    assert "Bea Member" not in content
    assert (Membership.objects.count(), Assessment.objects.count(), Employee.objects.count()) == before


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (lambda org, c: f"?add={org.member_b.pk + 1000}", "not one you may see"),
        (
            lambda org, c: f"?raise_member_1={org.colleague.pk}&raise_competency_1={c.pk}&raise_level_1=9",
            "level",
        ),
        (
            lambda org, c: (
                f"?raise_member_1={org.colleague.pk}&raise_competency_1={c.pk + 1000}&raise_level_1=2"
            ),
            "not required by the team",
        ),
        (lambda org, c: f"?remove={org.member_b.pk}", "not a member of the team"),
        (lambda org, c: f"?raise_member_1={org.colleague.pk}", "Choose a member, a competency and a level"),
    ],
)
def test_what_if_rejects_bad_input_with_a_message(client_for, org, heat_pump, query, message):
    response = client_for("lead_a").get(what_if_url(org.team_a, query(org, heat_pump)), **HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_what_if_level_above_the_competencys_own_scale_is_rejected(client_for, org):
    short_scale = factories.ScaleFactory(name="Short", levels=[(0, "none"), (1, "basic"), (2, "good")])
    competency = factories.CompetencyFactory(scale=short_scale)
    factories.TeamRequirementFactory(team=org.team_a, competency=competency, required_level=2)
    factories.TeamRequirementFactory(team=org.team_a, required_level=1)  # a 0–4 scale next to it
    query = f"?raise_member_1={org.colleague.pk}&raise_competency_1={competency.pk}&raise_level_1=3"
    response = client_for("lead_a").get(what_if_url(org.team_a, query), **HTMX)
    assert response.status_code == 400
    assert "Level 3 is not on the scale of" in response.content.decode()
    assert "(allowed: 1, 2)" in response.content.decode()


def test_hr_adds_people_by_personnel_number_or_name(client_for, org, heat_pump):
    TeamRequirement.objects.filter(team=org.team_a).update(min_people=3)
    factories.AssessmentFactory(employee=org.member_b, competency=heat_pump, level=3)
    client = client_for("hr")
    by_number = client.get(what_if_url(org.team_a, f"?find={org.member_b.personnel_no}"), **HTMX)
    assert by_number.status_code == 200
    assert re.search(r'sl-before">67&nbsp;%.*sl-after[^>]*>100&nbsp;%', by_number.content.decode(), re.S)
    by_name = client.get(what_if_url(org.team_a, "?find=bea memb"), **HTMX)
    assert by_name.status_code == 200
    assert "Bea Member" in by_name.content.decode()
    nobody = client.get(what_if_url(org.team_a, "?find=Nobody Here"), **HTMX)
    assert nobody.status_code == 400
    assert "No one found" in nobody.content.decode()


def test_what_if_without_javascript_renders_a_page_with_the_form(client_for, org, heat_pump):
    response = client_for("lead_a").get(what_if_url(org.team_a, f"?remove={org.colleague.pk}"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" in content
    assert 'name="remove"' in content
    assert "sl-after" in content


# Escaping and page hygiene -----------------------------------------------------------------------------


def test_names_with_markup_are_escaped_in_the_page_and_in_the_chart_data(client_for, org, heat_pump):
    evil = factories.EmployeeFactory(name="<script>alert('x')</script>")
    factories.MembershipFactory(employee=evil, team=org.team_a)
    factories.AssessmentFactory(employee=evil, competency=heat_pump, level=2)
    TeamRequirement.objects.filter(team=org.team_a).update(min_people=3)
    response = client_for("lead_a").get(dashboard_url(org.team_a))
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert" in content
    heatmap = json_figure(response, "heatmap-figure")["data"][0]
    # json_script escapes < and >; plotly gets the name HTML-escaped, so it shows it as text.
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in heatmap["y"]
    what_if = client_for("lead_a").get(what_if_url(org.team_a, f"?remove={evil.pk}"), **HTMX)
    assert "<script>alert" not in what_if.content.decode()


def test_dashboard_has_no_inline_scripts_or_styles(client_for, org, heat_pump):
    content = client_for("lead_a").get(dashboard_url(org.team_a)).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in content
    assert " on" + "click=" not in content


def test_links_to_the_dashboards(client_for, org, heat_pump):
    home = client_for("lead_a").get(reverse("home")).content.decode()
    assert dashboard_url(org.team_a) in home
    team_page = client_for("lead_dept").get(
        reverse("teams:team_detail", kwargs={"team_id": org.department.pk})
    )
    assert reverse("teams:department", kwargs={"team_id": org.department.pk}) in team_page.content.decode()
    hr_home = client_for("hr").get(reverse("home")).content.decode()
    assert reverse("teams:organisation") in hr_home
    assert reverse("teams:organisation") not in client_for("lead_a").get(reverse("home")).content.decode()


# Query counts ------------------------------------------------------------------------------------------


def grow_team(org, members, competencies):
    """Team A with ``members`` members, each assessed in every required competency."""
    extra = factories.EmployeeFactory.create_batch(members - 2)
    Membership.objects.bulk_create(
        Membership(employee=employee, team=org.team_a, start=factories.days_ago(400)) for employee in extra
    )
    people = [org.employee, org.colleague, *extra]
    Assessment.objects.bulk_create(
        Assessment(
            employee=employee,
            competency=competency,
            level=(employee.pk + competency.pk) % 5,
            source=Assessment.Source.MANAGER if employee.pk % 3 else Assessment.Source.SELF,
            assessed_on=factories.days_ago(100),
        )
        for employee in people
        for competency in competencies
    )


@pytest.fixture
def requirements(org):
    competencies = factories.CompetencyFactory.create_batch(6)
    for index, competency in enumerate(competencies):
        factories.TeamRequirementFactory(
            team=org.team_a, competency=competency, required_level=1 + index % 4, weight=1 + index % 3
        )
    return competencies


# Every request: session, user, groups; a lead also the team tree with led teams flagged; then the team,
# whether teams sit below it (a department's dashboard is its department page), and the dashboard's
# four: people and memberships, requirements, effective levels on 19 dates, planned levels; certificates
# expiring (with any, one more: the levels they leave); pending self-assessments, agreed plan items and
# interests for the "closest to closing" lists; the campaigns opened within the trend's window (markers
# on the trend); and the audit entry of the read (one INSERT naming the team, not one per member).
@pytest.mark.parametrize("members", [5, 200])
@pytest.mark.parametrize(("role", "queries"), [("lead_a", 16), ("lead_dept", 16), ("hr", 16)])
def test_dashboard_query_count_does_not_grow_with_the_team(
    client_for, org, requirements, django_assert_num_queries, members, role, queries
):
    grow_team(org, members, requirements)
    client = client_for(role)
    with django_assert_num_queries(queries):
        response = client.get(dashboard_url(org.team_a))
    assert response.status_code == 200
    assert len(json_figure(response, "heatmap-figure")["data"][0]["y"]) == members


@pytest.mark.parametrize("members", [5, 60])
def test_department_and_organisation_query_counts_do_not_grow(
    client_for, org, requirements, django_assert_num_queries, members
):
    grow_team(org, members, requirements)
    for team in factories.TeamFactory.create_batch(members // 5, parent=org.department):
        factories.TeamRequirementFactory(team=team, competency=requirements[0])
    # A single point of knowledge in team B, so the holder names are looked up at every size.
    factories.TeamRequirementFactory(team=org.team_b, competency=requirements[1], required_level=2)
    factories.AssessmentFactory(employee=org.member_b, competency=requirements[1], level=2)
    client = client_for("hr")
    with django_assert_num_queries(15):
        assert (
            client.get(reverse("teams:department", kwargs={"team_id": org.department.pk})).status_code == 200
        )
    with django_assert_num_queries(13):
        assert client.get(reverse("teams:organisation")).status_code == 200


def test_what_if_panel_offers_the_people_each_role_may_add(client_for, org, heat_pump):
    add_b = f'name="add" value="{org.member_b.pk}"'
    assert add_b in client_for("lead_dept").get(dashboard_url(org.team_a)).content.decode()
    lead_page = client_for("lead_a").get(dashboard_url(org.team_a)).content.decode()
    assert add_b not in lead_page
    assert 'name="find"' not in lead_page
    assert 'name="find"' in client_for("hr").get(dashboard_url(org.team_a)).content.decode()


def test_the_trend_marks_the_campaigns_opened_in_its_window(client_for, org, heat_pump):
    from teams.models import Campaign

    today = timezone.localdate()
    for name, opened in (("Spring <round>", 60), ("Long ago", 800)):
        campaign = Campaign.objects.create(
            name=name,
            opens_on=today - datetime.timedelta(days=opened),
            deadline=today + datetime.timedelta(days=5),
        )
        campaign.teams.set([org.team_a])
    response = client_for("lead_a").get(dashboard_url(org.team_a))
    [events] = [
        trace for trace in json_figure(response, "trend-figure")["data"] if trace["mode"] == "markers"
    ]
    assert events["text"] == ["Spring &lt;round&gt;"]  # escaped; the one before the window is left out
    assert events["x"] == [(today - datetime.timedelta(days=60)).isoformat()]
    assert "assessment campaign “Spring &lt;round&gt;” opened" in response.content.decode()
    # A campaign opened later shows although the team's figures are cached.
    Campaign.objects.create(name="Autumn", opens_on=today, deadline=today).teams.set([org.team_a])
    response = client_for("lead_a").get(dashboard_url(org.team_a))
    [events] = [
        trace for trace in json_figure(response, "trend-figure")["data"] if trace["mode"] == "markers"
    ]
    assert events["text"] == ["Spring &lt;round&gt;", "Autumn"]
