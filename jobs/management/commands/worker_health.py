"""``manage.py worker_health [--hostname celery@HOST]``: exits 0 when the worker (or, without --hostname,
any worker) recorded its heartbeat recently, 1 otherwise. The worker container's health check: a worker
that cannot take work stops its heartbeat, and the orchestrator restarts it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicelead import health


class Command(BaseCommand):
    help = "Exit 0 when the Celery worker recorded a heartbeat recently (it can take work), else 1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hostname", default="", help="the worker's node name, e.g. celery@$HOSTNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        hostname = options["hostname"]
        try:
            alive = health.workers_alive(hostname or None)
        except Exception as error:
            raise CommandError(f"cannot read worker heartbeats: {type(error).__name__}") from error
        if not alive:
            raise CommandError(f"no recent heartbeat of {hostname or 'any worker'}")
        self.stdout.write(f"alive: {', '.join(alive)}")
