"""A broker that accepts connections but never answers (a frozen Redis) must not hold a
submission: the send times out (``CELERY_BROKER_TRANSPORT_OPTIONS`` socket timeouts), the
trader gets the normal 201, and the outbox row keeps the work for the re-drive."""

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from declarations.models import ClearanceStatus, Declaration, RoutingOutbox, Trader
from tests.api.conftest import ApiAs
from tests.conftest import celery_through_broker
from tests.factories import VALID_DOCUMENT


@pytest.fixture
def frozen_broker() -> Iterator[str]:
    """A TCP server on a spare local port that accepts every connection, reads what it is
    sent and never writes a byte: what a hung Redis looks like to a client."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)  # kept open, never answered

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with celery_through_broker(f"redis://127.0.0.1:{port}/0"):
        yield f"127.0.0.1:{port}"
    stop.set()
    thread.join()
    server.close()
    for connection in accepted:
        connection.close()
    assert accepted, "the client never connected to the frozen broker"


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
