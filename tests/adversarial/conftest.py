"""Shared checks of the adversarial tests: whatever a hostile request sends, the answer is
never a 5xx, an error answer has the API's one error shape, and a refused request leaves
nothing behind (no declaration, goods item, history line or outbox row)."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.test import APIClient

from agencies.models import ReviewTask
from declarations.models import Declaration, GoodsItem, RoutingOutbox, StatusEvent

ENTRY_KEYS = {"code", "severity", "pointer", "path", "message"}


class Tally:
    """How many hostile requests ran and how many answered 5xx (reported at the end)."""

    def __init__(self) -> None:
        self.requests = 0
        self.server_errors = 0


TALLY = Tally()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TALLY.requests:
        terminalreporter.write_line(
            f"adversarial: {TALLY.requests} hostile requests, {TALLY.server_errors} 5xx"
        )


def _rows() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Declaration, GoodsItem, StatusEvent, RoutingOutbox, ReviewTask)
    )


def post_hostile(client: APIClient, path: str, body: bytes, content_type: str) -> Any:
    """POST ``body``; assert no 5xx, a well-formed error (or a real success), and no partial
    save on refusal. Returns the response."""
    before = _rows()
    response = client.generic("POST", path, body, content_type=content_type)
    TALLY.requests += 1
    if response.status_code >= 500:
        TALLY.server_errors += 1
    assert response.status_code < 500, (response.status_code, body[:500])
    if response.status_code in (200, 201):
        return response
    assert 400 <= response.status_code < 500, response.status_code
    payload = json.loads(response.content)
    assert set(payload) == {"errors", "warnings"}, payload
    assert payload["errors"], payload
    for entry in payload["errors"] + payload["warnings"]:
        assert set(entry) == ENTRY_KEYS, entry
        assert all(isinstance(entry[key], str) for key in ENTRY_KEYS), entry
        assert entry["message"], entry
    assert _rows() == before, "a refused request left rows behind"
    return response


@pytest.fixture
def hostile_client(trader_a: Any, agencies: Any) -> Iterator[APIClient]:
    """Trader A's API client (session), with the demo agencies for any request accepted."""
    client = APIClient()
    user: AbstractBaseUser = trader_a.user
    client.force_login(user)
    yield client
