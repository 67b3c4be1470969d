"""The request's viewer: each fact about the signed-in user read once, and only the user's own."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from competencies.roles import is_admin, is_hr
from competencies.viewer import viewer_of
from teams.selectors import led_team_ids
from tests.factories import EmployeeFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as the next request loads it: a new object, nothing known yet."""
    return get_user_model().objects.get(pk=user.pk)


def test_groups_are_read_once_however_often_roles_are_checked(django_assert_num_queries):
    user = _fresh(UserFactory(groups=["HR"]))
    with django_assert_num_queries(1):
        assert is_hr(user)
        assert not is_admin(user)
        assert is_hr(user)


def test_a_new_request_reads_the_groups_again():
    user = UserFactory()
    assert not is_hr(_fresh(user))
    user.groups.add(Group.objects.get_or_create(name="HR")[0])
    assert is_hr(_fresh(user))


def test_employee_handed_over_by_a_page_saves_the_query(django_assert_num_queries):
    user = UserFactory()
    own = EmployeeFactory(user=user)
    user = _fresh(user)
    viewer_of(user).know_employee(own)
    with django_assert_num_queries(0):
        assert viewer_of(user).employee == own


def test_another_persons_record_is_not_taken_for_the_users_own(django_assert_num_queries):
    user = _fresh(UserFactory())
    viewer_of(user).know_employee(EmployeeFactory())
    with django_assert_num_queries(1):
        assert viewer_of(user).employee is None


def test_lead_flag_follows_the_led_teams_worked_out_by_a_permission_check(django_assert_num_queries):
    user = UserFactory()
    department = TeamFactory(leads=[user])
    TeamFactory(parent=department)
    user = _fresh(user)
    assert len(led_team_ids(user)) == 2
    with django_assert_num_queries(0):
        assert viewer_of(user).is_lead


def test_anonymous_visitor_has_no_groups_employee_or_teams(django_assert_num_queries):
    visitor = AnonymousUser()
    with django_assert_num_queries(0):
        assert viewer_of(visitor).groups == frozenset()
        assert viewer_of(visitor).employee is None
        assert not viewer_of(visitor).is_lead
