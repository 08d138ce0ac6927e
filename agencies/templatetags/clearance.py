"""Template tags that show the clearance on pages other apps own (the trader's declaration
page belongs to ``declarations``, which must not import ``agencies``)."""

from typing import Any

from django import template

from ..clearance import item_clearances
from ..inspections.selectors import declaration_appointments
from ..selectors import declaration_agencies

register = template.Library()


@register.simple_tag
def declaration_clearance(declaration: Any) -> dict[str, Any]:
    """``{% declaration_clearance declaration as clearance %}``: ``clearance.items`` (each
    goods item's merged status and each agency's outcome on it), ``clearance.agencies``,
    ``clearance.appointments``. The view checked the user may see the declaration."""
    if declaration.status == "draft":
        return {"items": [], "agencies": [], "appointments": []}
    return {
        "items": item_clearances(declaration),
        "agencies": declaration_agencies(declaration),
        "appointments": declaration_appointments(declaration),
    }


@register.filter
def outcome_label(value: str) -> str:
    """The translated label of an item outcome or item status value."""
    from ..clearance import ItemStatus

    return str(dict(ItemStatus.choices).get(value, value)) if value else ""


@register.inclusion_tag("agencies/_routing_reasons.html")
def routing_reasons(declaration: Any, agency_id: int | None = None) -> dict[str, Any]:
    """``{% routing_reasons declaration %}``: why each goods item went to each agency
    (only ``agency_id``'s when given). The view checked the user may see the declaration."""
    from ..routing.selectors import declaration_item_reasons

    reasons = declaration_item_reasons(declaration, agency_id) if declaration.pk else {}
    return {"reasons": sorted(reasons.items())}
