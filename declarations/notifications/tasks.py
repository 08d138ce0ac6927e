"""Celery tasks of notifications. Thin: each takes IDs and calls one service."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .delivery import delivery_attempt
from .models import DeliveryStatus, NotificationDelivery
from .services import delivery_dispatch

logger = logging.getLogger(__name__)


@shared_task(name="notifications.deliver", acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int) -> str:
    """One attempt of a delivery (idempotent: an attempt not due or held elsewhere is a
    no-op). A short backoff is sent as a countdown; longer ones are left to the re-drive,
    so no message waits long in Redis."""
    outcome = delivery_attempt(delivery_id)
    if outcome is None:
        return "nothing due"
    if outcome.retry_in is not None and outcome.retry_in <= settings.NOTIFICATION_COUNTDOWN_MAX:
        delivery_dispatch(delivery_id, countdown=int(outcome.retry_in) or 1)
    return outcome.status


@shared_task(name="notifications.redrive_deliveries")
def redrive_deliveries(limit: int = 500) -> int:
    """Send the task for every pending delivery whose next attempt is due (a lost message,
    a dead worker, a backoff longer than a countdown). Returns how many were sent."""
    due = list(
        NotificationDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        if not delivery_dispatch(delivery_id):
            break  # broker still down; next beat tick tries again
    return len(due)
