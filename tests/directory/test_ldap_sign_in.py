"""Sign-in through LDAP against a real OpenLDAP server (tests/directory/conftest.py): provisioning on
every sign-in, refusals with a clear message, the session check, local passwords switched off."""

import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from competencies.models import Employee
from competencies.roles import HR_GROUP
from tests import factories

from .conftest import ADMIN_DN, ADMIN_PASSWORD, BASE, PASSWORD

BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "competencies.directory.LocalBackend",
    "competencies.directory.DirectoryBackend",
]


@pytest.fixture
def directory(slapd, settings, db):
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

    settings.SERVICELEAD_LDAP_URI = settings.AUTH_LDAP_SERVER_URI = slapd["uri"]
    settings.AUTH_LDAP_BIND_DN = ADMIN_DN
    settings.AUTH_LDAP_BIND_PASSWORD = ADMIN_PASSWORD
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(f"ou=people,{BASE}", ldap.SCOPE_SUBTREE, "(uid=%(user)s)")
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        f"ou=groups,{BASE}", ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
    )
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}
    settings.AUTH_LDAP_ALWAYS_UPDATE_USER = True
    settings.AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_NETWORK_TIMEOUT: 2, ldap.OPT_TIMEOUT: 2}
    settings.SERVICELEAD_LDAP_ALLOWED_GROUP = "servicelead-users"
    settings.SERVICELEAD_LDAP_HR_GROUP = "servicelead-hr"
    settings.SERVICELEAD_LDAP_RECHECK_SECONDS = 300
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    settings.ADMINS = [("Admin", "admin@example.org")]
    return slapd


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


def test_hr_signs_in_with_the_directory_password_and_gets_the_role(client, directory):
    response = sign_in(client, "hanna.hr")
    assert response.wsgi_request.user.is_authenticated
    user = get_user_model().objects.get(username="hanna.hr")
    assert (user.first_name, user.last_name, user.email) == ("Hanna", "Richter", "hanna.hr@example.org")
    assert user.groups.filter(name=HR_GROUP).exists()
    assert not user.has_usable_password()


def test_an_employee_is_linked_by_personnel_number_and_updated(client, directory):
    erik = factories.EmployeeFactory(personnel_no="P-0001", name="E. Neumann (old)", user=None)
    response = sign_in(client, "erik.emp")
    assert response.wsgi_request.user.is_authenticated
    erik.refresh_from_db()
    assert erik.user.username == "erik.emp"
    assert (erik.name, erik.email) == ("Erik Neumann", "erik.emp@example.org")
    assert not erik.user.groups.filter(name=HR_GROUP).exists()


def test_someone_outside_the_allowed_group_is_refused_with_a_clear_message(client, directory):
    response = sign_in(client, "otto.out")
    assert not response.wsgi_request.user.is_authenticated
    assert "not in the group allowed to use servicelead (servicelead-users)" in response.content.decode()


def test_a_wrong_password_is_an_ordinary_refusal(client, directory):
    response = sign_in(client, "erik.emp", "wrong")
    assert not response.wsgi_request.user.is_authenticated
    assert "not in the group" not in response.content.decode()


def test_two_accounts_claiming_one_personnel_number_are_refused_and_reported(client, directory):
    other = factories.UserFactory(username="someone-else")
    factories.EmployeeFactory(personnel_no="P-0003", user=other)
    response = sign_in(client, "dora.dup")
    assert not response.wsgi_request.user.is_authenticated
    assert "belongs to another account" in response.content.decode()
    assert "P-0003" in mail.outbox[0].body
    assert Employee.objects.get(personnel_no="P-0003").user == other


def test_a_directory_that_is_down_is_named_and_local_break_glass_still_works(client, directory, settings):
    settings.AUTH_LDAP_SERVER_URI = "ldap://127.0.0.1:9"  # nothing listens there
    response = sign_in(client, "erik.emp")
    assert "cannot be reached" in response.content.decode()
    factories.UserFactory(username="glass", password="local-pass-123")
    settings.SERVICELEAD_LOCAL_PASSWORDS = False
    settings.SERVICELEAD_BREAK_GLASS_USERS = ["glass"]
    assert sign_in(client, "glass", "local-pass-123").wsgi_request.user.is_authenticated


def test_local_passwords_off_refuses_everyone_but_break_glass(client, db, settings):
    factories.UserFactory(username="local", password="local-pass-123")
    settings.SERVICELEAD_LOCAL_PASSWORDS = False
    settings.SERVICELEAD_BREAK_GLASS_USERS = []
    assert not sign_in(client, "local", "local-pass-123").wsgi_request.user.is_authenticated


def test_a_person_removed_from_the_directory_is_signed_out_at_the_next_request(client, directory, settings):
    assert sign_in(client, "lea.leaving").wsgi_request.user.is_authenticated
    subprocess.run(  # noqa: S603
        ["ldapdelete", "-x", "-H", directory["uri"], "-D", ADMIN_DN, "-w", ADMIN_PASSWORD,  # noqa: S607
         f"uid=lea.leaving,ou=people,{BASE}"],
        check=True, capture_output=True,
    )  # fmt: skip
    settings.SERVICELEAD_LDAP_RECHECK_SECONDS = 0
    response = client.get(reverse("home"), follow=True)
    assert not response.wsgi_request.user.is_authenticated
    assert "no longer allowed to use servicelead" in response.content.decode()


def test_team_leads_follow_the_directory_groups_the_setting_maps(client, directory, settings):
    """erik.emp is in the directory group fs-north-leads (not fs-south-leads): signing in makes him lead of
    North and no longer of South; Support, which the setting does not map, keeps its leads."""
    from teams.models import Team

    settings.SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS = {
        "fs-north-leads": "Field Service North",
        "FS-South-Leads": "Field Service South",
        "gone-leads": "No such team",
    }
    erik = factories.UserFactory(username="erik.emp")
    north = factories.TeamFactory(name="Field Service North")
    south = factories.TeamFactory(name="Field Service South", leads=[erik])
    support = factories.TeamFactory(name="Support", leads=[erik])
    assert sign_in(client, "erik.emp").wsgi_request.user.is_authenticated
    assert list(Team.objects.filter(leads=erik).order_by("name").values_list("name", flat=True)) == [
        "Field Service North",
        "Support",
    ]
    assert north.leads.count() == 1 and not south.leads.exists() and support.leads.count() == 1
    # Without the setting, leads stay as assigned in the product.
    settings.SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS = {}
    south.leads.add(erik)
    client.logout()
    sign_in(client, "erik.emp")
    assert south.leads.filter(pk=erik.pk).exists()
