"""Webhook deliveries to a real HTTP receiver on 127.0.0.1: signed in the Standard
Webhooks format, retried with exponential backoff after a timeout, each attempt logged,
the same event id on every attempt, so the receiver keeps each event once."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from agencies.models import Agency, Officer
from agencies.services import review_decide
from declarations.models import Trader
from declarations.notifications.delivery import backoff_seconds, delivery_attempt
from declarations.notifications.models import (
    Channel,
    DeliveryStatus,
    NotificationCode,
    NotificationDelivery,
)
from declarations.notifications.services import webhook_set
from tests.conftest import COFFEE, MakeDeclaration, closed_port, review_of

from .conftest import Receiver

pytestmark = pytest.mark.django_db


def webhook_deliveries() -> list[NotificationDelivery]:
    return list(
        NotificationDelivery.objects.filter(channel=Channel.WEBHOOK)
        .select_related("notification")
        .order_by("pk")
    )


@override_settings(WEBHOOK_TIMEOUT_SECONDS=0.5, NOTIFICATION_RETRY_BASE_SECONDS=60)
def test_a_receiver_that_times_out_once_gets_each_event_once_with_the_same_id(
    receiver: Receiver,
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a routed declaration (before the webhook was set: not sent), the company's
    # endpoint, and a receiver slow to answer its first request
    declaration = make_routed_declaration(trader_a, [COFFEE])
    _webhook, receiver.secret = webhook_set(user=trader_a.user, url=receiver.url)
    assert receiver.secret.startswith("whsec_")
    receiver.slow_first = 1.5
    assert webhook_deliveries() == []

    # When customs decides (the delivery task runs after commit, here in the process)
    review = review_of(declaration, agencies["customs"])
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(user=officer_customs.user, review_id=review.pk, decision="approved")

    # Then the first attempt timed out and is logged, with a retry due after the backoff
    [delivery] = webhook_deliveries()
    assert delivery.notification.code == NotificationCode.AGENCY_OUTCOME
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    first = delivery.attempt_log.get()
    assert not first.ok and "timed out" in first.error.lower()
    assert delivery.next_attempt_at >= first.at + timedelta(seconds=60)
    # And nothing is attempted again before it is due
    assert delivery_attempt(delivery.pk) is None

    # When the retry is due
    outcome = delivery_attempt(delivery.pk, now=delivery.next_attempt_at)

    # Then it is delivered; both attempts are logged
    assert outcome is not None and outcome.status == DeliveryStatus.DELIVERED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert [(a.number, a.ok, a.status_code) for a in delivery.attempt_log.all()] == [
        (1, False, None),
        (2, True, 204),
    ]
    # And the receiver saw the event twice with one id and valid signatures: it keeps one
    assert len(receiver.requests) == 2
    assert all(request["valid"] for request in receiver.requests)
    event_id = f"msg_{delivery.notification.uid.hex}"
    assert receiver.events_once() == [event_id]
    body = receiver.requests[1]["body"]
    assert body["type"] == "review.outcome"
    assert body["data"]["declaration"]["mrn"] == declaration.mrn
    assert body["data"]["event_id"] == str(delivery.notification.uid)
    # And a later attempt of a delivered event sends nothing
    assert delivery_attempt(delivery.pk, now=timezone.now() + timedelta(days=1)) is None
    assert len(receiver.requests) == 2


def test_a_wrong_secret_fails_the_receivers_check(
    receiver: Receiver,
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    webhook_set(user=trader_a.user, url=receiver.url)
    _other, receiver.secret = webhook_set(user=trader_a.user, url=receiver.url)  # rotated
    webhook_set(user=trader_a.user, url=receiver.url, secret="whsec_" + "QUJD" * 8)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_of(declaration, agencies["customs"])
        review_decide(user=officer_customs.user, review_id=review.pk, decision="approved")
    assert receiver.requests and not any(request["valid"] for request in receiver.requests)


@override_settings(NOTIFICATION_MAX_ATTEMPTS=3, WEBHOOK_TIMEOUT_SECONDS=0.5)
def test_an_unreachable_endpoint_is_retried_with_growing_waits_then_given_up(
    make_routed_declaration: MakeDeclaration,
    trader_a: Trader,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhook_set(user=trader_a.user, url=f"http://127.0.0.1:{closed_port()}/hook")
    with django_capture_on_commit_callbacks(execute=False):
        make_routed_declaration(trader_a, [COFFEE])
    [delivery] = webhook_deliveries()
    now = timezone.now()
    waits = []
    for _attempt in range(3):
        outcome = delivery_attempt(delivery.pk, now=now)
        assert outcome is not None
        delivery.refresh_from_db()
        if outcome.retry_in is not None:
            waits.append(outcome.retry_in)
            now = delivery.next_attempt_at
    assert waits == [backoff_seconds(1), backoff_seconds(2)]
    assert waits[1] == 2 * waits[0]
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_log.count() == 3 and "refused" in delivery.last_error.lower()
    assert delivery_attempt(delivery.pk, now=now + timedelta(days=1)) is None
