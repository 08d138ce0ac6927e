"""Routing declarations to agencies, officers' decisions and the merged clearance status."""

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.models import (
    OPEN_STATUSES,
    ClearanceStatus,
    Declaration,
    GoodsItem,
    RoutingOutbox,
    StatusEvent,
)
from declarations.selectors import access_declaration
from declarations.services import declaration_set_status

from .models import Agency, Officer, ReviewStatus, ReviewTask, RoutingRule
from .selectors import access_review


class DecisionInvalid(Exception):
    """A decision or response that cannot be taken; ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


# --- routing ------------------------------------------------------------------------------


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


def declaration_route(declaration_id: int) -> list[ReviewTask]:
    """Fan a submitted declaration out: create one review task per agency concerned.

    Idempotent: the outbox row is locked and checked first, so a second or concurrent run
    (re-driven message, redelivery after a worker crash) creates nothing; the unique
    (declaration, agency) constraint backs this up. Returns the tasks created by this run.
    """
    with transaction.atomic():
        outbox = (
            RoutingOutbox.objects.select_for_update()
            .filter(declaration_id=declaration_id, done_at=None)
            .first()
        )
        if outbox is None:
            return []
        declaration = Declaration.objects.select_for_update().get(pk=declaration_id)
        items = list(declaration.items.order_by("sequence"))
        rules = RoutingRule.objects.filter(active=True).select_related("agency")
        customs = Agency.objects.filter(is_customs=True)
        plan = routing_plan(items, declaration.type_code, rules, customs)
        # The outbox lock makes this the only run; skipping agencies that already have a
        # task keeps even a manually reset outbox row from creating duplicates.
        existing = set(declaration.review_tasks.values_list("agency_id", flat=True))
        created = ReviewTask.objects.bulk_create(
            ReviewTask(declaration=declaration, agency=agency)
            for agency in plan
            if agency.pk not in existing
        )
        ReviewTask.items.through.objects.bulk_create(
            ReviewTask.items.through(reviewtask_id=task.pk, goodsitem_id=item.pk)
            for task in created
            for item in plan[task.agency]
        )
        now = timezone.now()
        outbox.done_at = now
        outbox.save(update_fields=["done_at"])
        Declaration.objects.filter(pk=declaration.pk).update(routed_at=now)
        StatusEvent.objects.create(
            declaration=declaration,
            kind=StatusEvent.Kind.ROUTED,
            message=", ".join(sorted(agency.name for agency in plan)),
        )
        clearance_merge(declaration)
    return created


# --- clearance ----------------------------------------------------------------------------


def merged_clearance_status(review_statuses: Iterable[str]) -> ClearanceStatus:
    """The one clearance status from every agency's review status.

    Any rejection -> rejected; else an open information request -> awaiting trader; else all
    approved -> cleared; otherwise (something pending, or no review yet) -> under review.
    """
    statuses = set(review_statuses)
    if ReviewStatus.REJECTED in statuses:
        return ClearanceStatus.REJECTED
    if ReviewStatus.INFO_REQUESTED in statuses:
        return ClearanceStatus.AWAITING_TRADER
    if statuses == {ReviewStatus.APPROVED}:
        return ClearanceStatus.CLEARED
    return ClearanceStatus.UNDER_REVIEW


def clearance_merge(
    declaration: Declaration, *, actor: AbstractBaseUser | None = None, agency: str = ""
) -> ClearanceStatus:
    """Recompute and store the declaration's clearance status from its review tasks.

    The caller holds the declaration's row lock (``select_for_update``) in the current
    transaction: every writer of review statuses takes that lock first, so two officers
    deciding at once are serialised and the second merge sees the first decision.
    """
    statuses = declaration.review_tasks.values_list("status", flat=True)
    status = merged_clearance_status(statuses)
    declaration_set_status(declaration, status, actor=actor, agency=agency)
    return status


def review_decide(
    *, user: AbstractBaseUser, review_id: int, decision: str, reason: str = ""
) -> ReviewTask:
    """An officer approves, rejects (reason required) or requests information (message
    required) on their agency's review task, and the clearance status is merged. The
    decision is kept in the history, linked to the task.

    Raises ``Http404`` for a task of another agency, ``DecisionInvalid`` for a missing
    reason, an unknown decision, a task already decided or a declaration no longer open.
    """
    reason = (reason or "").strip()
    if decision not in (ReviewStatus.APPROVED, ReviewStatus.REJECTED, ReviewStatus.INFO_REQUESTED):
        raise DecisionInvalid(
            {"decision": str(_("Choose approve, reject or request information."))}
        )
    if decision == ReviewStatus.REJECTED and not reason:
        raise DecisionInvalid({"reason": str(_("Give the reason for the rejection."))})
    if decision == ReviewStatus.INFO_REQUESTED and not reason:
        raise DecisionInvalid({"reason": str(_("Say what information the trader must send."))})
    with transaction.atomic():
        task = access_review(user, review_id)
        # Lock order everywhere: declaration, then its review tasks.
        declaration = Declaration.objects.select_for_update().get(pk=task.declaration_id)
        task = ReviewTask.objects.select_for_update().select_related("agency").get(pk=task.pk)
        if declaration.status not in OPEN_STATUSES:
            raise DecisionInvalid(
                {
                    "decision": str(
                        _("This declaration is already %(status)s.")
                        % {"status": declaration.get_status_display().lower()}
                    )
                }
            )
        if task.status != ReviewStatus.PENDING:
            raise DecisionInvalid(
                {
                    "decision": str(
                        _("Your agency has already decided: %(status)s.")
                        % {"status": task.get_status_display().lower()}
                    )
                }
            )
        task.status = decision
        task.reason = reason
        task.decided_at = timezone.now()
        task.decided_by = user
        task.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        event = StatusEvent.objects.create(
            declaration=declaration,
            actor=user,
            kind=StatusEvent.Kind.AGENCY_DECISION,
            agency=task.agency.name,
            to_status=decision,
            message=reason,
        )
        task.events.add(event)
        clearance_merge(declaration, actor=user, agency=task.agency.name)
    return task


def review_respond(*, user: AbstractBaseUser, declaration_id: int, message: str) -> Declaration:
    """The trader answers the open information requests on their declaration.

    Every review task in ``info_requested`` goes back to ``pending`` for its agency, the
    answer is kept in the history (linked to each of those tasks, so their officers read
    it), and the clearance status is merged again.
    Raises ``Http404`` (not the trader's), ``DecisionInvalid`` (empty message, nothing asked).
    """
    message = (message or "").strip()
    if not message:
        raise DecisionInvalid({"message": str(_("Write your answer to the agency."))})
    with transaction.atomic():
        declaration = access_declaration(user, declaration_id, lock=True)
        asked = list(
            declaration.review_tasks.select_for_update()
            .select_related("agency")
            .filter(status=ReviewStatus.INFO_REQUESTED)
        )
        if not asked:
            raise DecisionInvalid({"message": str(_("No agency is waiting for information."))})
        for task in asked:
            ReviewTask.objects.filter(pk=task.pk, status=ReviewStatus.INFO_REQUESTED).update(
                status=ReviewStatus.PENDING
            )
        event = StatusEvent.objects.create(
            declaration=declaration,
            actor=user,
            kind=StatusEvent.Kind.TRADER_RESPONSE,
            agency=", ".join(task.agency.name for task in asked),
            message=message,
        )
        # The answer belongs to the thread of every task that asked (see review_messages).
        event.review_tasks.add(*asked)
        clearance_merge(declaration, actor=user)
    return declaration


def officer_of(user: AbstractBaseUser) -> Officer | None:
    """The user's ``Officer`` profile, or ``None``."""
    return getattr(user, "officer", None) if user.is_authenticated else None
