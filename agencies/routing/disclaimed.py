"""Reads on goods items disclaimed to an agency: the trader declared an exemption code
that disclaims a may-be-required rule of the agency (US ACE PGA disclaim; UK CDS ``Y``
document codes), so the item was not routed to it for review, only made known to it. Its
officers see them here, filtered like their queue, and may call one in
(``agencies.services.callin``).

An item is disclaimed to an agency when the agency has a ``disclaimed`` routing reason on
it and no other reason that makes it review the item (a required rule, customs); an item
it called in stays in the list, shown as called in.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from datamodel.items import document_references
from declarations.models import OPEN_STATUSES, GoodsItem

from ..models import ItemCallIn, RoutingReason, RoutingRequirement
from ..selectors import officer_agency_id

# The list's states (``state`` filter): still open to a call-in (the default), called in,
# or every disclaimed item.
STATE_OPEN = "open"
STATE_CALLED_IN = "called_in"
STATE_ALL = "all"
STATES = (STATE_OPEN, STATE_CALLED_IN, STATE_ALL)


def disclaimed_items(agency_id: int) -> QuerySet[GoodsItem]:
    """The goods items disclaimed to the agency (see the module), most recently lodged
    first, each with ``called_in`` (the agency called it in)."""
    reasons = RoutingReason.objects.filter(item=OuterRef("pk"), agency_id=agency_id)
    called = ItemCallIn.objects.filter(item=OuterRef("pk"), agency_id=agency_id)
    return (
        GoodsItem.objects.filter(Exists(reasons.filter(requirement=RoutingRequirement.DISCLAIMED)))
        .filter(
            ~Exists(reasons.exclude(requirement=RoutingRequirement.DISCLAIMED)) | Exists(called)
        )
        .annotate(called_in=Exists(called))
        .select_related("declaration", "declaration__company")
        .order_by("-declaration__submitted_at", "-declaration_id", "sequence")
    )


def disclaimed_filtered(user: Any, filters: Mapping[str, Any]) -> QuerySet[GoodsItem]:
    """The items disclaimed to the user's agency (none for a user who is not an officer),
    as an officer filters them. ``filters`` (all optional): ``state`` (``open``, the
    default: not called in and the declaration still open to decisions; ``called_in``;
    ``all``), ``origin`` (ISO 3166-1 alpha-2 country of origin), ``code`` (the exemption
    code), ``q`` (LRN or MRN, the trader's name or EORI, or the start of the HS code)."""
    agency_id = officer_agency_id(user)
    if agency_id is None:
        return GoodsItem.objects.none()
    items = disclaimed_items(agency_id)
    state = filters.get("state") or STATE_OPEN
    if state == STATE_OPEN:
        items = items.filter(called_in=False, declaration__status__in=OPEN_STATUSES)
    elif state == STATE_CALLED_IN:
        items = items.filter(called_in=True)
    origin = (filters.get("origin") or "").strip().upper()
    if origin:
        items = items.filter(origin_country=origin)
    code = (filters.get("code") or "").strip().upper()
    if code:
        items = items.filter(
            Exists(
                RoutingReason.objects.filter(
                    item=OuterRef("pk"),
                    agency_id=agency_id,
                    requirement=RoutingRequirement.DISCLAIMED,
                    document_code=code,
                )
            )
        )
    q = (filters.get("q") or "").strip()
    if q:
        digits = q.replace(".", "").replace(" ", "")
        match = (
            Q(declaration__lrn__iexact=q)
            | Q(declaration__mrn__iexact=q)
            | Q(declaration__company__eori__iexact=q)
            | Q(declaration__company__name__icontains=q)
        )
        if digits.isdigit():
            match |= Q(hs_code__startswith=digits)
        items = items.filter(match)
    return items


def access_disclaimed(user: Any, item_id: int) -> GoodsItem:
    """The goods item if it is disclaimed to the user's agency; ``Http404`` otherwise
    (another agency's, an item the agency reviews anyway, no such item)."""
    agency_id = officer_agency_id(user)
    item = disclaimed_items(agency_id).filter(pk=item_id).first() if agency_id else None
    if item is None:
        raise Http404("No such disclaimed goods item for your agency")
    return item


@dataclass(frozen=True, slots=True)
class DisclaimedItem:
    """One disclaimed goods item as officers read it: the exemption code(s) the trader
    declared, with the reference given with each (AdditionalDocument ID, WCO D005), the
    rules disclaimed, and the agency's call-in if any."""

    item: GoodsItem
    exemption_codes: tuple[str, ...]
    references: tuple[tuple[str, str], ...]  # (code, reference), in code order
    rules: tuple[str, ...]
    call_in: ItemCallIn | None

    @property
    def declaration(self) -> Any:
        return self.item.declaration

    @property
    def exemption_code(self) -> str:
        return self.exemption_codes[0] if self.exemption_codes else ""

    @property
    def can_call_in(self) -> bool:
        return self.call_in is None and self.item.declaration.status in OPEN_STATUSES


def disclaimed_rows(items: list[GoodsItem], agency_id: int) -> list[DisclaimedItem]:
    """``items`` (from ``disclaimed_items``) with their codes, references, rules and
    call-ins, in the order given: two queries whatever the number of items."""
    ids = [item.pk for item in items]
    reasons: dict[int, list[RoutingReason]] = {}
    for reason in RoutingReason.objects.filter(
        item_id__in=ids, agency_id=agency_id, requirement=RoutingRequirement.DISCLAIMED
    ).order_by("pk"):
        reasons.setdefault(reason.item_id, []).append(reason)
    call_ins = {
        call_in.item_id: call_in
        for call_in in ItemCallIn.objects.filter(
            item_id__in=ids, agency_id=agency_id
        ).select_related("called_by", "task", "agency")
    }
    documents: dict[int, dict[int, dict[str, str]]] = {}
    rows = []
    for item in items:
        if item.declaration_id not in documents:
            documents[item.declaration_id] = document_references(item.declaration.document)
        given = documents[item.declaration_id].get(item.sequence, {})
        codes = tuple(
            sorted({r.document_code for r in reasons.get(item.pk, []) if r.document_code})
        )
        rows.append(
            DisclaimedItem(
                item=item,
                exemption_codes=codes,
                references=tuple((code, given.get(code, "")) for code in codes),
                rules=tuple(dict.fromkeys(r.rule_label for r in reasons.get(item.pk, []))),
                call_in=call_ins.get(item.pk),
            )
        )
    return rows
