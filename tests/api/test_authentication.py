"""Session and token authentication. A token is made with ``manage.py drf_create_token USERNAME``."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

COMPETENCIES = reverse("api:competency_list")


def test_token_from_the_management_command_authenticates(org):
    out = StringIO()
    call_command("drf_create_token", "hr", stdout=out)
    key = Token.objects.get(user=org.users["hr"]).key
    assert key in out.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(COMPETENCIES, {"name": "x"}, format="json")
    # Authenticated as HR: the request gets as far as validation, without a CSRF token.
    assert response.status_code == 400


def test_wrong_token_is_refused(org):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get(COMPETENCIES)
    # 403 rather than 401: session authentication comes first and sends no WWW-Authenticate challenge.
    assert response.status_code == 403
    assert response.json()["detail"] == "Invalid token."


def test_no_credentials_is_a_403(org):
    response = APIClient().get(COMPETENCIES)
    assert response.status_code == 403
    assert "credentials were not provided" in response.json()["detail"]


def test_session_writes_need_the_csrf_token(org):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(org.users["hr"])
    response = client.post(reverse("api:category_list"), {"name": "x", "family": "methods"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
