"""Routing a submitted declaration to the review queues of the agencies concerned."""

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from declarations.models import Declaration, GoodsItem, RoutingOutbox, StatusEvent
from declarations.notifications.models import NotificationCode
from declarations.notifications.services import notification_record

from ..clearance import clearance_merge
from ..models import Agency, ReviewTask, RoutingRule

logger = logging.getLogger(__name__)


def rule_matches(rule: RoutingRule, item: GoodsItem, declaration_type: str) -> bool:
    """Whether an active routing rule applies to a goods item; blank conditions match all.

    HS prefix against the item's HS code (WCO DM 145), origin against ISO 3166-1 alpha-2
    (WCO DM 063), declaration type IM/EX (first two characters of WCO DM D013).
    """
    return (
        rule.active
        and item.hs_code.startswith(rule.hs_prefix)
        and (not rule.origin_country or rule.origin_country.upper() == item.origin_country)
        and (not rule.declaration_type or rule.declaration_type == declaration_type)
    )


def routing_plan(
    items: Sequence[GoodsItem],
    declaration_type: str,
    rules: Iterable[RoutingRule],
    customs: Iterable[Agency],
) -> dict[Agency, list[GoodsItem]]:
    """Which agencies review which goods items: every matching rule's agency gets the item;
    customs agencies always get every item (WCO Single Window guidance: customs reviews all).
    """
    plan: dict[Agency, list[GoodsItem]] = {agency: list(items) for agency in customs}
    for rule in rules:
        matched = [item for item in items if rule_matches(rule, item, declaration_type)]
        if matched:
            assigned = plan.setdefault(rule.agency, [])
            assigned.extend(item for item in matched if item not in assigned)
    return plan


def _no_agency_error(sequences: Sequence[int]) -> str:
    items = ", ".join(str(n) for n in sequences) or "none"
    return (
        f"No agency is concerned with goods item(s) {items}: no customs agency is "
        "configured (Agency.is_customs) and no active routing rule matches. Configure a "
        "customs agency or a rule, then retry the routing."
    )


def _routing_failed(outbox: RoutingOutbox, error: str) -> None:
    logger.error("routing of declaration %s failed: %s", outbox.declaration_id, error)
    outbox.failed_at = timezone.now()
    outbox.last_error = error
    outbox.save(update_fields=["failed_at", "last_error"])


def declaration_route(declaration_id: int) -> list[ReviewTask]:
    """Fan a submitted declaration out: create one review task per agency concerned.

    Idempotent: the outbox row is locked and checked first, so a second or concurrent run
    (re-driven message, redelivery after a worker crash) creates nothing; the unique
    (declaration, agency) constraint backs this up. Returns the tasks created by this run.

    Every goods item must reach at least one agency (customs takes all of them, WCO Single
    Window guidance); if one would reach none, nothing is created, the declaration stays
    submitted and its outbox row is marked failed with the error an administrator sees.
    """
    with transaction.atomic():
        outbox = (
            RoutingOutbox.objects.select_for_update()
            .filter(declaration_id=declaration_id, done_at=None)
            .first()
        )
        if outbox is None:
            return []
        declaration = Declaration.objects.select_for_update(no_key=True).get(pk=declaration_id)
        items = list(declaration.items.order_by("sequence"))
        rules = RoutingRule.objects.filter(active=True).select_related("agency")
        customs = Agency.objects.filter(is_customs=True)
        plan = routing_plan(items, declaration.type_code, rules, customs)
        covered = {item.pk for assigned in plan.values() for item in assigned}
        orphans = [item.sequence for item in items if item.pk not in covered]
        if orphans or not items:
            # No agency would ever decide these items, so the declaration would stay under
            # review for ever: it stays submitted and the row is marked failed, for an
            # administrator to fix the agencies or rules and retry (admin "Routing outbox").
            _routing_failed(outbox, _no_agency_error(orphans))
            return []
        # The outbox lock makes this the only run; skipping agencies that already have a
        # task keeps even a manually reset outbox row from creating duplicates.
        existing = set(declaration.review_tasks.values_list("agency_id", flat=True))
        now = timezone.now()
        created = ReviewTask.objects.bulk_create(
            ReviewTask(
                declaration=declaration,
                agency=agency,
                due_at=now + timedelta(hours=agency.service_hours),
            )
            for agency in plan
            if agency.pk not in existing
        )
        ReviewTask.items.through.objects.bulk_create(
            ReviewTask.items.through(reviewtask_id=task.pk, goodsitem_id=item.pk)
            for task in created
            for item in plan[task.agency]
        )
        outbox.done_at = now
        outbox.save(update_fields=["done_at"])
        Declaration.objects.filter(pk=declaration.pk).update(routed_at=now)
        routed = StatusEvent.objects.create(
            declaration=declaration,
            kind=StatusEvent.Kind.ROUTED,
            message=", ".join(sorted(agency.name for agency in plan)),
        )
        notification_record(
            routed, NotificationCode.ROUTED, declaration=declaration, agencies=routed.message
        )
        clearance_merge(declaration)
    return created
