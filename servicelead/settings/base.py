"""Settings shared by every environment. Environment input is read here, once, via django-environ."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin: it registers the translated catalogue fields and its admin widgets.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_results",
    "django_celery_beat",
    "jobs",
    "competencies",
    "teams",
    "qualification",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "teams.middleware.TeamTreeLoopMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out a directory user who left or lost access (a no-op without SERVICELEAD_LDAP_URI), and
    # re-checks a session signed in through OpenID Connect at the provider (a no-op without it).
    "competencies.directory.DirectorySessionMiddleware",
    "competencies.oidc.OIDCSessionRefresh",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a lockout into servicelead.login_throttling's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicelead.urls"
WSGI_APPLICATION = "servicelead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "competencies.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# A connection the server terminated (a restart, pg_terminate_backend, a failover) is noticed before its
# next use and replaced, in web requests and wherever close_old_connections() runs (workers, beat).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite builds assessment_effective_idx without its INCLUDE columns (PostgreSQL's index-only scan needs
# them; SQLite reads them from the table), which Django warns about on SQLite.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's password backend; with SERVICELEAD_LOCAL_PASSWORDS=false only the break-glass users.
    "competencies.directory.LocalBackend",
]
SERVICELEAD_LOCAL_PASSWORDS = env.bool("SERVICELEAD_LOCAL_PASSWORDS", default=True)
SERVICELEAD_BREAK_GLASS_USERS = env.list("SERVICELEAD_BREAK_GLASS_USERS", default=[])

# Sign-in through LDAP / Active Directory (competencies/directory.py, README), off unless the URI is set.
SERVICELEAD_LDAP_URI = env.str("SERVICELEAD_LDAP_URI", default="")
SERVICELEAD_LDAP_ALLOWED_GROUP = env.str("SERVICELEAD_LDAP_ALLOWED_GROUP", default="")
SERVICELEAD_LDAP_HR_GROUP = env.str("SERVICELEAD_LDAP_HR_GROUP", default="")
SERVICELEAD_LDAP_ADMIN_GROUP = env.str("SERVICELEAD_LDAP_ADMIN_GROUP", default="")
SERVICELEAD_LDAP_LINK_ATTRIBUTE = env.str("SERVICELEAD_LDAP_LINK_ATTRIBUTE", default="employeeNumber")
SERVICELEAD_LDAP_RECHECK_SECONDS = env.int("SERVICELEAD_LDAP_RECHECK_SECONDS", default=300)
if SERVICELEAD_LDAP_URI:
    import ldap
    from django_auth_ldap.config import ActiveDirectoryGroupType, GroupOfNamesType, LDAPSearch

    _ldap_timeout = env.int("SERVICELEAD_LDAP_TIMEOUT", default=5)
    AUTH_LDAP_SERVER_URI = SERVICELEAD_LDAP_URI
    AUTH_LDAP_BIND_DN = env.str("SERVICELEAD_LDAP_BIND_DN", default="")
    AUTH_LDAP_BIND_PASSWORD = env.str("SERVICELEAD_LDAP_BIND_PASSWORD", default="")
    AUTH_LDAP_START_TLS = env.bool("SERVICELEAD_LDAP_START_TLS", default=False)
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        env.str("SERVICELEAD_LDAP_USER_BASE"),
        ldap.SCOPE_SUBTREE,
        env.str("SERVICELEAD_LDAP_USER_FILTER", default="(uid=%(user)s)"),
    )
    AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        env.str("SERVICELEAD_LDAP_GROUP_BASE"),
        ldap.SCOPE_SUBTREE,
        env.str("SERVICELEAD_LDAP_GROUP_FILTER", default="(objectClass=groupOfNames)"),
    )
    AUTH_LDAP_GROUP_TYPE = (
        ActiveDirectoryGroupType()
        if env.str("SERVICELEAD_LDAP_GROUP_TYPE", default="groupOfNames") == "active_directory"
        else GroupOfNamesType()
    )
    AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}
    AUTH_LDAP_ALWAYS_UPDATE_USER = True
    AUTH_LDAP_CONNECTION_OPTIONS = {
        ldap.OPT_NETWORK_TIMEOUT: _ldap_timeout,
        ldap.OPT_TIMEOUT: _ldap_timeout,
        ldap.OPT_REFERRALS: 0,
    }
    AUTHENTICATION_BACKENDS.insert(2, "competencies.directory.DirectoryBackend")

# Sign-in with OpenID Connect (competencies/oidc.py, README), off unless the client id is set.
SERVICELEAD_OIDC_CLIENT_ID = env.str("SERVICELEAD_OIDC_CLIENT_ID", default="")
SERVICELEAD_OIDC_NAME = env.str("SERVICELEAD_OIDC_NAME", default="")
SERVICELEAD_OIDC_ISSUER = env.str("SERVICELEAD_OIDC_ISSUER", default="")
SERVICELEAD_OIDC_LOGOUT_ENDPOINT = env.str("SERVICELEAD_OIDC_LOGOUT_ENDPOINT", default="")
SERVICELEAD_OIDC_USERNAME_CLAIM = env.str("SERVICELEAD_OIDC_USERNAME_CLAIM", default="preferred_username")
SERVICELEAD_OIDC_LINK_CLAIM = env.str("SERVICELEAD_OIDC_LINK_CLAIM", default="employee_number")
SERVICELEAD_OIDC_GROUPS_CLAIM = env.str("SERVICELEAD_OIDC_GROUPS_CLAIM", default="groups")
SERVICELEAD_OIDC_ALLOWED_GROUP = env.str("SERVICELEAD_OIDC_ALLOWED_GROUP", default="")
SERVICELEAD_OIDC_HR_GROUP = env.str("SERVICELEAD_OIDC_HR_GROUP", default="")
SERVICELEAD_OIDC_ADMIN_GROUP = env.str("SERVICELEAD_OIDC_ADMIN_GROUP", default="")
SERVICELEAD_OIDC_TIMEOUT = env.int("SERVICELEAD_OIDC_TIMEOUT", default=4)
# Team leads from directory groups (LDAP or OpenID Connect), as JSON {"group": "team name"}; unset: leads
# are assigned in the product only (teams/directory.py).
SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS = env.json("SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS", default={})
# A session signed in through the provider is re-checked there (silently) after this many seconds.
SERVICELEAD_OIDC_RECHECK_SECONDS = env.int("SERVICELEAD_OIDC_RECHECK_SECONDS", default=900)
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = SERVICELEAD_OIDC_RECHECK_SECONDS
if SERVICELEAD_OIDC_CLIENT_ID:
    OIDC_RP_CLIENT_ID = SERVICELEAD_OIDC_CLIENT_ID
    OIDC_RP_CLIENT_SECRET = env.str("SERVICELEAD_OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("SERVICELEAD_OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("SERVICELEAD_OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("SERVICELEAD_OIDC_USERINFO_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("SERVICELEAD_OIDC_JWKS_ENDPOINT")
    OIDC_RP_SCOPES = env.str("SERVICELEAD_OIDC_SCOPES", default="openid email profile")
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_USE_PKCE = True
    OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
    OIDC_STORE_ID_TOKEN = True
    OIDC_TIMEOUT = SERVICELEAD_OIDC_TIMEOUT
    OIDC_OP_LOGOUT_URL_METHOD = "competencies.oidc.provider_logout_url"
    LOGIN_REDIRECT_URL_FAILURE = "/login/"
    AUTHENTICATION_BACKENDS.insert(2, "competencies.oidc.OIDCBackend")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes), on the sign-in page and the admin's (the REST API takes sessions and
# tokens, never a password). Failures count per username and client address together: five wrong passwords
# for one account from one address lock that pair out for 15 minutes. Per address alone, a few colleagues'
# typos would lock out a whole office behind one NAT address; per account alone, anyone anywhere could
# lock a colleague out. A failure during the lockout starts the 15 minutes again; a successful sign-in
# clears the count. Admins unlock early by deleting the "access attempts" in the admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "servicelead.login_throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "servicelead.login_throttling.client_ip"
# When each person signs in is personal data the product does not need: successful sign-ins are not logged.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner in every management command's output.
AXES_VERBOSE = False
# Proxies in front that append the client's address to X-Forwarded-For (0: the client connects directly).
SERVICELEAD_TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# The language chosen with the switch (django's set_language) is kept in a cookie for a year, across
# sign-outs and browser restarts; without it, the browser's Accept-Language decides.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
# Catalogue content (competencies, categories, scales, role profiles, measures, team descriptions) is
# stored once per language (django-modeltranslation: a column per language). A reader sees their own
# language; where a text is missing there, the catalogue's language, marked as such on the page.
SERVICELEAD_CATALOGUE_LANGUAGE = env.str("SERVICELEAD_CATALOGUE_LANGUAGE", default="de")
if SERVICELEAD_CATALOGUE_LANGUAGE not in dict(LANGUAGES):
    raise environ.ImproperlyConfigured(
        f"SERVICELEAD_CATALOGUE_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}."
    )
MODELTRANSLATION_LANGUAGES = tuple(dict(LANGUAGES))
MODELTRANSLATION_DEFAULT_LANGUAGE = SERVICELEAD_CATALOGUE_LANGUAGE
MODELTRANSLATION_FALLBACK_LANGUAGES = (
    SERVICELEAD_CATALOGUE_LANGUAGE,
    *(code for code in MODELTRANSLATION_LANGUAGES if code != SERVICELEAD_CATALOGUE_LANGUAGE),
)
MODELTRANSLATION_AUTO_POPULATE = False
# One date format per language on every page (servicelead/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["servicelead.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline, never eval —
# charts read their data from json_script elements, the API docs load their set-up script from a URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # plotly.js's own styles come from a stylesheet (templates/_partials/plotly.html); the one inline
        # <style> left, maplibre's, is admitted by its hash (`python -m scripts.plotly_css` prints it;
        # tests/security/test_csp.py keeps it equal to static/vendor/).
        "style-src": [SELF, "'sha256-2GF9hCGTDj/GGFNlQA54jDdMGl2fvoeZmZjAvBSiAtM='"],
        # Style attributes: only empty ones (the hash of ""), which plotly.js sets on a colour bar's fills
        # before it colours them through the DOM; an empty attribute styles nothing.
        "style-src-attr": [UNSAFE_HASHES, "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],
        # Bootstrap's form controls draw their icons from data: SVGs; plotly's "Download plot as a PNG" draws
        # the chart through a blob: image.
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API's contract (documented errors, query parameters that must mean something, page_size and
    # search) is kept once in servicelead/api.py and servicelead/api_schema.py.
    "DEFAULT_SCHEMA_CLASS": "servicelead.api_schema.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "servicelead.api.FilterBackend",
        "servicelead.api.SearchFilter",
        "servicelead.api.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "servicelead.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Per client (user, or address when anonymous); counted in the default cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "servicelead API",
    "DESCRIPTION": "Competency matrix, gap analysis and qualification plans.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get components of their own (``ScaleRequest``): only the fields a client may send,
    # and no others (servicelead.api_schema.ApiAutoSchema).
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# "analysis" holds gap-analysis results under the version of their data (teams.gaps.cache): process memory
# here, Redis in production. The timeout bounds how long a change nobody could announce stays unseen (a
# command run in another process while the embedded default serves from its own memory).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "analysis": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "analysis",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
SERVICELEAD_ANALYSIS_CACHE_SECONDS = env.int("ANALYSIS_CACHE_SECONDS", default=600)

# Jobs: with REDIS_URL they go to Celery workers; without it they run in-process (embedded default).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Results live in the Job row and django-celery-results, never in Redis: with a Redis result backend a
# dead Redis made delay() hang for 19 s; without one it fails within the connect timeout.
CELERY_RESULT_BACKEND = "jobs.celery_results:ReconnectingDatabaseBackend"  # django-db, reconnecting
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 5
CELERY_RESULT_BACKEND_MAX_SLEEP_BETWEEN_RETRIES_MS = 2000
# A message is acknowledged when its task has finished, so a lost worker's task is delivered again; a
# task that kills its worker every time stops after max_retries (jobs.tasks.run_job) and its
# job is marked failed. One message at a time per worker process: the others stay free for other workers.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_RETRY_ON_WORKER_LOST = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Redis hands an unacknowledged message out again after the visibility timeout, so it must exceed the
# hard time limit, or a task still running would be delivered a second time. The job tests shorten all
# three through the environment.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=35 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT * 6 // 7)
_celery_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
if not 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < _celery_visibility_timeout:
    raise environ.ImproperlyConfigured(
        "Need 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT (seconds)."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _celery_visibility_timeout,
    # Every worker looks for messages of lost workers this often (kombu's default is every 100 s).
    "unacked_restore_interval": max(1, min(10, _celery_visibility_timeout // 4)),
    "unacked_restore_throttle": 1,
    # A dead Redis makes delay() fail within a second instead of hanging: one connection attempt, no
    # retries (a job that could not be sent waits as a queued row; jobs.services.jobs_requeue sends it).
    "socket_timeout": 2,
    "socket_connect_timeout": 1,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A running job holds a lease that its worker renews every LEASE_RENEW seconds; once it has not been
# renewed for LEASE seconds the sweep (beat, every SWEEP seconds) hands the job to another worker, so a
# killed worker costs at most LEASE + SWEEP seconds, whatever the visibility timeout. Each worker's main
# process records a heartbeat every HEARTBEAT seconds while it can take work (``manage.py worker_health``
# and /readyz read it). The job tests shorten all of them through the environment.
SERVICELEAD_JOBS_LEASE_SECONDS = env.float("SERVICELEAD_JOBS_LEASE_SECONDS", default=30.0)
SERVICELEAD_JOBS_LEASE_RENEW_SECONDS = env.float("SERVICELEAD_JOBS_LEASE_RENEW_SECONDS", default=10.0)
SERVICELEAD_JOBS_SWEEP_SECONDS = env.float("SERVICELEAD_JOBS_SWEEP_SECONDS", default=30.0)
SERVICELEAD_JOBS_RETRY_DELAY_SECONDS = env.float("SERVICELEAD_JOBS_RETRY_DELAY_SECONDS", default=1.0)
SERVICELEAD_WORKER_HEARTBEAT_SECONDS = env.float("SERVICELEAD_WORKER_HEARTBEAT_SECONDS", default=10.0)
if not 0 < SERVICELEAD_JOBS_LEASE_RENEW_SECONDS * 2 <= SERVICELEAD_JOBS_LEASE_SECONDS:
    raise environ.ImproperlyConfigured(
        "Need 0 < 2 * SERVICELEAD_JOBS_LEASE_RENEW_SECONDS <= SERVICELEAD_JOBS_LEASE_SECONDS (seconds)."
    )
CELERY_BEAT_SCHEDULE = {
    "requeue-waiting-jobs": {"task": "jobs.tasks.jobs_requeue", "schedule": SERVICELEAD_JOBS_SWEEP_SECONDS},
    # The whole organisation's analyses take seconds after a change: workers compute them ahead of HR.
    "organisation-analyses-warm": {"task": "teams.tasks.organisation_analyses_warm", "schedule": 120.0},
    # Daily, early in the morning (CELERY_TIMEZONE): e-mails go out before the working day starts.
    "certificate-expiry-warnings": {
        "task": "competencies.tasks.certificate_expiry_warnings",
        "schedule": crontab(hour=6, minute=0),
    },
    "campaign-reminders": {
        "task": "teams.review.tasks.campaign_reminders",
        "schedule": crontab(hour=6, minute=15),
    },
    # Every kind of personal data past its retention period (competencies/data_kinds.py): drafts, notes,
    # the read audit, notifications, absences and duty.
    "retention-enforce": {
        "task": "competencies.tasks.retention_enforce",
        "schedule": crontab(hour=3, minute=30),
    },
    # Uploads whose preview was never committed are removed once it has expired.
    "import-uploads-expire": {"task": "competencies.tasks.import_uploads_expire", "schedule": 30 * 60.0},
    # New to-do items become notifications (and immediate e-mails) every five minutes.
    "notifications-collect": {"task": "competencies.tasks.notifications_collect", "schedule": 5 * 60.0},
    # The daily digest per person; every ten minutes, whatever a mail server that was down kept unsent.
    "notifications-digest": {
        "task": "competencies.tasks.notifications_send",
        "schedule": crontab(hour=env.int("NOTIFICATION_DIGEST_HOUR", default=7), minute=0),
    },
    "notifications-send-retry": {"task": "competencies.tasks.notifications_send", "schedule": 10 * 60.0},
}
# Without REDIS_URL jobs run in-process: "thread" (pages follow the progress) or "sync" (tests, CLI).
SERVICELEAD_INPROCESS_JOBS = env.str("SERVICELEAD_INPROCESS_JOBS", default="thread")
CELERY_TIMEZONE = TIME_ZONE

# Domain settings.
SERVICELEAD_COUNT_UNCONFIRMED = env.bool("SERVICELEAD_COUNT_UNCONFIRMED", default=True)
# The privacy threshold (docs/domain.md): aggregates about people the reader may not see individually are
# shown only for groups of at least this many. 0, negative or not a number stops the start with a message.
# (Settings import no app: competencies.privacy_threshold checks the value again, for overrides, as a
# system check.)
_min_group_size = env.str("SERVICELEAD_MIN_GROUP_SIZE", default="5").strip()
if not _min_group_size.isdigit() or int(_min_group_size) < 1:
    raise ImproperlyConfigured(
        f"SERVICELEAD_MIN_GROUP_SIZE must be a whole number of people, 1 or more (default 5), "
        f"not {_min_group_size!r}."
    )
SERVICELEAD_MIN_GROUP_SIZE = int(_min_group_size)
# Works-council mode (README "Works-council mode", competencies/works_council.py): one switch for every
# part; each part may be set on its own (unset: follows the switch).
SERVICELEAD_WORKS_COUNCIL_MODE = env.bool("SERVICELEAD_WORKS_COUNCIL_MODE", default=False)
SERVICELEAD_WC_NO_RANKING = env.bool("SERVICELEAD_WC_NO_RANKING", default=None)
SERVICELEAD_WC_PURPOSE_LINES = env.bool("SERVICELEAD_WC_PURPOSE_LINES", default=None)
# Evidence files of certificates: at most this many bytes, of these types (file suffix → content type;
# the content is checked too).
SERVICELEAD_EVIDENCE_MAX_BYTES = env.int("SERVICELEAD_EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024)
# Limits of the spreadsheet import, set from the environment when given (their defaults, and what each
# bounds, are in competencies/imports/limits.py: file size, rows, columns, and the reader process's
# memory and CPU seconds).
for _limit in (
    "SERVICELEAD_IMPORT_MAX_BYTES",
    "SERVICELEAD_IMPORT_MAX_ROWS",
    "SERVICELEAD_IMPORT_MAX_COLUMNS",
    "SERVICELEAD_IMPORT_MAX_MEMORY_BYTES",
    "SERVICELEAD_IMPORT_MAX_SECONDS",
):
    if env.str(_limit, default=""):
        globals()[_limit] = env.int(_limit)
# The largest file the service-operations import takes (a ticket export of a million rows is ~200 MB).
SERVICELEAD_OPERATIONS_IMPORT_MAX_BYTES = env.int(
    "SERVICELEAD_OPERATIONS_IMPORT_MAX_BYTES", default=300_000_000
)
SERVICELEAD_EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
# Days before a certificate expires on which the person and their leads are warned by e-mail.
SERVICELEAD_CERTIFICATE_WARNING_DAYS = (60, 30)
# Days before a campaign's deadline on which members who have not submitted are reminded.
SERVICELEAD_CAMPAIGN_REMINDER_DAYS = (7, 1)
# To-dos and notifications: the links in e-mails start with this address; the daily digest goes out at
# this hour (local time); a department head's to-dos list the teams below this coverage.
SERVICELEAD_BASE_URL = env.str("SERVICELEAD_BASE_URL", default="http://localhost:8000")
SERVICELEAD_NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)
SERVICELEAD_TODO_COVERAGE_THRESHOLD = env.float("TODO_COVERAGE_THRESHOLD", default=0.7)
# E-mail: the embedded default prints mails to the console (settings/local.py); production sends by SMTP
# with these (settings/production.py reads the server from the environment).
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="servicelead@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Purpose and retention per kind of personal data (competencies/data_kinds.py, README "Purpose and
# retention"); the daily job retention_enforce applies the periods, the annex lists them. 0 keeps a kind
# for ever; a negative period stops the start with a message.
# - Unsubmitted self-assessment drafts (with their notes): deleted after this many days untouched.
# - Personal notes (assessment notes, draft notes, reasons in the audit trail, plan comments): blanked.
# - The read audit (who read whose levels): deleted. Notifications that are read or mailed: deleted.
# - Absences and duty (operations): deleted this many days after they ended.
# - Uploaded import files: deleted this many hours after the upload unless an import still reads them.


def _period(name: str, default: int, *, least: int = 0) -> int:
    given = env.str(name, default=str(default)).strip()
    if not given.isdigit() or int(given) < least:
        at_least = "1 or more" if least else "0 (kept for ever) or more"
        raise ImproperlyConfigured(
            f"{name} must be a whole number, {at_least} (default {default}), not {given!r}."
        )
    return int(given)


SERVICELEAD_DRAFT_RETENTION_DAYS = _period("SERVICELEAD_DRAFT_RETENTION_DAYS", 180)
SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS = _period("SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS", 730)
SERVICELEAD_READ_AUDIT_RETENTION_DAYS = _period("SERVICELEAD_READ_AUDIT_RETENTION_DAYS", 730)
SERVICELEAD_NOTIFICATION_RETENTION_DAYS = _period("SERVICELEAD_NOTIFICATION_RETENTION_DAYS", 365)
SERVICELEAD_DUTY_RETENTION_DAYS = _period("SERVICELEAD_DUTY_RETENTION_DAYS", 365)
SERVICELEAD_IMPORT_UPLOAD_RETENTION_HOURS = _period("SERVICELEAD_IMPORT_UPLOAD_RETENTION_HOURS", 6, least=1)
# The purpose of a kind in the agreement's own words, {kind: text} as JSON; unset: the product's wording.
SERVICELEAD_DATA_PURPOSES = env.json("SERVICELEAD_DATA_PURPOSES", default={})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
