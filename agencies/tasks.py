"""Celery tasks of the agencies app. Thin: each takes IDs and calls one service."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from declarations.models import RoutingOutbox
from declarations.services import routing_dispatch

from .services import declaration_route, reviews_escalate

logger = logging.getLogger(__name__)


@shared_task(name="agencies.tasks.route_declaration", acks_late=True, reject_on_worker_lost=True)
def route_declaration(declaration_id: int) -> int:
    """Fan one submitted declaration out to agency review queues; returns tasks created."""
    return len(declaration_route(declaration_id))


@shared_task(name="agencies.tasks.escalate_overdue_reviews")
def escalate_overdue_reviews() -> int:
    """Escalate each review task newly past its service deadline, once (periodic, beat);
    returns how many were escalated by this run."""
    return reviews_escalate()


@shared_task(name="agencies.tasks.redrive_routing")
def redrive_routing(limit: int = 500) -> int:
    """Resend the fan-out of declarations whose outbox row is still pending after a while
    (message lost with Redis, worker killed). Safe to overlap with the normal path: the
    fan-out itself is idempotent. Returns how many were resent.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.ROUTING_REDRIVE_AFTER_SECONDS)
    pending = list(
        RoutingOutbox.objects.filter(done_at=None, created_at__lt=cutoff)
        .exclude(last_sent_at__gte=cutoff)
        .order_by("created_at")
        .values_list("declaration_id", flat=True)[:limit]
    )
    for declaration_id in pending:
        RoutingOutbox.objects.filter(declaration_id=declaration_id).update(
            attempts=F("attempts") + 1, last_sent_at=timezone.now()
        )
        if not routing_dispatch(declaration_id):
            break  # broker still down; next beat tick tries again
    if pending:
        logger.info("re-drove routing of %d declaration(s)", len(pending))
    return len(pending)
