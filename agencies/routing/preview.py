"""What a routing rule would change, before it is activated (issue 10, section 3).

Reads only: the declarations lodged over the last N days are planned twice with the one
``routing_plan`` — with the rules as they are in force, and with the rule under review as
if it were in force over those days in place of its stored version — and the difference is
counted per agency (declarations and goods items added or removed), with examples.
"""

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from declarations.models import ClearanceStatus, Declaration, GoodsItem

from ..models import Agency, RoutingRule
from ..rates.conversion import RateTable
from ..services.routing import reviewed_items, routing_plan, rules_in_force
from .conditions import declaration_item_facts

EXAMPLES = 5


@dataclass
class AgencyChange:
    """For one agency: how many declarations would gain (lose) a review task and how many
    goods items would be added to (removed from) its reviews; ``examples`` are
    ``"MRN item n"`` texts, at most ``EXAMPLES`` each."""

    agency: Agency
    declarations_added: int = 0
    declarations_removed: int = 0
    items_added: int = 0
    items_removed: int = 0
    examples_added: list[str] = field(default_factory=list)
    examples_removed: list[str] = field(default_factory=list)


@dataclass
class RulePreview:
    """The preview of ``rule`` over the declarations lodged since ``since``
    (``declarations`` of them read); ``changes`` per agency, only agencies that change."""

    rule: RoutingRule
    since: datetime
    declarations: int
    changes: list[AgencyChange]


def _reviewed(plan: dict[Agency, dict[int, list]]) -> dict[Agency, set[int]]:
    return {agency: set(reviewed_items(matches)) for agency, matches in plan.items()}


def rule_preview(rule: RoutingRule, days: int = 30, now: datetime | None = None) -> RulePreview:
    """Count what ``rule`` (saved or not, active or not) would add or remove per agency over
    the declarations submitted in the last ``days`` days; changes nothing."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    candidate = copy.copy(rule)
    candidate.active, candidate.valid_from, candidate.valid_to = True, None, None
    current = rules_in_force()
    proposed = [r for r in current if r.pk != rule.pk or rule.pk is None] + [candidate]
    customs = list(Agency.objects.filter(is_customs=True))
    changes: dict[Agency, AgencyChange] = {}
    declarations = (
        Declaration.objects.filter(submitted_at__gte=since)
        .exclude(status=ClearanceStatus.DRAFT)
        .order_by("-submitted_at", "-pk")
        .prefetch_related(Prefetch("items", queryset=GoodsItem.objects.order_by("sequence")))
    )
    count = 0
    tables: dict[date, RateTable] = {}  # the exchange rates of each day, read once
    for declaration in declarations.iterator(chunk_size=500):
        count += 1
        facts = declaration_item_facts(declaration, list(declaration.items.all()))
        day = timezone.localdate(declaration.submitted_at)
        rates = tables.setdefault(day, RateTable(day))
        before = _reviewed(routing_plan(facts, current, customs, on=day, rates=rates))
        after = _reviewed(routing_plan(facts, proposed, customs, on=day, rates=rates))
        for agency in set(before) | set(after):
            old, new = before.get(agency, set()), after.get(agency, set())
            if old == new:
                continue
            change = changes.setdefault(agency, AgencyChange(agency))
            added, removed = sorted(new - old), sorted(old - new)
            change.items_added += len(added)
            change.items_removed += len(removed)
            change.declarations_added += bool(new and not old)
            change.declarations_removed += bool(old and not new)
            for indexes, examples in (
                (added, change.examples_added),
                (removed, change.examples_removed),
            ):
                for index in indexes:
                    if len(examples) < EXAMPLES:
                        examples.append(f"{declaration.mrn} item {facts[index].item.sequence}")
    return RulePreview(
        rule=rule,
        since=since,
        declarations=count,
        changes=sorted(changes.values(), key=lambda c: c.agency.name),
    )
