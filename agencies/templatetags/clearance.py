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
