"""Reads on routing: why each goods item went to each agency (``RoutingReason`` rows)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from declarations.models import Declaration

from ..models import ItemCallIn, RoutingReason, RoutingRequirement
from ..rates.conversion import missing_rate_text
from .conditions import DocumentStatus


@dataclass(frozen=True, slots=True)
class ItemReason:
    """One reason, as shown: ``text`` is the sentence people read, e.g. ``Plant and Animal
    Health Agency: rule 'HS 0901 from any origin', required``."""

    sequence: int
    agency: str
    agency_code: str
    rule_id: int | None
    rule: str
    requirement: str
    document_status: str
    document_code: str
    text: str
    rate_missing: str = ""
    rate_date: date | None = None
    # A disclaimed item the agency called in: when, and why (the trader reads it).
    called_in_at: datetime | None = None
    called_in_reason: str = ""


def reason_text(reason: RoutingReason, call_in: ItemCallIn | None = None) -> str:
    """The sentence for one routing reason (translated into the active language);
    ``call_in``: the agency's call-in of the item, for a disclaimed one."""
    agency = reason.agency.name
    if reason.requirement == RoutingRequirement.CUSTOMS:
        return _("%(agency)s: reviews every goods item") % {"agency": agency}
    text = _("%(agency)s: rule '%(rule)s', %(requirement)s") % {
        "agency": agency,
        "rule": reason.rule_label,
        "requirement": RoutingRequirement(reason.requirement).label,
    }
    if reason.requirement == RoutingRequirement.DISCLAIMED and call_in is not None:
        text += " " + _("by %(code)s — called in by %(agency)s (%(reason)s)") % {
            "code": reason.document_code,
            "agency": agency,
            "reason": call_in.reason,
        }
    elif reason.requirement == RoutingRequirement.DISCLAIMED:
        text += " " + _("by %(code)s (the agency is informed)") % {"code": reason.document_code}
    elif reason.document_status == DocumentStatus.MISSING:
        text += "; " + _("its document is missing")
    elif reason.document_status == DocumentStatus.PRESENT:
        text += "; " + _("document %(code)s given") % {"code": reason.document_code}
    elif reason.document_status == DocumentStatus.EXEMPTED:
        text += "; " + _("exemption %(code)s declared") % {"code": reason.document_code}
    if reason.rate_missing:
        text += "; " + _("%(missing)s: sent for review rather than skipped") % {
            "missing": missing_rate_text(reason.rate_missing, reason.rate_date)
        }
    return text


def declaration_item_reasons(
    declaration: Declaration, agency_id: int | None = None
) -> dict[int, list[ItemReason]]:
    """Why each goods item went to each agency: ``{item sequence: [ItemReason]}`` in item
    and agency order; only ``agency_id``'s reasons when given. A disclaimed item an agency
    called in says so (``ItemCallIn``). The caller checked access."""
    reasons = RoutingReason.objects.filter(declaration=declaration).select_related("item", "agency")
    call_ins = ItemCallIn.objects.filter(declaration=declaration)
    if agency_id is not None:
        reasons = reasons.filter(agency_id=agency_id)
        call_ins = call_ins.filter(agency_id=agency_id)
    called = {(c.item_id, c.agency_id): c for c in call_ins}
    by_item: dict[int, list[ItemReason]] = {}
    for reason in reasons.order_by("item__sequence", "agency__name", "pk"):
        call_in = (
            called.get((reason.item_id, reason.agency_id))
            if reason.requirement == RoutingRequirement.DISCLAIMED
            else None
        )
        by_item.setdefault(reason.item.sequence, []).append(
            ItemReason(
                sequence=reason.item.sequence,
                agency=reason.agency.name,
                agency_code=reason.agency.code,
                rule_id=reason.rule_id,
                rule=reason.rule_label,
                requirement=reason.requirement,
                document_status=reason.document_status,
                document_code=reason.document_code,
                text=reason_text(reason, call_in),
                rate_missing=reason.rate_missing,
                rate_date=reason.rate_date,
                called_in_at=call_in.called_at if call_in else None,
                called_in_reason=call_in.reason if call_in else "",
            )
        )
    return by_item
