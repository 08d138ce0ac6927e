"""API rate limits: per user and per anonymous address, 429 with Retry-After."""

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from declarations.models import Trader
from tests.api.helpers import codes_of

pytestmark = pytest.mark.django_db

DECLARATIONS = "/api/v1/declarations/"


def rates(settings: Any, **changed: str) -> None:
    """Change the DRF throttle rates (the throttle classes read them at import)."""
    from rest_framework.throttling import SimpleRateThrottle

    new = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changed}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": new}
    SimpleRateThrottle.THROTTLE_RATES = new
    cache.clear()


@pytest.fixture(autouse=True)
def _restore_rates(settings: Any) -> Any:
    from rest_framework.throttling import SimpleRateThrottle

    saved = SimpleRateThrottle.THROTTLE_RATES
    yield
    SimpleRateThrottle.THROTTLE_RATES = saved


def test_a_user_over_the_limit_gets_429_with_retry_after(
    trader_a: Trader, trader_b: Trader, settings: Any
) -> None:
    rates(settings, user="3/min")
    client = APIClient()
    client.force_login(trader_a.user)

    answers = [client.get(DECLARATIONS).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    response = client.get(DECLARATIONS)
    assert codes_of(response, 429) == {"throttled"}
    assert 0 < int(response["Retry-After"]) <= 60
    # The limit is per user: another trader on the same address is not slowed
    other = APIClient()
    other.force_login(trader_b.user)
    assert other.get(DECLARATIONS).status_code == 200


def test_anonymous_requests_are_limited_per_address(settings: Any, db: None) -> None:
    rates(settings, anon="2/min")

    answers = [APIClient(REMOTE_ADDR="10.1.1.1").get(DECLARATIONS).status_code for _ in range(3)]

    assert answers == [401, 401, 429]
    assert APIClient(REMOTE_ADDR="10.1.1.2").get(DECLARATIONS).status_code == 401


def test_the_token_endpoint_has_its_own_limit(trader_a: Trader, settings: Any) -> None:
    rates(settings, auth="2/min", anon="100/min")
    client = APIClient(REMOTE_ADDR="10.2.2.2")
    body = {"username": "nobody", "password": "x"}

    answers = [client.post("/api/v1/auth/token/", body, format="json").status_code for _ in "abc"]

    assert answers == [400, 400, 429]
