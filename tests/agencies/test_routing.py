"""Routing rules with real conditions: matching (every condition), disclaim accepted and
refused, effective dates, the plan, and the fan-out's reasons per goods item."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.models import Agency, RoutingReason, RoutingRequirement, RoutingRule
from agencies.rates.conversion import RateTable
from agencies.routing.conditions import DocumentStatus, ItemFacts, declaration_item_facts
from agencies.services import declaration_route, routing_plan, rule_matches
from agencies.services.routing import reviewed_items
from declarations.models import Trader
from tests.conftest import COFFEE, LAPTOPS, MEDICAMENTS, MakeDeclaration
from tests.factories import valid_document

COFFEE_BR = ItemFacts(
    hs_code="090121",
    origin_country="BR",
    export_country="BR",
    destination_country="GB",
    declaration_type="IM",
    procedure_code="4000",
    customs_value=Decimal("5000"),
    currency="EUR",
    document_codes=frozenset({"N935"}),
)
TODAY = date(2026, 3, 1)
NO_RATES = RateTable(TODAY, rates={}, national="GBP")
# Invented figures for the tests (units per 1 GBP), not published rates.
RATES = RateTable(TODAY, rates={"EUR": Decimal("1.25"), "USD": Decimal("1.5")}, national="GBP")


@pytest.mark.parametrize(
    ("threshold", "currency", "matches"),
    [
        # 5000 EUR at 1.25 EUR per GBP is 4000 GBP, strictly above the amount only.
        ("3999.99", "GBP", True),
        ("4000", "GBP", False),
        # ... and 6000 USD at 1.5 USD per GBP (through the national currency).
        ("5999.99", "USD", True),
        ("6000", "USD", False),
        # The same currency needs no rate.
        ("4999.99", "EUR", True),
        ("5000", "EUR", False),
    ],
)
def test_value_threshold_in_another_currency_is_compared_at_the_customs_rate(
    threshold: str, currency: str, matches: bool
) -> None:
    # Given a rule "customs value above <threshold> <currency>" and coffee worth 5000 EUR
    value_rule = rule(value_above=Decimal(threshold), value_currency=currency)

    found = rule_matches(value_rule, COFFEE_BR, on=TODAY, rates=RATES)

    assert (found is not None) is matches
    if found is not None:
        assert found.rate_missing == "" and found.rate_date is None


def test_value_threshold_without_a_rate_matches_and_says_which_currency() -> None:
    # Given a threshold in USD, coffee in EUR, and only a EUR rate in force
    only_eur = RateTable(TODAY, rates={"EUR": Decimal("1.25")}, national="GBP")
    high = rule(value_above=Decimal("1000000"), value_currency="USD")

    found = rule_matches(high, COFFEE_BR, on=TODAY, rates=only_eur)

    # Then the rule matches (errs toward review) and records the missing rate and day
    assert found is not None and found.reviews
    assert (found.rate_missing, found.rate_date) == ("USD", TODAY)


def rule(**conditions: object) -> RoutingRule:
    return RoutingRule(active=True, **conditions)


@pytest.mark.parametrize(
    ("conditions", "matches"),
    [
        ({}, True),
        # HS prefix: the start of the code, not anywhere in it.
        ({"hs_prefix": "09"}, True),
        ({"hs_prefix": "090121"}, True),
        ({"hs_prefix": "0902"}, False),
        ({"hs_prefix": "01"}, False),
        # Countries of origin, export, destination.
        ({"origin_country": "BR"}, True),
        ({"origin_country": "br"}, True),
        ({"origin_country": "CO"}, False),
        ({"export_country": "BR"}, True),
        ({"export_country": "US"}, False),
        ({"destination_country": "GB"}, True),
        ({"destination_country": "FR"}, False),
        # Declaration type.
        ({"declaration_type": "IM"}, True),
        ({"declaration_type": "EX"}, False),
        # Procedure: requested alone matches any previous; four digits match exactly.
        ({"procedure_code": "40"}, True),
        ({"procedure_code": "4000"}, True),
        ({"procedure_code": "4071"}, False),
        ({"procedure_code": "10"}, False),
        # Customs value strictly above the threshold, in the same currency.
        ({"value_above": Decimal("4999.99"), "value_currency": "EUR"}, True),
        ({"value_above": Decimal("5000"), "value_currency": "EUR"}, False),
        # Another currency and no exchange rate in force: the agency sees the item rather
        # than miss one above its threshold (the conversions: test_value_threshold_*).
        ({"value_above": Decimal("1000000"), "value_currency": "USD"}, True),
        # Every filled-in condition must hold.
        ({"hs_prefix": "0901", "origin_country": "BR", "procedure_code": "40"}, True),
        ({"hs_prefix": "0901", "origin_country": "CO"}, False),
        # Effective dates, inclusive.
        ({"valid_from": TODAY}, True),
        ({"valid_from": TODAY + timedelta(days=1)}, False),
        ({"valid_to": TODAY}, True),
        ({"valid_to": TODAY - timedelta(days=1)}, False),
        # An inactive rule never matches.
        ({"active": False}, False),
    ],
)
def test_rule_matches_each_condition(conditions: dict[str, object], matches: bool) -> None:
    conditions = {"active": True, **conditions}
    found = rule_matches(RoutingRule(**conditions), COFFEE_BR, on=TODAY, rates=NO_RATES)
    assert (found is not None) is matches


def test_unknown_customs_value_does_not_meet_a_threshold() -> None:
    facts = ItemFacts(hs_code="090121", customs_value=None)
    assert rule_matches(rule(value_above=Decimal("1"), value_currency="EUR"), facts) is None


@pytest.mark.parametrize(
    ("documents", "requirement", "status", "code"),
    [
        # The document is on the item.
        ({"C640"}, "required", DocumentStatus.PRESENT, "C640"),
        # Neither the document nor an exemption: still reviewed, the document missing.
        (set(), "required", DocumentStatus.MISSING, ""),
        # A may-be-required rule disclaimed by an accepted exemption code.
        ({"Y929"}, "disclaimed", DocumentStatus.EXEMPTED, "Y929"),
        # A code the rule does not accept disclaims nothing.
        ({"Y058"}, "may_be_required", DocumentStatus.MISSING, ""),
    ],
)
def test_may_be_required_rule_disclaim_accepted_or_refused(
    documents: set[str], requirement: str, status: str, code: str
) -> None:
    # Given a may-be-required rule (a "required" rule for the first two cases' outcome
    # is the same: the rule's own requirement)
    may = rule(
        document_code="C640",
        exemption_codes="Y929, Y930",
        requirement=RoutingRequirement.MAY_BE_REQUIRED,
    )
    if requirement == "required":
        may.requirement = RoutingRequirement.REQUIRED
    facts = ItemFacts(hs_code="010229", document_codes=frozenset(documents))

    match = rule_matches(may, facts)

    assert match is not None
    assert (match.requirement, match.document_status, match.document_code) == (
        requirement,
        status,
        code,
    )
    assert match.reviews is (requirement != "disclaimed")


def test_a_required_rule_cannot_be_disclaimed() -> None:
    required = rule(document_code="C640", exemption_codes="Y929")
    match = rule_matches(required, ItemFacts(hs_code="0102", document_codes=frozenset({"Y929"})))
    assert match is not None
    assert match.requirement == RoutingRequirement.REQUIRED
    assert match.document_status == DocumentStatus.EXEMPTED
    assert match.reviews


def test_routing_plan_gives_customs_every_item_and_each_rule_its_matches(
    agency_customs: Agency, agency_medicines: Agency, agency_chemicals: Agency
) -> None:
    # Given medicaments matched by two medicines rules and one chemicals rule, and gold
    medicaments = ItemFacts(hs_code="300490", origin_country="IN")
    gold = ItemFacts(hs_code="711319", origin_country="IT")
    by_chapter = rule(agency=agency_medicines, hs_prefix="30")
    by_origin = rule(agency=agency_medicines, origin_country="IN")
    chemicals = rule(agency=agency_chemicals, hs_prefix="3004")

    plan = routing_plan([medicaments, gold], [by_chapter, by_origin, chemicals], [agency_customs])

    # Then customs has both; medicines has the item once, for both of its rules
    assert set(plan) == {agency_customs, agency_medicines, agency_chemicals}
    assert reviewed_items(plan[agency_customs]) == [0, 1]
    assert [m.rule for m in plan[agency_medicines][0]] == [by_chapter, by_origin]
    assert list(plan[agency_medicines]) == [0]
    assert [m.rule for m in plan[agency_chemicals][0]] == [chemicals]


def test_a_disclaimed_item_is_in_the_plan_but_not_reviewed(agency_plant_health: Agency) -> None:
    may = rule(
        agency=agency_plant_health,
        hs_prefix="0901",
        exemption_codes="Y929",
        requirement=RoutingRequirement.MAY_BE_REQUIRED,
    )
    facts = ItemFacts(hs_code="090121", document_codes=frozenset({"Y929"}))
    plan = routing_plan([facts], [may], customs=[])
    assert reviewed_items(plan[agency_plant_health]) == []


# --- facts of a stored declaration and the fan-out's reasons ---------------------------------


def test_declaration_item_facts_read_the_document(
    trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    document = valid_document()
    item = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]
    item["AdditionalDocument"] = [{"CategoryCode": "C", "TypeCode": "640", "ID": "CHED.1"}]
    declaration = make_submitted_declaration(trader_a, [COFFEE, MEDICAMENTS], document=document)

    coffee, medicaments = declaration_item_facts(declaration)

    assert (coffee.export_country, coffee.destination_country) == ("BR", "GB")
    assert coffee.procedure_code == "4000"
    assert coffee.document_codes == frozenset({"C640"})
    assert medicaments.document_codes == frozenset()
    assert (medicaments.hs_code, medicaments.origin_country) == MEDICAMENTS
    assert coffee.customs_value == Decimal("1000") and coffee.currency == "EUR"


def test_route_records_why_each_item_went_to_each_agency(
    agencies: dict[str, Agency], trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given coffee, medicaments and laptops
    declaration = make_submitted_declaration(trader_a, [COFFEE, MEDICAMENTS, LAPTOPS])

    # When routed
    declaration_route(declaration.pk)

    # Then each item has a reason per agency: customs for all, the chapter rule for others
    reasons = {
        (r.item.sequence, r.agency.code, r.rule_label, r.requirement)
        for r in RoutingReason.objects.filter(declaration=declaration).select_related("item")
    }
    assert reasons == {
        (1, "customs", "", "customs"),
        (2, "customs", "", "customs"),
        (3, "customs", "", "customs"),
        (1, "plant-animal-health", "HS chapter 09", "required"),
        (2, "medicines", "HS chapter 30", "required"),
        (3, "standards", "HS chapter 84", "required"),
    }
    assert all(r.task is not None for r in RoutingReason.objects.filter(declaration=declaration))


def test_route_informs_an_agency_of_a_disclaimed_item_without_a_task(
    agencies: dict[str, Agency],
    agency_medicines: Agency,
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
) -> None:
    # Given medicines' rule may be required, and the medicaments item disclaims it (Y929)
    RoutingRule.objects.filter(agency=agency_medicines).update(
        requirement=RoutingRequirement.MAY_BE_REQUIRED, exemption_codes="Y929"
    )
    document = valid_document()
    item = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][1]
    item["AdditionalDocument"] = [{"CategoryCode": "Y", "TypeCode": "929"}]
    declaration = make_submitted_declaration(trader_a, [COFFEE, MEDICAMENTS], document=document)

    # When routed
    declaration_route(declaration.pk)

    # Then medicines has no task, but the disclaimer is recorded for it
    assert not declaration.review_tasks.filter(agency=agency_medicines).exists()
    reason = RoutingReason.objects.get(declaration=declaration, agency=agency_medicines)
    assert (reason.requirement, reason.document_code, reason.task) == ("disclaimed", "Y929", None)


def test_route_uses_the_rules_in_force_on_the_day_of_lodging(
    agencies: dict[str, Agency],
    agency_medicines: Agency,
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
) -> None:
    # Given the medicines rule starts tomorrow
    tomorrow = timezone.localdate() + timedelta(days=1)
    RoutingRule.objects.filter(agency=agency_medicines).update(valid_from=tomorrow)
    declaration = make_submitted_declaration(trader_a, [MEDICAMENTS])

    declaration_route(declaration.pk)

    assert not declaration.review_tasks.filter(agency=agency_medicines).exists()
