"""Declarations with a goods item disclaimed to an agency, for the call-in tests: the
medicines chapter rule made may-be-required (disclaimed by Y929), and VALID_DOCUMENT's
paracetamol (item 2) declaring Y929 with a reference."""

import copy

from agencies.models import Agency, RoutingRequirement, RoutingRule
from agencies.services import declaration_route
from declarations.models import Declaration, Trader
from declarations.services import declaration_submit
from tests.factories import valid_document

REFERENCE = "Food supplement, not a medicinal product"
REASON = "Paracetamol in the description: we check the product's classification."


def medicines_may_be_required(agency_medicines: Agency) -> RoutingRule:
    """The medicines chapter rule may be required, disclaimed by Y929."""
    RoutingRule.objects.filter(agency=agency_medicines).update(
        requirement=RoutingRequirement.MAY_BE_REQUIRED, exemption_codes="Y929"
    )
    return RoutingRule.objects.get(agency=agency_medicines)


def disclaiming_document(extra_medicament: bool = False, lrn: str = "") -> dict:
    """VALID_DOCUMENT with item 2 (paracetamol) disclaiming the medicines rule by Y929;
    with ``extra_medicament`` a third item, the same goods without the exemption code."""
    document = valid_document()
    if lrn:
        document["Declaration"]["FunctionalReferenceID"] = lrn
    items = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    items[1]["AdditionalDocument"] = [{"CategoryCode": "Y", "TypeCode": "929", "ID": REFERENCE}]
    if extra_medicament:
        third = copy.deepcopy(items[1])
        third["SequenceNumeric"] = "3"
        del third["AdditionalDocument"]
        items.append(third)
        document["Declaration"]["GoodsItemQuantity"] = {"value": "3"}
        document["Declaration"]["InvoiceAmount"]["value"] = "25000"
    return document


def lodge_disclaimed(trader: Trader, extra_medicament: bool = False, lrn: str = "") -> Declaration:
    """Lodge and route (at once: a test transaction never commits) a disclaiming document."""
    declaration = declaration_submit(
        trader=trader, document=disclaiming_document(extra_medicament, lrn)
    )
    declaration_route(declaration.pk)
    declaration.refresh_from_db()
    return declaration
