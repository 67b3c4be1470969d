"""Production: PostgreSQL, Redis, gunicorn, Celery workers and beat. Secrets come from the environment.

``DJANGO_SECRET_KEY`` and ``ALLOWED_HOSTS`` are required (ImproperlyConfigured without them). HTTPS is
assumed (a TLS-terminating proxy in front sets ``X-Forwarded-Proto``): the redirect to HTTPS, secure cookies
and HSTS are on. ``SECURE_SSL_REDIRECT=false`` and ``SECURE_COOKIES=false`` exist only for the smoke and
load tests over plain HTTP on 127.0.0.1; a real deployment keeps both on."""

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, REDIS_URL, SERVICELEAD_CATALOGUE_LANGUAGE, STATIC_ROOT, env

DEBUG = False
# A German-language deployment (its catalogue in German) runs in works-council mode unless told otherwise.
SERVICELEAD_WORKS_COUNCIL_MODE = env.bool(
    "SERVICELEAD_WORKS_COUNCIL_MODE", default=SERVICELEAD_CATALOGUE_LANGUAGE == "de"
)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Probes answer before host validation and the HTTPS redirect (see servicelead.health).
MIDDLEWARE = ["servicelead.health.HealthCheckMiddleware", *MIDDLEWARE]

DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
LANGUAGE_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

STATIC_ROOT = env.path("STATIC_ROOT", default=STATIC_ROOT)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # whitenoise's, with a quicker Brotli setting (servicelead.storage).
    "staticfiles": {"BACKEND": "servicelead.storage.CompressedManifestStaticFilesStorage"},
}

if REDIS_URL:
    # Shared by every web and worker process: API throttling counts per user across all of them, and a
    # gap analysis computed by one process serves the others. Without Redis both carry on uncached and
    # unthrottled instead of failing (servicelead.cache).
    _redis_cache = {
        "BACKEND": "servicelead.cache.ResilientRedisCache",
        "LOCATION": env.str("REDIS_CACHE_URL", default=REDIS_URL),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
    CACHES = {
        "default": {**_redis_cache, "KEY_PREFIX": "servicelead"},
        "analysis": {**_redis_cache, "KEY_PREFIX": "servicelead-analysis"},
    }

# Web processes and workers log one JSON object per line to stdout; Celery keeps Django's configuration.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "servicelead.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_CONCURRENCY = env.int("CELERY_CONCURRENCY", default=2)

# Notifications and warnings go out by SMTP; the server and its login come from the environment.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# The address people reach the site at, for the links in e-mails (default: HTTPS on the first allowed host).
SERVICELEAD_BASE_URL = env.str("SERVICELEAD_BASE_URL", default=f"https://{ALLOWED_HOSTS[0]}")
