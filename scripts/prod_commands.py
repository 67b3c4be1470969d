"""The production processes, defined once.

``docker-compose.yml`` runs them in containers; ``scripts/prod_stack.py`` runs the very same argument
lists natively for ``make prod-smoke`` and ``make load``; ``tests/test_compose.py`` fails when the compose
file says anything else. What may differ between the two is only what a deployment decides: the address
gunicorn binds (``{bind}``) and the process counts, which gunicorn reads from ``WEB_CONCURRENCY`` and the
Celery worker from ``CELERY_CONCURRENCY`` (servicelead/settings/production.py)."""

SETTINGS_MODULE = "servicelead.settings.production"

# The address gunicorn binds in a container; natively the stack binds 127.0.0.1 on a free port.
COMPOSE_BIND = "0.0.0.0:8000"

# One-off steps before the services start: compose's ``migrate`` service, and the Dockerfile's build step.
MIGRATE = ("python", "manage.py", "migrate", "--noinput")
COLLECTSTATIC = ("python", "manage.py", "collectstatic", "--noinput")

# Compose service → command. ``migrate`` runs to completion; the others run until stopped.
SERVICES = {
    "migrate": MIGRATE,
    "web": (
        "gunicorn",
        "servicelead.wsgi:application",
        "--bind={bind}",
        # Threads in each process: a request waiting for PostgreSQL or Redis leaves the core to another,
        # one slow page does not hold a whole process, and connections are kept alive.
        "--worker-class=gthread",
        "--threads=4",
        # An idle connection is kept longer than a proxy or browser keeps it (proxies: 60 s), so the
        # client always closes first; else a request sent as gunicorn closes it fails (POSTs are not retried).
        "--keep-alive=75",
        "--timeout=60",
        "--graceful-timeout=20",
        # A worker is replaced after a while, so memory a long-lived process accumulates is given back;
        # seldom, as it closes the idle keep-alive connections it holds, and a client that sends on one just
        # then sees it closed (browsers send again; a POST from a script may fail).
        "--max-requests=10000",
        "--max-requests-jitter=1000",
    ),
    "worker": ("celery", "-A", "servicelead", "worker", "--loglevel=INFO"),
    "beat": ("celery", "-A", "servicelead", "beat", "--loglevel=INFO"),
}
LONG_RUNNING = ("web", "worker", "beat")

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def command(service, *, bind=COMPOSE_BIND):
    """The argument list of ``service``, with gunicorn bound to ``bind``."""
    return [part.format(bind=bind) for part in SERVICES[service]]
