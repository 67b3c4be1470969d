"""Celery's result backend in the database (django-celery-results), made to survive a terminated
connection.

The worker's main process reads and writes results itself when a pool process dies under a task (was a
success stored? then the failure or the retry). It runs outside any request, so nothing ever replaced a
connection that PostgreSQL had terminated: every later lost pool process raised ``OperationalError('the
connection is closed')`` in the pool callback, left its message unacknowledged, and once those filled the
prefetch window the worker took no work at all. Here a connection error closes the connection and the
operation is tried again on a new one (``CELERY_RESULT_BACKEND_ALWAYS_RETRY``, bounded by
``CELERY_RESULT_BACKEND_MAX_RETRIES``)."""

from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django_celery_results.backends.database import DatabaseBackend


class ReconnectingDatabaseBackend(DatabaseBackend):
    def exception_safe_to_retry(self, exc: Any) -> bool:
        if isinstance(exc, OperationalError | InterfaceError):
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close()
            return True
        return bool(super().exception_safe_to_retry(exc))
