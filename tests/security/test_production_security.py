"""A sign-in under production settings, in a process of its own (tests/test_production_settings.py runs
``check --deploy`` the same way): secure cookies, HSTS, the Content-Security-Policy and the other headers,
and login throttling in place."""

import json

from tests.security.test_csp import directives
from tests.test_production_settings import production

SIGN_IN = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
get_user_model().objects.create_user("lead", password="correct-horse-battery")
response = Client().post(
    "/login/", {"username": "lead", "password": "correct-horse-battery"},
    secure=True, HTTP_HOST="servicelead.example.com",
)
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "cookies": {
        name: {"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"])}
        for name, cookie in response.cookies.items()
    },
    "first_backend": settings.AUTHENTICATION_BACKENDS[0],
    "last_middleware": settings.MIDDLEWARE[-1],
    "axes": [settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT, settings.AXES_LOCKOUT_PARAMETERS],
}))
"""


def test_production_sign_in_sets_secure_cookies_and_security_headers():
    done = production("-c", SIGN_IN)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["status"] == 302
    assert result["cookies"]["sessionid"] == {"secure": True, "httponly": True}
    assert result["cookies"]["csrftoken"]["secure"] is True
    headers = result["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = directives(headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert result["first_backend"] == "axes.backends.AxesStandaloneBackend"
    assert result["last_middleware"] == "axes.middleware.AxesMiddleware"
    assert result["axes"] == [True, 5, [["username", "ip_address"]]]
