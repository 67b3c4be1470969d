"""Celery application, wired the standard Django way, with a heartbeat step in every worker.

``WorkerHeartbeat`` runs in the worker's main process, on its event loop, every
SERVICELEAD_WORKER_HEARTBEAT_SECONDS: it replaces a database connection the server terminated (the main
process stores results when a pool process dies, and nothing else would ever replace it), and records a
heartbeat (``servicelead.health``) only while the worker can take work: consuming from the broker, the
database answering, and its prefetch window not filled by messages it holds but runs no task for (the
wedge that a dead connection once caused). ``manage.py worker_health`` and ``/readyz`` read it."""

import logging
import os

from celery import Celery, bootsteps

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.local")

app = Celery("servicelead")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def worker_can_take_work(worker):
    """True when ``worker`` consumes from the broker and either runs tasks or has room for the next one."""
    from celery.worker import state

    task_consumer = getattr(getattr(worker, "consumer", None), "task_consumer", None)
    if task_consumer is None:
        return False
    if state.active_requests or state.reserved_requests:
        return True
    can_consume = getattr(getattr(task_consumer.channel, "qos", None), "can_consume", None)
    return bool(can_consume()) if callable(can_consume) else True


def worker_heartbeat(worker):
    """One beat: reconnect and check the database, then record the heartbeat if the worker can take work."""
    from django.db import connections

    from . import health

    try:
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        if not worker_can_take_work(worker):
            logger.warning("worker %s cannot take work: no heartbeat", worker.hostname)
            return False
        health.worker_heartbeat_record(worker.hostname)
    except Exception as error:  # a beat reports, it never raises into the event loop
        logger.warning("worker %s: heartbeat not recorded: %s", worker.hostname, error)
        return False
    return True


class WorkerHeartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker):
        from . import health

        self.timer_ref = worker.timer.call_repeatedly(
            health.worker_heartbeat_seconds(), worker_heartbeat, (worker,), priority=10
        )

    def stop(self, worker):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None


app.steps["worker"].add(WorkerHeartbeat)
