"""A broker that accepts connections but never answers (a frozen Redis) must not hold a
submission: the send times out (``CELERY_BROKER_TRANSPORT_OPTIONS`` socket timeouts), the
trader gets the normal 201, and the outbox row keeps the work for the re-drive. The cache
(the API's throttles) on a frozen Redis fails open (``singlewindow.cache``)."""

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from declarations.models import ClearanceStatus, Declaration, RoutingOutbox, Trader
from tests.api.conftest import ApiAs
from tests.conftest import celery_through_broker, closed_port
from tests.factories import VALID_DOCUMENT
from tests.frozen_redis import FrozenRedis


@pytest.fixture
def frozen_redis() -> Iterator[FrozenRedis]:
    server = FrozenRedis()
    yield server
    server.close()


@pytest.fixture
def frozen_broker(frozen_redis: FrozenRedis) -> Iterator[str]:
    """Celery sends through the frozen Redis inside the test."""
    with celery_through_broker(f"redis://{frozen_redis.address}/0"):
        yield frozen_redis.address
    assert frozen_redis.accepted, "the client never connected to the frozen broker"


def fail_open_cache(location: str, **params: Any) -> dict[str, Any]:
    """``CACHES`` with the portal's cache backend at ``location`` (short socket timeouts:
    the wait they bound is the only one a frozen Redis may cause)."""
    return {
        "default": {
            "BACKEND": "singlewindow.cache.FailOpenRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "sw-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            **params,
        }
    }


@pytest.fixture(autouse=True)
def _cache_not_resting() -> Iterator[None]:
    """Each test starts with no Redis location left alone after an earlier failure."""
    from singlewindow import cache as fail_open

    fail_open._resting_until.clear()
    yield
    fail_open._resting_until.clear()


@pytest.mark.django_db(transaction=True)
def test_a_submission_answers_while_the_broker_is_frozen(
    frozen_broker: str, api_as: ApiAs, trader_a: Trader, agencies: Any
) -> None:
    # Given Redis accepts connections and never answers
    client = api_as(trader_a.user)

    # When the trader lodges a declaration (on-commit dispatch runs for real: transaction)
    response = client.post("/api/v1/declarations/", VALID_DOCUMENT, format="json")

    # Then the answer is the normal one, the declaration is lodged, and the outbox row keeps
    # the fan-out with the broker's error, for the re-drive
    assert response.status_code == 201, response.content[:2000]
    declaration = Declaration.objects.get(pk=response.json()["id"])
    assert declaration.status == ClearanceStatus.SUBMITTED
    outbox = RoutingOutbox.objects.get(declaration=declaration)
    assert outbox.done_at is None and outbox.failed_at is None
    assert "not sent to the task queue" in outbox.last_error


@pytest.mark.django_db
def test_throttled_api_answers_while_the_cache_redis_is_frozen(
    frozen_redis: FrozenRedis, api_as: ApiAs, trader_a: Trader, caplog: Any
) -> None:
    # Given the cache (the throttles' counters) is on a Redis that never answers
    with override_settings(CACHES=fail_open_cache(f"redis://{frozen_redis.address}/0")):
        client = api_as(trader_a.user)

        # When the trader calls the API (throttled per user), twice
        first = client.get("/api/v1/declarations/")
        connections = len(frozen_redis.accepted)
        second = client.get("/api/v1/declarations/")

    # Then both answer normally, the failure is logged once, and the second request left
    # the frozen Redis alone (no new connection: the process rests it)
    assert (first.status_code, second.status_code) == (200, 200)
    assert connections >= 1 and len(frozen_redis.accepted) == connections
    failures = [r for r in caplog.records if r.name == "singlewindow.cache"]
    assert len(failures) == 1 and "TimeoutError" in failures[0].getMessage()


@pytest.mark.django_db
def test_a_submission_answers_while_both_broker_and_cache_are_frozen(
    frozen_broker: str, api_as: ApiAs, trader_a: Trader, agencies: Any
) -> None:
    with override_settings(CACHES=fail_open_cache(f"redis://{frozen_broker}/1")):
        response = api_as(trader_a.user).post(
            "/api/v1/declarations/", VALID_DOCUMENT, format="json"
        )

    assert response.status_code == 201, response.content[:2000]
    assert Declaration.objects.get().status == ClearanceStatus.SUBMITTED


def test_a_cache_on_a_closed_port_answers_as_an_empty_cache() -> None:
    with override_settings(CACHES=fail_open_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        assert cache.get("key", "default") == "default"
        cache.set("key", "value")
        assert cache.add("key", "value") is False
        assert cache.incr("counter", 5) == 5
        assert cache.get_many(["key"]) == {}
        assert cache.delete("key") is False


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis (REDIS_URL)")
@pytest.mark.django_db
def test_on_a_working_redis_the_cache_counts_and_the_throttle_limits(
    api_as: ApiAs, trader_a: Trader, settings: Any
) -> None:
    from rest_framework.throttling import SimpleRateThrottle

    saved = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**saved, "user": "2/min"}
    try:
        # A prefix of its own: the database may be shared, so nothing is flushed.
        caches = fail_open_cache(os.environ["REDIS_URL"], KEY_PREFIX=f"sw-test-{uuid.uuid4()}")
        with override_settings(CACHES=caches):
            cache.set("key", "value", 60)
            assert cache.get("key") == "value"
            client = api_as(trader_a.user)
            answers = [client.get("/api/v1/declarations/").status_code for _ in range(3)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved
    assert answers == [200, 200, 429]
