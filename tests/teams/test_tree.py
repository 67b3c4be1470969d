"""teams.tree: one reading of the team tree, its walks, and what a loop in it does."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from teams.models import Team
from teams.tree import TeamTree, TeamTreeLoop, team_parent_check
from tests.factories import TeamFactory

# 1 ─┬─ 2 ─── 4
#    └─ 3
# 5
ROWS = [(1, None), (2, 1), (3, 1), (4, 2), (5, None)]


def test_tree_walks_down_and_up():
    tree = TeamTree(ROWS)
    assert tree.roots() == [1, 5]
    assert tree.children(1) == [2, 3]
    assert tree.parent(4) == 2
    assert tree.subtree(1) == [1, 2, 3, 4]
    assert tree.subtree(3) == [3]
    assert tree.ancestors([4]) == {4, 2, 1}
    assert tree.ancestors([3, 5]) == {3, 1, 5}
    assert tree.depth_first() == [(1, 0), (2, 1), (4, 2), (3, 1), (5, 0)]
    assert tree.loops() == set()


def test_department_of_a_team_is_its_parent_and_a_top_level_team_is_its_own():
    tree = TeamTree(ROWS)
    assert tree.department_of(4) == 2
    assert tree.department_team_ids(4) == (2, 4)
    assert tree.department_of(2) == 1
    assert tree.department_team_ids(2) == (1, 2, 3, 4)
    assert tree.department_of(1) == 1
    assert tree.department_team_ids(5) == (5,)


def test_team_with_unknown_parent_is_a_root():
    tree = TeamTree([(1, 99), (2, 1)])
    assert tree.roots() == [1]
    assert tree.depth_first() == [(1, 0), (2, 1)]


def test_children_keep_the_order_of_the_rows():
    tree = TeamTree([(3, None), (1, None), (2, 3)])
    assert tree.depth_first() == [(3, 0), (2, 1), (1, 0)]


@pytest.mark.parametrize(
    "walk",
    [
        lambda tree: tree.subtree(2),
        lambda tree: tree.ancestors([4]),
        lambda tree: tree.depth_first(),
        lambda tree: tree.department_team_ids(3),
    ],
)
def test_every_walk_of_a_loop_raises_instead_of_running_forever(walk):
    # 2 → 3 → 4 → 2, and 5 hangs below the loop.
    tree = TeamTree([(1, None), (2, 4), (3, 2), (4, 3), (5, 4)])
    with pytest.raises(TeamTreeLoop) as raised:
        walk(tree)
    assert raised.value.team_ids == [2, 3, 4]
    assert "2, 3, 4" in str(raised.value)


def test_walks_beside_a_loop_still_work():
    tree = TeamTree([(1, None), (6, 1), (2, 3), (3, 2)])
    assert tree.subtree(1) == [1, 6]
    assert tree.ancestors([6]) == {1, 6}
    assert tree.loops() == {2, 3}


def test_tree_is_read_in_one_query(db, django_assert_num_queries):
    department = TeamFactory()
    team = TeamFactory(parent=department)
    with django_assert_num_queries(1):
        tree = TeamTree.load(fields=["name"])
    assert tree.subtree(department.pk) == sorted([department.pk, team.pk])
    assert tree.extra[team.pk] == (team.name,)


def test_parent_check_refuses_the_team_itself_and_teams_below_it(db):
    department = TeamFactory()
    team = TeamFactory(parent=department)
    below = TeamFactory(parent=team)
    for parent in (department, team, below):
        with pytest.raises(ValidationError, match="below itself"):
            team_parent_check(team=department, parent=parent)
    team_parent_check(team=below, parent=department)
    team_parent_check(team=department, parent=None)


def _loop(a, b):
    """A loop brought in around the writers, as a restore of raw rows would."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Team._meta.db_table} SET parent_id = %s WHERE id = %s", [b.pk, a.pk])  # noqa: S608


def test_parent_check_lets_a_loop_from_outside_be_repaired(db):
    a = TeamFactory()
    b = TeamFactory(parent=a)
    other = TeamFactory()
    _loop(a, b)
    team_parent_check(team=a, parent=other)
    with pytest.raises(ValidationError):
        team_parent_check(team=a, parent=b)


def test_admin_form_refuses_a_parent_below_the_team(org, client):
    client.force_login(org.users["admin"])
    department = org.department
    response = client.post(
        reverse("admin:teams_team_change", args=[department.pk]),
        {
            "name": department.name,
            "description": "",
            "parent": org.team_a.pk,
            "requirements-TOTAL_FORMS": "0",
            "requirements-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "below itself or one of its sub-teams" in response.content.decode()
    department.refresh_from_db()
    assert department.parent_id is None


def test_gap_report_all_on_a_tree_with_a_loop_is_a_command_error(org):
    _loop(org.department, org.team_a)
    with pytest.raises(CommandError, match="loop"):
        call_command("gap_report", "--all", "--date", "2026-11-27", stdout=io.StringIO())


def test_gap_report_beside_a_loop_still_answers(org):
    outside = TeamFactory()
    _loop(org.department, org.team_a)
    out = io.StringIO()
    call_command("gap_report", "--team", str(outside.pk), "--date", "2026-11-27", stdout=out)
    assert json.loads(out.getvalue())["team"]["id"] == outside.pk


def test_gap_analysis_api_on_a_team_in_a_loop_is_a_409_json_error(org, client_for):
    _loop(org.department, org.team_a)
    path = reverse("api:team_gap_analysis", kwargs={"team_id": org.department.pk})
    response = client_for("hr").get(f"{path}?date={datetime.date(2026, 11, 27)}")
    assert response.status_code == 409
    assert "loop" in response.json()["detail"]


@pytest.mark.parametrize("page", ["home", "teams:organisation"])
def test_pages_walking_a_loop_explain_it_instead_of_failing(org, client_for, page):
    _loop(org.department, org.team_a)
    response = client_for("hr").get(reverse(page))
    assert response.status_code == 409
    text = response.content.decode()
    assert "The team tree has a loop" in text
    assert org.department.name in text and org.team_a.name in text
