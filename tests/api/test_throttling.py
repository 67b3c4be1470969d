"""Requests beyond the rate are answered 429 (the test settings raise the rates for the rest of the suite)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture
def low_rates(monkeypatch):
    # DRF reads the rates once at import; patch where the throttles look them up.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"})
    cache.clear()
    yield
    cache.clear()


def test_signed_in_user_is_throttled(api_for, org, low_rates):
    client = api_for("employee")
    statuses = [client.get(reverse("api:competency_list")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(reverse("api:competency_list"))
    assert "throttled" in response.json()["detail"].lower()
    assert int(response["Retry-After"]) > 0


def test_anonymous_client_is_throttled_on_open_endpoints(api_for, org, low_rates):
    # Closed endpoints refuse an anonymous request before counting it; the schema is open.
    client = api_for("anonymous")
    statuses = [client.get(reverse("api_schema")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_users_are_counted_apart(api_for, org, low_rates):
    for _ in range(3):
        api_for("employee").get(reverse("api:competency_list"))
    assert api_for("hr").get(reverse("api:competency_list")).status_code == 200
