"""Celery tasks of the agencies app. Thin: each takes IDs and calls one service."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from declarations.models import RoutingOutbox
from declarations.services import routing_dispatch, routing_error_record

from .services import declaration_route, reviews_escalate

logger = logging.getLogger(__name__)


@shared_task(name="agencies.tasks.route_declaration", acks_late=True, reject_on_worker_lost=True)
def route_declaration(declaration_id: int) -> int:
    """Fan one submitted declaration out to agency review queues; returns tasks created.

    A crash is kept on the outbox row (``last_error``, seen in the admin) and raised again,
    so the worker logs it and the tests fail on it; the row stays pending for the re-drive.
    """
    try:
        return len(declaration_route(declaration_id))
    except Exception as error:
        routing_error_record(declaration_id, f"fan-out failed: {error!r}")
        raise


@shared_task(name="agencies.tasks.escalate_overdue_reviews")
def escalate_overdue_reviews() -> int:
    """Escalate each review task newly past its service deadline, once (periodic, beat);
    returns how many were escalated by this run."""
    return reviews_escalate()


@shared_task(name="agencies.tasks.redrive_routing")
def redrive_routing(limit: int = 500) -> int:
    """Resend the fan-out of declarations whose outbox row is still pending after a while
    (message lost with Redis, worker killed). Safe to overlap with the normal path: the
    fan-out itself is idempotent. Returns how many were really sent: it stops at the first
    send that fails (the broker is down; the next beat tick tries again).

    A row re-driven ``ROUTING_MAX_ATTEMPTS`` times without being routed is not re-driven
    blindly any more: it is marked failed with its last error, for an administrator to see
    in the admin and retry once the cause is fixed.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.ROUTING_REDRIVE_AFTER_SECONDS)
    due = RoutingOutbox.objects.filter(done_at=None, failed_at=None, created_at__lt=cutoff)
    given_up = due.filter(attempts__gte=settings.ROUTING_MAX_ATTEMPTS)
    for outbox in given_up:
        logger.error(
            "routing of declaration %s failed after %d attempts: %s",
            outbox.declaration_id,
            outbox.attempts,
            outbox.last_error or "no error recorded",
        )
    given_up.update(failed_at=timezone.now())
    pending = list(
        due.filter(attempts__lt=settings.ROUTING_MAX_ATTEMPTS)
        .exclude(last_sent_at__gte=cutoff)
        .order_by("created_at")
        .values_list("declaration_id", flat=True)[:limit]
    )
    sent = 0
    for declaration_id in pending:
        RoutingOutbox.objects.filter(declaration_id=declaration_id).update(
            attempts=F("attempts") + 1, last_sent_at=timezone.now()
        )
        if not routing_dispatch(declaration_id):
            break  # broker still down; next beat tick tries again
        sent += 1
    if pending:
        logger.info("re-drove routing of %d of %d declaration(s)", sent, len(pending))
    return sent
