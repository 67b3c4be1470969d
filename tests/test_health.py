"""/healthz and /readyz: what load balancers and orchestrators ask before sending traffic."""

import socket
import time

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings
from django.urls import reverse

from servicelead import celery, health


def closed_port():
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: a query would fail the test.
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_readyz_is_ready_with_database_and_migrations(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_is_unavailable_with_an_unapplied_migration(client):
    applied = MigrationRecorder.Migration.objects.filter(app="qualification").order_by("-id").first()
    applied.delete()  # the test's transaction restores it
    with override_settings(REDIS_URL=""):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {
        "ok": False,
        "error": "RuntimeError",
        "ms": body["checks"]["migrations"]["ms"],
    }


@pytest.mark.django_db
def test_readyz_is_unavailable_quickly_when_the_broker_is_unreachable(client):
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0"):
        started = time.perf_counter()
        response = client.get(reverse("readyz"))
        seconds = time.perf_counter() - started
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is False
    assert checks["database"]["ok"] and checks["migrations"]["ok"]
    assert seconds < 2 * health.BROKER_TIMEOUT_SECONDS + 1


@pytest.mark.django_db
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)")
def test_readyz_checks_the_broker_when_jobs_go_through_redis(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["ok"] is True


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_readyz_is_unavailable_without_a_database_and_names_only_the_error_type(client, monkeypatch):
    def unreachable():
        raise OperationalError('connection to server at "db.internal" (10.1.2.3), port 5432 failed')

    monkeypatch.setattr(health, "check_database", unreachable)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["error"] == "OperationalError"
    assert checks["migrations"]["ok"] is False
    assert "db.internal" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_probes_answer_on_any_host_and_over_plain_http_in_production(client, name):
    """A probe comes with the container's address as Host and without HTTPS; other paths stay strict."""
    production_like = override_settings(
        ALLOWED_HOSTS=["servicelead.example.com"],
        SECURE_SSL_REDIRECT=True,
        REDIS_URL="",
        MIDDLEWARE=["servicelead.health.HealthCheckMiddleware", *settings.MIDDLEWARE],
    )
    with production_like:
        probe = client.get(reverse(name), HTTP_HOST="10.0.0.7:8000")
        page = client.get(reverse("login"), HTTP_HOST="10.0.0.7:8000")
        redirected = client.get(reverse("login"), HTTP_HOST="servicelead.example.com")
    assert probe.status_code == 200
    assert page.status_code == 400
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://servicelead.example.com/")


# --------------------------------------------------------------------------------------------------
# Workers: a heartbeat while they can take work


@pytest.fixture
def jobs_on_workers(settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.SERVICELEAD_JOBS_ON_WORKERS = True
    monkeypatch.setattr(health, "check_broker", lambda: None)


@pytest.mark.django_db
def test_readyz_is_unavailable_while_no_worker_heartbeat_is_fresh(client, jobs_on_workers, monkeypatch):
    monkeypatch.setattr(health, "workers_alive", lambda hostname=None: [])
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == {
        "ok": False,
        "error": "RuntimeError",
        "ms": response.json()["checks"]["workers"]["ms"],
    }
    monkeypatch.setattr(health, "workers_alive", lambda hostname=None: ["celery@worker-1"])
    assert client.get(reverse("readyz")).status_code == 200


class FakeWorker:
    """What the heartbeat reads of a Celery worker: its node name and its consumer's channel QoS."""

    def __init__(self, *, room):
        self.hostname = "celery@fake"
        qos = type("QoS", (), {"can_consume": lambda self: room})()
        channel = type("Channel", (), {"qos": qos})()
        self.consumer = type("Consumer", (), {"task_consumer": type("C", (), {"channel": channel})()})()


@pytest.mark.django_db
def test_a_worker_whose_prefetch_window_is_full_of_dead_messages_records_no_heartbeat(monkeypatch):
    recorded = []
    monkeypatch.setattr(health, "worker_heartbeat_record", recorded.append)
    assert celery.worker_heartbeat(FakeWorker(room=False)) is False
    assert celery.worker_heartbeat(FakeWorker(room=True)) is True
    assert recorded == ["celery@fake"]


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)")
def test_a_worker_heartbeat_is_read_back_and_expires(settings):
    settings.SERVICELEAD_WORKER_HEARTBEAT_SECONDS = 0.1
    health.worker_heartbeat_record("celery@heartbeat-test")
    assert health.workers_alive("celery@heartbeat-test") == ["celery@heartbeat-test"]
    assert "celery@heartbeat-test" in health.workers_alive()
    time.sleep(0.4)  # the key's own expiry (three intervals) is what is tested
    assert health.workers_alive("celery@heartbeat-test") == []


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)")
def test_the_worker_health_command_fails_without_a_heartbeat(settings):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no recent heartbeat"):
        call_command("worker_health", "--hostname", "celery@never-started")
