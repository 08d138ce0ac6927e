"""Routing a submitted declaration to the review queues of the agencies concerned.

One matching function (``rule_matches``) and one plan (``routing_plan``: items + rules ->
which agency reviews which item, and why) serve the fan-out, the preview of a rule
(``agencies.routing.preview``) and the trader's "what do I need?" (``agencies.routing.
requirements``), so what a trader is told is what routing does.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from declarations.models import Declaration, RoutingOutbox, StatusEvent
from declarations.notifications.models import NotificationCode
from declarations.notifications.services import notification_record

from ..clearance import clearance_merge
from ..models import Agency, ReviewTask, RoutingReason, RoutingRequirement, RoutingRule
from ..rates.conversion import RateTable
from ..risk.services import lanes_assign
from ..routing.conditions import DocumentStatus, ItemFacts, declaration_item_facts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleMatch:
    """Why an agency has a goods item: ``rule`` (``None``: customs, which has every item),
    ``requirement`` (``RoutingRequirement``: ``disclaimed`` when a may-be-required rule was
    disclaimed by an exemption code), ``document_status`` (``DocumentStatus``, ``""`` when
    the rule names no document) and ``document_code`` (the code that satisfied it);
    ``rate_missing``: the currencies with no exchange rate in force on ``rate_date``, so
    the value threshold could not be compared and the rule matched to err toward review."""

    rule: RoutingRule | None
    requirement: str
    document_status: str = ""
    document_code: str = ""
    rate_missing: str = ""
    rate_date: date | None = None

    @property
    def reviews(self) -> bool:
        return self.requirement != RoutingRequirement.DISCLAIMED


# Agency -> {index of the item in the facts given -> the matches that sent it there}.
RoutingPlan = dict[Agency, dict[int, list[RuleMatch]]]


def _value_check(rule: RoutingRule, facts: ItemFacts, rates: RateTable) -> tuple[bool, str]:
    """Whether the customs value is above the rule's amount, converted into the rule's
    currency at the customs rate in force (``agencies.rates.conversion``), and the
    currencies that had no rate. Without a rate the rule matches: a national system errs
    toward review (the agency sees the item and can release it at once) rather than let
    an item above the threshold pass unseen, and the reason says why."""
    if rule.value_above is None:
        return True, ""
    if facts.customs_value is None:
        return False, ""
    converted = rates.convert(facts.customs_value, facts.currency, rule.value_currency)
    if converted.amount is None:
        return True, converted.missing
    return converted.amount > rule.value_above, ""


def _country_matches(wanted: str, declared: str) -> bool:
    return not wanted or wanted.upper() == declared.upper()


def _procedure_matches(rule: RoutingRule, facts: ItemFacts) -> bool:
    code = rule.procedure_code
    return not code or facts.procedure_code[: len(code)] == code


def rule_matches(
    rule: RoutingRule, facts: ItemFacts, on: date | None = None, rates: RateTable | None = None
) -> RuleMatch | None:
    """Whether ``rule`` applies to a goods item on day ``on`` (default today), and how.

    ``None`` unless the rule is in force (active, ``valid_from`` <= on <= ``valid_to``) and
    every filled condition holds: HS prefix (WCO 145), countries of origin / export /
    destination (WCO 063 / 062 / 014), declaration type (DE 1/1), procedure (DE 1/10: two
    digits match any previous procedure), customs value above the amount (WCO 108),
    converted at the customs exchange rates in force on ``on`` (``rates``, read when
    needed; without a rate the rule matches and ``rate_missing`` says so). The document
    condition (DE 2/3) never stops a match; it sets ``document_status``, and an exemption
    code on the item turns a ``may_be_required`` rule into ``disclaimed`` (US ACE PGA
    disclaim; UK CDS Y codes).
    """
    on = on or timezone.localdate()
    if not (
        rule.in_force_on(on)
        and facts.hs_code.startswith(rule.hs_prefix)
        and _country_matches(rule.origin_country, facts.origin_country)
        and _country_matches(rule.export_country, facts.export_country)
        and _country_matches(rule.destination_country, facts.destination_country)
        and rule.declaration_type in ("", facts.declaration_type)
        and _procedure_matches(rule, facts)
    ):
        return None
    value_holds, rate_missing = _value_check(rule, facts, rates or RateTable(on))
    if not value_holds:
        return None
    exemptions = sorted(rule.exemption_code_set() & facts.document_codes)
    status, code = "", ""
    if rule.document_code and rule.document_code in facts.document_codes:
        status, code = DocumentStatus.PRESENT, rule.document_code
    elif exemptions:
        status, code = DocumentStatus.EXEMPTED, exemptions[0]
    elif rule.document_code:
        status = DocumentStatus.MISSING
    requirement = rule.requirement
    if requirement == RoutingRequirement.MAY_BE_REQUIRED and status == DocumentStatus.EXEMPTED:
        requirement = RoutingRequirement.DISCLAIMED
    return RuleMatch(
        rule=rule,
        requirement=requirement,
        document_status=status,
        document_code=code,
        rate_missing=rate_missing,
        rate_date=on if rate_missing else None,
    )


def routing_plan(
    facts: Sequence[ItemFacts],
    rules: Iterable[RoutingRule],
    customs: Iterable[Agency],
    on: date | None = None,
    rates: RateTable | None = None,
) -> RoutingPlan:
    """Which agencies have which goods items, and why: ``{agency: {item index: [match]}}``
    where the index is the item's position in ``facts``.

    Customs agencies have every item (WCO Single Window guidance: customs reviews all);
    every rule in force on ``on`` that matches an item gives its agency that item. An agency
    whose matches on an item are all ``disclaimed`` is only informed (``reviewed_items``).
    One exchange rate table (``rates``, default the rates in force on ``on``, read at the
    first value threshold in another currency) serves every rule and item.
    """
    on = on or timezone.localdate()
    rates = rates or RateTable(on)
    plan: RoutingPlan = {
        agency: {
            index: [RuleMatch(None, RoutingRequirement.CUSTOMS)] for index in range(len(facts))
        }
        for agency in customs
    }
    for rule in rules:
        for index, item_facts in enumerate(facts):
            match = rule_matches(rule, item_facts, on, rates)
            if match is not None:
                plan.setdefault(rule.agency, {}).setdefault(index, []).append(match)
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


def reviewed_items(matches: dict[int, list[RuleMatch]]) -> list[int]:
    """The item indexes an agency reviews: those with a match that is not disclaimed."""
    return sorted(index for index, found in matches.items() if any(m.reviews for m in found))


def routing_reason(
    declaration: Declaration,
    facts: ItemFacts,
    agency: Agency,
    task: ReviewTask | None,
    match: RuleMatch,
) -> RoutingReason:
    """The ``RoutingReason`` row of one match (unsaved): ``task`` only when the match
    makes the agency review the item (a disclaimed item's reason has none)."""
    return RoutingReason(
        declaration=declaration,
        item=facts.item,
        agency=agency,
        task=task if match.reviews else None,
        rule=match.rule,
        rule_label=str(match.rule)[:300] if match.rule else "",
        requirement=match.requirement,
        document_status=match.document_status,
        document_code=match.document_code,
        rate_missing=match.rate_missing,
        rate_date=match.rate_date,
    )


def rules_in_force() -> list[RoutingRule]:
    """Active rules with their agencies (whether in force on a day: ``rule_matches``)."""
    return list(RoutingRule.objects.filter(active=True).select_related("agency"))


def declaration_route(declaration_id: int) -> list[ReviewTask]:
    """Fan a submitted declaration out: create one review task per agency concerned, with
    the goods items it reviews and a ``RoutingReason`` per item, agency and rule (also for
    items disclaimed, so the agency is informed). Rules are those in force on the day the
    declaration was lodged.

    Idempotent: the outbox row is locked and checked first, so a second or concurrent run
    (re-driven message, redelivery after a worker crash) creates nothing; the unique
    (declaration, agency) constraint backs this up. Returns the tasks created by this run.

    Each new task gets its risk lane in the same transaction (``agencies.risk.services.
    lanes_assign``): a green task is released by the system at once, so a declaration
    whose every agency is green clears with no person.

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
        facts = declaration_item_facts(declaration)
        lodged_on = timezone.localdate(declaration.submitted_at or timezone.now())
        customs = Agency.objects.filter(is_customs=True)
        plan = routing_plan(facts, rules_in_force(), customs, on=lodged_on)
        reviewing = {agency: reviewed_items(matches) for agency, matches in plan.items()}
        covered = {index for indexes in reviewing.values() for index in indexes}
        orphans = [facts[i].item.sequence for i in range(len(facts)) if i not in covered]
        if orphans or not facts:
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
            for agency, indexes in reviewing.items()
            if indexes and agency.pk not in existing
        )
        task_of = {task.agency_id: task for task in created}
        ReviewTask.items.through.objects.bulk_create(
            ReviewTask.items.through(reviewtask_id=task.pk, goodsitem_id=facts[index].item.pk)
            for task in created
            for index in reviewing[task.agency]
        )
        RoutingReason.objects.bulk_create(
            routing_reason(declaration, facts[index], agency, task_of.get(agency.pk), match)
            for agency, matches in plan.items()
            if agency.pk not in existing
            for index, found in sorted(matches.items())
            for match in found
        )
        outbox.done_at = now
        outbox.save(update_fields=["done_at"])
        Declaration.objects.filter(pk=declaration.pk).update(routed_at=now)
        routed = StatusEvent.objects.create(
            declaration=declaration,
            kind=StatusEvent.Kind.ROUTED,
            message=", ".join(sorted(a.name for a, indexes in reviewing.items() if indexes)),
        )
        notification_record(
            routed, NotificationCode.ROUTED, declaration=declaration, agencies=routed.message
        )
        # Each new task's risk lane: green ones are released here by the system, yellow
        # and red ones get their checks; the merge then clears a declaration every agency
        # of which is green, with no person.
        lanes_assign(
            declaration,
            created,
            {task.pk: [facts[i] for i in reviewing[task.agency]] for task in created},
            lodged_on,
        )
        clearance_merge(declaration)
    return created
