"""What the broker holds: the ids of the Celery tasks waiting in Redis or delivered to a worker that has not
acknowledged them. The sweep (``services.jobs_requeue``) sends a queued job again when the broker holds
none of its messages (e.g. Redis restarted empty) instead of waiting out the visibility timeout.

This reads kombu's Redis layout: a list per queue (one per priority step) and the ``unacked`` hash with
its ``unacked_index`` of delivery times."""

import json
import logging
import time
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# kombu's separator between a queue's name and its priority step, and its priority steps.
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (0, 3, 6, 9)


def task_ids_held() -> set[str] | None:
    """Ids of the tasks the broker holds: queued, or delivered to a worker within the last
    ``SERVICELEAD_JOBS_SWEEP_SECONDS`` * 2 (older deliveries of a job still queued were lost with their
    worker). None when the broker cannot be read (not Redis, or unreachable): the caller cannot tell."""
    url = settings.REDIS_URL or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    prefix = options.get("global_keyprefix", "")
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    unacked = prefix + options.get("unacked_key", "unacked")
    index = prefix + options.get("unacked_index_key", "unacked_index")
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        held: set[str] = set()
        for step in _PRIORITY_STEPS:
            key = prefix + (queue if not step else f"{queue}{_PRIORITY_SEPARATOR}{step}")
            held.update(_task_id(raw) for raw in client.lrange(key, 0, -1))
        recent = time.time() - 2 * sweep_seconds()
        tags: list[Any] = list(client.zrangebyscore(index, recent, "+inf"))
        if tags:
            held.update(_task_id(raw, delivered=True) for raw in client.hmget(unacked, tags) if raw)
    except redis.RedisError as error:
        logger.warning("cannot read what the broker holds: %s", error)
        return None
    finally:
        client.close()
    held.discard("")
    return held


def sweep_seconds() -> float:
    return float(getattr(settings, "SERVICELEAD_JOBS_SWEEP_SECONDS", 30))


def _task_id(raw: bytes | str, *, delivered: bool = False) -> str:
    """The task id of a message as kombu stores it (a delivered one is wrapped with its exchange)."""
    try:
        message = json.loads(raw)
        if delivered:
            message = message[0]
        return str(message["headers"]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
