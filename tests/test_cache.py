"""servicelead.cache: with Redis unreachable, pages, the API and its throttling carry on uncached."""

import logging
import socket

import pytest
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from servicelead.cache import ResilientRedisCache


@pytest.fixture
def unreachable_redis(settings):
    """Both caches on a Redis that refuses every connection: a port on this machine nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = {
        "BACKEND": "servicelead.cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry_seconds": 0},
    }
    settings.CACHES = {"default": backend, "analysis": {**backend, "KEY_PREFIX": "analysis"}}
    return port


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"})


def test_the_api_answers_while_redis_is_down(org, unreachable_redis, low_rates, caplog):
    client = APIClient()
    client.force_login(org.users["lead_a"])
    url = reverse("api:team_gap_analysis", kwargs={"team_id": org.team_a.pk})
    with caplog.at_level(logging.WARNING, logger="servicelead.cache"):
        statuses = [client.get(url).status_code for _ in range(5)]
    # Nothing can be counted, so nobody is throttled; nothing fails either.
    assert statuses == [200] * 5
    assert "cache unreachable" in caplog.text


def test_pages_answer_while_redis_is_down(client_for, org, unreachable_redis):
    assert (
        client_for("lead_a").get(reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk})).status_code
        == 200
    )
    assert client_for("hr").get(reverse("home")).status_code == 200
    assert client_for("hr").get(reverse("teams:organisation")).status_code == 200


def test_an_unreachable_cache_is_left_alone_for_a_while(unreachable_redis, monkeypatch):
    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{unreachable_redis}/0",
        {"OPTIONS": {"socket_connect_timeout": 1, "retry_seconds": 60}},
    )
    assert cache.get("key", "fallback") == "fallback"
    assert not cache.is_available

    def tried(*args, **kwargs):
        raise AssertionError("asked Redis again")

    # Skipped without trying: a Redis that hangs would otherwise cost every call its timeout.
    for method in ("get", "get_many", "add", "set", "incr", "delete"):
        monkeypatch.setattr(RedisCache, method, tried)
    assert cache.get("key", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("key", 1) is False
    cache.set("key", 1)
    assert cache.incr("key") is None
    assert cache.delete("key") is False
