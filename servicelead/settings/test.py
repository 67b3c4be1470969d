"""Settings for the test suite: the embedded default unless DATABASE_URL / REDIS_URL point elsewhere."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-insecure-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SERVICELEAD_INPROCESS_JOBS = "sync"
# Jobs run in-process inside the test that requests them, even when REDIS_URL points at a real Redis;
# the real-worker tests (tests/jobs) switch this on for themselves and their worker processes.
SERVICELEAD_JOBS_ON_WORKERS = env.bool("SERVICELEAD_JOBS_ON_WORKERS", default=False)
# The suite sends thousands of API requests from one client; tests/api/test_throttling.py lowers the rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
