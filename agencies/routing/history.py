"""Writes on routing rules, each recorded as a ``RoutingRuleChange`` (who, when, old -> new).

A new rule, or a rule whose conditions change, is saved inactive (issue 10: a rule change
never takes effect on live traffic unseen): an administrator previews it
(``agencies.routing.preview``) and then activates it with ``routing_rule_activate``.
"""

from typing import Any

from django.db import transaction

from ..models import RoutingRule, RoutingRuleChange

# The fields whose change alters what the rule matches; editing only the description
# keeps an active rule active.
CONDITION_FIELDS = (
    "agency",
    "hs_prefix",
    "origin_country",
    "export_country",
    "destination_country",
    "declaration_type",
    "procedure_code",
    "value_above",
    "value_currency",
    "document_code",
    "exemption_codes",
    "requirement",
    "valid_from",
    "valid_to",
)
RECORDED_FIELDS = (*CONDITION_FIELDS, "active", "description")


def rule_snapshot(rule: RoutingRule) -> dict[str, str]:
    """The rule's recorded fields as the strings people read in its history."""
    values: dict[str, str] = {}
    for name in RECORDED_FIELDS:
        value: Any = getattr(rule, "agency" if name == "agency" else name)
        values[name] = "" if value is None else str(value)
    return values


def field_changes(before: dict[str, str] | None, after: dict[str, str]) -> dict[str, list[str]]:
    """``{field: [old, new]}`` for every recorded field that differs (``before`` ``None``:
    a new row, every filled field is new). The one diff of rule and profile histories."""
    before = before or {}
    return {
        name: [before.get(name, ""), new]
        for name, new in after.items()
        if before.get(name, "") != new
    }


def routing_rule_save(
    rule: RoutingRule, *, actor: Any, before: dict[str, str] | None
) -> RoutingRuleChange | None:
    """Save a validated ``rule`` (``full_clean`` done by the caller, e.g. the admin form) and
    record the change. ``before``: ``rule_snapshot`` of the stored rule, ``None`` for a
    new one. A new rule, or one whose conditions changed, is saved inactive. Returns the
    change row, or ``None`` when nothing changed."""
    with transaction.atomic():
        after = rule_snapshot(rule)
        if before is None or any(before[n] != after[n] for n in CONDITION_FIELDS):
            rule.active = False
            after["active"] = str(False)
        changes = field_changes(before or {}, after)
        if before is not None and not changes:
            return None
        rule.save()
        return RoutingRuleChange.objects.create(
            rule=rule,
            rule_label=str(rule)[:300],
            actor=actor,
            action=RoutingRuleChange.Action.CREATED
            if before is None
            else RoutingRuleChange.Action.CHANGED,
            changes=changes,
        )


def routing_rule_set_active(rule_id: int, active: bool, *, actor: Any) -> bool:
    """Switch a rule on (after its preview) or off; recorded. ``False`` when it already was
    (a conditional update: two administrators clicking at once record one change)."""
    with transaction.atomic():
        if not RoutingRule.objects.filter(pk=rule_id, active=not active).update(active=active):
            return False
        rule = RoutingRule.objects.get(pk=rule_id)
        RoutingRuleChange.objects.create(
            rule=rule,
            rule_label=str(rule)[:300],
            actor=actor,
            action=RoutingRuleChange.Action.ACTIVATED
            if active
            else RoutingRuleChange.Action.DEACTIVATED,
            changes={"active": [str(not active), str(active)]},
        )
    return True


def routing_rule_delete(rule: RoutingRule, *, actor: Any) -> None:
    """Delete a rule, keeping its last state in the history (the change row outlives it)."""
    with transaction.atomic():
        before = rule_snapshot(rule)
        RoutingRuleChange.objects.create(
            rule=rule,
            rule_label=str(rule)[:300],
            actor=actor,
            action=RoutingRuleChange.Action.DELETED,
            changes={name: [old, ""] for name, old in before.items() if old},
        )
        rule.delete()
