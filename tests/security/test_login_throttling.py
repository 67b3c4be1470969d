"""Login throttling (django-axes): five wrong passwords for one account from one address lock that pair out
for 15 minutes with a clear message and HTTP 429, on the sign-in page and the admin's; a successful sign-in
clears the count; other ways in (force_login, API tokens) are untouched. And the password validators."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

from servicelead.login_throttling import client_ip
from tests.factories import PASSWORD

LOCKED_OUT = "Too many failed login attempts. Try again in 15 minutes."
WRONG_CREDENTIALS = "Please enter a correct username and password."


def sign_in(client, username, password, *, address="10.0.0.1", path=None):
    return client.post(
        path or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, username, times, **kwargs):
    """``times`` wrong passwords; the answers."""
    return [sign_in(client, username, "wrong-password", **kwargs) for _ in range(times)]


def is_signed_in(client):
    return client.get(reverse("home")).status_code == 200


def pass_time(minutes):
    """Moves the recorded failures ``minutes`` into the past, as if that much time had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_fifth_failure_locks_out_with_message_and_429(org):
    client = Client()
    for response in fail(client, "employee", 4):
        assert response.status_code == 200
        assert WRONG_CREDENTIALS in response.content.decode()

    locked = fail(client, "employee", 1)[0]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED_OUT in page
    assert 'name="username"' in page and 'value="employee"' in page  # the sign-in page, not an error page
    assert "Content-Security-Policy" in locked.headers

    # The right password does not help during the lockout.
    assert sign_in(client, "employee", PASSWORD).status_code == 429
    assert not is_signed_in(client)


def test_lockout_holds_for_the_username_and_address_together(org):
    fail(Client(), "employee", 5, address="10.0.0.1")

    assert sign_in(Client(), "employee", PASSWORD, address="10.0.0.2").status_code == 302
    assert sign_in(Client(), "lead_a", PASSWORD, address="10.0.0.1").status_code == 302


def test_lockout_ends_after_the_cool_off(org):
    client = Client()
    fail(client, "employee", 5)

    pass_time(14)
    assert sign_in(client, "employee", PASSWORD).status_code == 429  # and that attempt starts it again
    pass_time(14)
    assert sign_in(client, "employee", PASSWORD).status_code == 429
    pass_time(16)
    assert sign_in(client, "employee", PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_successful_sign_in_clears_the_count(org):
    client = Client()
    fail(client, "employee", 4)
    assert sign_in(client, "employee", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    assert all(response.status_code == 200 for response in fail(client, "employee", 4))
    assert fail(client, "employee", 1)[0].status_code == 429


def test_admin_sign_in_is_throttled(org):
    client = Client()
    admin_login = reverse("admin:login")
    answers = fail(client, "admin", 5, path=admin_login)
    assert [response.status_code for response in answers] == [200, 200, 200, 200, 429]
    assert LOCKED_OUT in answers[-1].content.decode()
    assert sign_in(client, "admin", PASSWORD, path=admin_login).status_code == 429


def test_locked_out_user_keeps_force_login_and_api_token(org):
    fail(Client(), "lead_a", 5, address="127.0.0.1")
    lead = org.users["lead_a"]

    client = Client()
    client.force_login(lead)
    assert is_signed_in(client)
    token = Token.objects.create(user=lead)
    api = Client(headers={"Authorization": f"Token {token.key}"})
    assert api.get(reverse("api:team_list")).status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is the client's own word
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # the left one was sent by the client
        (2, "198.51.100.66, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: not what the proxies send
    ],
)
def test_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.SERVICELEAD_TRUSTED_PROXIES = proxies
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("password", ["password", "12345678", "short", "employee-employee"])
def test_password_validators_refuse_weak_passwords(org, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=org.users["employee"])


def test_password_validators_accept_a_strong_password(org):
    validate_password("Vor-Ort-Service 2026!", user=org.users["employee"])
