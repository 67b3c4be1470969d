"""servicelead.settings.production, loaded the way a deployment loads it: in a process of its own with only
the environment a deployment gives it."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from servicelead.logging import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = "servicelead.settings.production"
# What a shell or CI may carry that would change the settings under test.
CLEARED = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_CACHE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "STATIC_ROOT",
)
SETTINGS_AS_JSON = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "CACHE": s.CACHES["default"]["BACKEND"],
    "CONN_MAX_AGE": s.DATABASES["default"]["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": s.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "FIRST_MIDDLEWARE": s.MIDDLEWARE[0],
    "ROOT_FORMATTER": s.LOGGING["handlers"][s.LOGGING["root"]["handlers"][0]]["formatter"],
}))
"""


def production(*args, secret_key=True, allowed_hosts=True, **env):
    """Run ``python *args`` with production settings and a deployment's environment; the finished process."""
    environment = {key: value for key, value in os.environ.items() if key not in CLEARED}
    environment |= {"DJANGO_SETTINGS_MODULE": PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"}
    if secret_key:
        environment["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    if allowed_hosts:
        environment["ALLOWED_HOSTS"] = "servicelead.example.com"
    environment |= env
    return subprocess.run(  # noqa: S603 - the test's own interpreter and project
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def settings_of(**env):
    done = production("-c", SETTINGS_AS_JSON, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def dotenv_defines(name):
    dotenv = ROOT / ".env"
    lines = dotenv.read_text().splitlines() if dotenv.exists() else []
    return any(line.strip().startswith(f"{name}=") for line in lines)


def test_check_deploy_reports_nothing():
    done = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


@pytest.mark.skipif(dotenv_defines("DJANGO_SECRET_KEY"), reason="a local .env provides DJANGO_SECRET_KEY")
def test_missing_secret_key_is_improperly_configured():
    done = production("manage.py", "check", secret_key=False)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "DJANGO_SECRET_KEY" in done.stderr


@pytest.mark.skipif(dotenv_defines("ALLOWED_HOSTS"), reason="a local .env provides ALLOWED_HOSTS")
def test_missing_allowed_hosts_is_improperly_configured():
    done = production("manage.py", "check", allowed_hosts=False)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "ALLOWED_HOSTS" in done.stderr


def test_production_is_secure_by_default_with_redis_cache_and_json_logs():
    settings = settings_of(REDIS_URL="redis://127.0.0.1:6379/0")
    assert settings == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "STATICFILES": "servicelead.storage.CompressedManifestStaticFilesStorage",
        "CACHE": "servicelead.cache.ResilientRedisCache",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "FIRST_MIDDLEWARE": "servicelead.health.HealthCheckMiddleware",
        "ROOT_FORMATTER": "json",
    }


def test_plain_http_switches_for_the_smoke_test_are_flagged_by_check_deploy():
    """SECURE_SSL_REDIRECT/SECURE_COOKIES=false serve 127.0.0.1 over HTTP; --deploy flags them."""
    switched = {"SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false"}
    settings = settings_of(**switched)
    assert not settings["SECURE_SSL_REDIRECT"] and not settings["SESSION_COOKIE_SECURE"]
    done = production("manage.py", "check", "--deploy", **switched)
    for warning in ("security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout


def test_json_formatter_writes_one_parseable_object_with_extras_and_exception():
    formatter = JsonFormatter()
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("servicelead.test").makeRecord(
            "servicelead.test",
            logging.ERROR,
            __file__,
            1,
            "job %s failed",
            (7,),
            sys.exc_info(),
            extra={"job_id": 7, "request": object(), "ids": (1, 2)},
        )
    line = formatter.format(record)
    assert "\n" not in line  # the traceback is escaped inside the one line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "servicelead.test"
    assert entry["message"] == "job 7 failed"
    assert entry["job_id"] == 7
    assert entry["ids"] == [1, 2]
    assert entry["request"].startswith("<object object")
    assert "ValueError: broken" in entry["exception"]
    assert entry["time"].endswith("+00:00")
