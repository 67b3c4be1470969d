"""The seed_demo command: the story organisation, the synthetic one, and the guards around both."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest
from django.test import override_settings
from django.utils import timezone

from competencies.models import Assessment, Category, Competency, Employee, ScaleLevel
from competencies.roles import ADMIN_GROUP, HR_GROUP
from qualification.demo import DEMO_PASSWORD
from qualification.models import Measure
from teams.gaps.report import gap_reports
from teams.gaps.team import team_dashboard
from teams.models import Membership, Team, TeamRequirement

SMALL_ORG = ["--employees", "40", "--teams", "4", "--competencies", "12", "--assessed", "5", "--history", "2"]


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything a synthetic organisation is made of, in a form that does not depend on ids."""
    return {
        "assessments": sorted(
            Assessment.objects.values_list(
                "employee__personnel_no", "competency__name", "level", "source", "assessed_on", "valid_until"
            )
        ),
        "memberships": sorted(
            Membership.objects.values_list("employee__personnel_no", "team__name", "start")
        ),
        "requirements": sorted(
            TeamRequirement.objects.values_list(
                "team__name", "competency__name", "required_level", "min_people"
            )
        ),
        "employees": sorted(Employee.objects.values_list("personnel_no", "name", "role_profile__name")),
    }


def counts():
    return (
        Employee.objects.count(),
        Team.objects.count(),
        Assessment.objects.count(),
        Measure.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_builds_department_tree_and_catalogue():
    seed()

    department = Team.objects.get(parent=None)
    assert department.name == "Kundendienst"
    assert set(department.children.values_list("name", flat=True)) == {
        "Hotline (1st level)",
        "Technical Support (2nd level)",
        "Field Service North",
        "Field Service South",
    }
    assert 30 <= Employee.objects.count() <= 60
    assert Employee.objects.filter(personnel_no="P-0001").exists()
    assert 25 <= Competency.objects.count() <= 40
    assert set(Category.objects.values_list("family", flat=True)) == set(Category.Family.values)
    assert list(ScaleLevel.objects.values_list("value", "label")) == [
        (0, "None"),
        (1, "Basic knowledge"),
        (2, "Works with guidance"),
        (3, "Works independently"),
        (4, "Expert, can teach"),
    ]
    assert Competency.objects.filter(requires_certificate=True, validity_months__isnull=False).count() >= 2
    assert set(Measure.objects.values_list("kind", flat=True)) == set(Measure.Kind.values)
    assert 15 <= Measure.objects.count() <= 25
    assert set(TeamRequirement.objects.values_list("weight", flat=True)) == {1, 2, 3}


def signs_in(client, username):
    """The demo password opens ``username``'s account (login throttling needs the request it checks)."""
    return client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_logins_work_and_have_their_roles(client):
    output = seed()

    for username in ("head", "lead", "employee", "hr", "admin"):
        assert signs_in(client, username), username
        assert username in output
    assert DEMO_PASSWORD in output
    users = {user.username: user for user in get_user_model().objects.select_related("employee")}
    north = Team.objects.get(name="Field Service North")
    assert list(north.leads.all()) == [users["lead"]]
    assert list(Team.objects.get(name="Kundendienst").leads.all()) == [users["head"]]
    assert north.memberships.filter(employee=users["employee"].employee).exists()
    assert users["hr"].groups.filter(name=HR_GROUP).exists()
    assert users["admin"].is_superuser and users["admin"].groups.filter(name=ADMIN_GROUP).exists()
    assert all(users[name].employee for name in ("head", "lead", "employee", "hr", "admin"))


@pytest.mark.django_db
def test_demo_story_has_gaps_single_points_near_holders_and_expiring_certificates():
    seed()
    today = timezone.localdate()
    north = Team.objects.get(name="Field Service North")

    (report,) = gap_reports(teams=[north], on=today)
    statuses = {requirement["status"] for requirement in report["requirements"]}
    assert {"gap", "single_point", "ok"} <= statuses
    assert any(
        requirement["near_holders"]
        for requirement in report["requirements"]
        if requirement["status"] == "gap"
    )
    (in_60_days,) = gap_reports(teams=[north], on=today + timedelta(days=60))
    assert in_60_days["coverage"] < report["coverage"]  # certificates run out

    certificates = Assessment.objects.filter(source=Assessment.Source.CERTIFICATE)
    assert certificates.filter(valid_until__lt=today).exists()
    assert certificates.filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=60)).exists()
    assert not certificates.filter(valid_until__isnull=True).exists()
    lead = get_user_model().objects.get(username="lead")
    north_members = north.memberships.values("employee")
    manager_rows = Assessment.objects.filter(source=Assessment.Source.MANAGER, employee__in=north_members)
    assert manager_rows.filter(assessed_by=lead).exists()
    assert Assessment.objects.filter(assessed_on__lt=today - timedelta(days=300)).exists()
    assert not Assessment.objects.filter(assessed_on__gt=today).exists()


@pytest.mark.django_db
def test_demo_trend_has_the_history_a_real_team_has():
    """The twelve-month trend of each demo team starts from earlier reviews (it started at 0–35 %) and
    moves by steps a team plausibly takes in a month."""
    seed()
    today = timezone.localdate()
    for team in Team.objects.filter(children__isnull=True):
        trend = [point["coverage"] for point in team_dashboard(team=team, on=today)["trend"]]
        assert trend[0] >= 0.5, (team.name, trend)
        assert max(abs(b - a) for a, b in zip(trend, trend[1:], strict=False)) <= 0.2, (team.name, trend)


@pytest.mark.django_db
def test_seed_demo_refuses_non_empty_database():
    seed()
    before = counts()

    with pytest.raises(CommandError, match="--reset"):
        seed()

    assert counts() == before


@pytest.mark.django_db
def test_seed_demo_refuses_taken_demo_username_until_reset(client):
    get_user_model().objects.create_user(username="admin", password="something-else")

    with pytest.raises(CommandError, match="admin"):
        seed()
    assert not Employee.objects.exists()

    seed("--reset")
    assert signs_in(client, "admin")


@pytest.mark.django_db
def test_seed_demo_reset_rebuilds(client):
    seed()
    before = counts()
    first_ids = set(Employee.objects.values_list("pk", flat=True))

    seed("--reset")

    assert counts() == before
    assert not first_ids & set(Employee.objects.values_list("pk", flat=True))
    assert get_user_model().objects.filter(username="lead").count() == 1
    assert signs_in(client, "lead")


@pytest.mark.django_db
def test_seed_demo_if_empty_is_a_no_op_on_existing_data():
    seed()
    before = counts()
    last_assessment = Assessment.objects.latest("pk").pk

    output = seed("--if-empty")

    assert counts() == before
    assert Assessment.objects.latest("pk").pk == last_assessment
    assert "nothing was changed" in output
    assert "employee" in output and DEMO_PASSWORD in output


@pytest.mark.django_db
def test_seed_demo_if_empty_builds_an_empty_database():
    seed("--if-empty")

    assert Team.objects.filter(name="Kundendienst").exists()


@pytest.mark.django_db
def test_synthetic_seed_gives_requested_counts():
    output = seed(*SMALL_ORG, "--requirements", "6")

    assert Employee.objects.count() == 40
    assert Team.objects.filter(parent__isnull=False).count() == 4
    assert Team.objects.filter(parent__isnull=True).exists()
    assert Competency.objects.count() == 12
    assert TeamRequirement.objects.count() == 4 * 6
    assessed_people = Employee.objects.filter(assessments__isnull=False).distinct().count()
    assert assessed_people == 40 - 2  # everyone but the HR and admin logins
    assert Assessment.objects.count() == assessed_people * 5 * 2
    assert set(Assessment.objects.values_list("source", flat=True)) >= {"self", "manager"}
    assert Membership.objects.filter(team__parent__isnull=False).values("team").distinct().count() == 4
    assert "40" in output


@pytest.mark.django_db
def test_synthetic_seed_caps_assessed_and_requirements_at_competencies():
    seed("--employees", "20", "--teams", "2", "--competencies", "3", "--history", "1")

    assert TeamRequirement.objects.count() == 2 * 3
    assert Assessment.objects.count() == (20 - 2) * 3


@pytest.mark.django_db
def test_synthetic_seed_is_deterministic_for_the_same_seed():
    seed(*SMALL_ORG, "--seed", "7")
    first = snapshot()

    seed(*SMALL_ORG, "--seed", "7", "--reset")
    again = snapshot()
    seed(*SMALL_ORG, "--seed", "8", "--reset")
    other = snapshot()

    assert first == again
    assert first["assessments"] != other["assessments"]


@pytest.mark.django_db
def test_synthetic_seed_logins_work(client):
    seed(*SMALL_ORG)

    for username in ("head", "lead", "employee", "hr", "admin"):
        assert signs_in(client, username), username
    lead = get_user_model().objects.get(username="lead")
    employee = Employee.objects.get(user__username="employee")
    assert Membership.objects.filter(employee=employee, team__leads=lead).exists()


@pytest.mark.django_db
@override_settings(SETTINGS_MODULE="servicelead.settings.production", DEBUG=False)
def test_seed_demo_refuses_production_settings():
    with pytest.raises(CommandError, match="--force"):
        seed()

    assert not Employee.objects.exists()


@pytest.mark.django_db
@override_settings(SETTINGS_MODULE="servicelead.settings.production", DEBUG=False)
def test_seed_demo_runs_with_production_settings_when_forced():
    seed("--force")

    assert Employee.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments",
    [
        ["--employees", "0"],
        ["--employees", "100", "--teams", "-1"],
        ["--employees", "100", "--competencies", "100000"],
        ["--employees", "100", "--history", "13"],
        ["--employees", "10", "--teams", "10"],
        ["--assessed", "5"],
        ["--seed", "-1"],
    ],
)
def test_seed_demo_rejects_invalid_arguments(arguments):
    with pytest.raises(CommandError):
        seed(*arguments)

    assert not Employee.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_seeding_on_postgresql_leaves_the_bulk_loaded_tables_vacuumed():
    """VACUUM marks the freshly copied pages all-visible (pg_class.relallvisible), which whole-organisation
    reads through the effective-level index need; ANALYZE alone leaves it at 0."""
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    seed(*SMALL_ORG, "--requirements", "6")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)",
            [
                [
                    "competencies_assessment",
                    "teams_membership",
                    "teams_teamrequirement",
                    "competencies_interest",
                ]
            ],
        )
        tables = cursor.fetchall()
    assert len(tables) == 4
    for name, pages, visible in tables:
        assert pages > 0 and visible == pages, name
