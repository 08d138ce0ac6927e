"""Reads on routing: why each goods item went to each agency (``RoutingReason`` rows)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from declarations.models import Declaration

from ..models import RoutingReason, RoutingRequirement
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


def reason_text(reason: RoutingReason) -> str:
    """The sentence for one routing reason (translated into the active language)."""
    agency = reason.agency.name
    if reason.requirement == RoutingRequirement.CUSTOMS:
        return _("%(agency)s: reviews every goods item") % {"agency": agency}
    text = _("%(agency)s: rule '%(rule)s', %(requirement)s") % {
        "agency": agency,
        "rule": reason.rule_label,
        "requirement": RoutingRequirement(reason.requirement).label,
    }
    if reason.requirement == RoutingRequirement.DISCLAIMED:
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
    and agency order; only ``agency_id``'s reasons when given. The caller checked access."""
    reasons = RoutingReason.objects.filter(declaration=declaration).select_related("item", "agency")
    if agency_id is not None:
        reasons = reasons.filter(agency_id=agency_id)
    by_item: dict[int, list[ItemReason]] = {}
    for reason in reasons.order_by("item__sequence", "agency__name", "pk"):
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
                text=reason_text(reason),
            )
        )
    return by_item
