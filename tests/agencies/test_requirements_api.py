"""What do I need? and the HS search over the API, open without login; the routing rules
readable by officers. The requirements lookup equals what routing does for the same item
(one function, checked against the fan-out on generated items)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from agencies.models import Agency, Officer, RoutingRequirement, RoutingRule
from agencies.routing.conditions import declaration_item_facts
from agencies.routing.requirements import requirements_for
from agencies.services import declaration_route
from declarations.models import ClearanceStatus, Trader
from tests.conftest import MakeDeclaration, _submitted_declaration

pytestmark = pytest.mark.django_db
REQUIREMENTS = reverse("api:requirements")
HS = reverse("api:hs-search")


def test_requirements_for_coffee_from_brazil_without_login(agencies: dict[str, Agency]) -> None:
    response = APIClient().get(REQUIREMENTS, {"hs": "0901.21", "origin": "BR", "type": "IM"})

    assert response.status_code == 200
    body = response.json()
    assert body["hs"] == "090121"
    assert [(a["agency_code"], a["requirement"]) for a in body["agencies"]] == [
        ("customs", "customs"),
        ("plant-animal-health", "required"),
    ]
    assert body["agencies"][1]["text"] == "Plant and Animal Health Agency: required"


def test_requirements_list_documents_and_exemption_codes(
    agencies: dict[str, Agency], agency_medicines: Agency
) -> None:
    RoutingRule.objects.create(
        agency=agency_medicines,
        hs_prefix="3004",
        document_code="C678",
        exemption_codes="Y929",
        requirement=RoutingRequirement.MAY_BE_REQUIRED,
        active=True,
    )

    asked = APIClient().get(REQUIREMENTS, {"hs": "300490", "origin": "IN"}).json()
    disclaimed = APIClient().get(REQUIREMENTS, {"hs": "300490", "documents": "y929"}).json()

    [medicines] = [a for a in asked["agencies"] if a["agency_code"] == "medicines"]
    # The chapter rule (required) is the stronger of the two rules
    assert medicines["requirement"] == "required"
    assert medicines["documents"][0]["code"] == "C678"
    assert medicines["documents"][0]["exemption_codes"] == ["Y929"]
    assert medicines["exemption_codes"] == ["Y929"]
    assert len(medicines["rules"]) == 2
    [still] = [a for a in disclaimed["agencies"] if a["agency_code"] == "medicines"]
    assert still["requirement"] == "required"  # the chapter rule cannot be disclaimed


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({}, "?hs"),
        ({"hs": "9"}, "?hs"),
        ({"hs": "12345678901"}, "?hs"),
        ({"hs": "0901", "origin": "ZZ"}, "?origin"),
        ({"hs": "0901", "type": "XX"}, "?type"),
        ({"hs": "0901", "procedure": "4"}, "?procedure"),
    ],
)
def test_requirements_refuse_bad_parameters_with_a_pointer(
    agencies: dict[str, Agency], params: dict[str, str], path: str
) -> None:
    response = APIClient().get(REQUIREMENTS, params)

    assert response.status_code == 400
    assert path in [error["path"] for error in response.json()["errors"]]


HS_CODES = ["090121", "300490", "847130", "010229", "711319", "290511", "850440", "200911"]
COUNTRIES = ["BR", "IN", "CN", "US", "FR", "GB"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    items=st.lists(
        st.tuples(st.sampled_from(HS_CODES), st.sampled_from(COUNTRIES)), min_size=1, max_size=4
    ),
    type_code=st.sampled_from(["IM", "EX"]),
)
def test_requirements_equal_what_routing_does_on_generated_items(
    agencies: dict[str, Agency],
    trader_a: Trader,
    items: list[tuple[str, str]],
    type_code: str,
) -> None:
    # Given rules on origin and type besides the demo's chapters
    RoutingRule.objects.get_or_create(
        agency=agencies["standards"], origin_country="CN", declaration_type="IM", active=True
    )
    declaration = _submitted_declaration(trader_a, items, type_code=type_code)

    # When the declaration is routed, and each item asked about before filing
    declaration_route(declaration.pk)
    facts = declaration_item_facts(declaration)

    # Then each item went to exactly the agencies the lookup named as reviewing it
    for item_facts in facts:
        routed = set(item_facts.item.review_tasks.values_list("agency__code", flat=True))
        told = {n.agency.code for n in requirements_for(item_facts) if n.reviews}
        assert routed == told


# --- HS search ------------------------------------------------------------------------------


def test_hs_search_ranks_roasted_coffee_first(db: None) -> None:
    response = APIClient().get(HS, {"q": "roasted coffee"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["hs_code"] == "090121"
    assert "roasted" in results[0]["description"].lower()
    # Unroasted coffee says "not roasted": it is not a match for the word
    assert "090111" not in [r["hs_code"] for r in results[:2]]


def test_hs_search_learns_from_cleared_declarations(
    trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given laptops (no word of the HS text) cleared under 8471.30 twice
    for _ in range(2):
        declaration = make_submitted_declaration(trader_a, [("847130", "CN")])
        declaration.items.update(description="Laptop computers, 14 inch")
        declaration.status = ClearanceStatus.CLEARED
        declaration.save()

    results = APIClient().get(HS, {"q": "laptop"}).json()["results"]

    assert results[0]["hs_code"] == "847130"
    assert results[0]["cleared"] == 2


def test_hs_search_needs_a_query(db: None) -> None:
    response = APIClient().get(HS)
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "?q"


# --- routing rules for officers --------------------------------------------------------------


def test_officers_read_the_routing_rules(
    officer_customs: Officer, agencies: dict[str, Agency]
) -> None:
    client = APIClient()
    client.force_login(officer_customs.user)

    response = client.get(reverse("api:routing-rules"), {"limit": 200})

    assert response.status_code == 200
    rules = response.json()["results"]
    assert len(rules) == RoutingRule.objects.count()
    assert {"hs_prefix": "30", "agency_code": "medicines"}.items() <= next(
        r for r in rules if r["hs_prefix"] == "30"
    ).items()
    assert client.post(reverse("api:routing-rules"), {}).status_code == 405


def test_traders_cannot_read_the_routing_rules(
    trader_a: Trader, outsider: AbstractBaseUser
) -> None:
    client = APIClient()
    client.force_login(trader_a.user)
    assert client.get(reverse("api:routing-rules")).status_code == 403
    assert APIClient().get(reverse("api:routing-rules")).status_code == 401


def test_value_threshold_in_requirements(
    agencies: dict[str, Agency], agency_standards: Agency
) -> None:
    RoutingRule.objects.create(
        agency=agency_standards, value_above=Decimal("10000"), value_currency="EUR", active=True
    )
    low = APIClient().get(REQUIREMENTS, {"hs": "711319", "value": "500", "currency": "EUR"})
    high = APIClient().get(REQUIREMENTS, {"hs": "711319", "value": "50000", "currency": "EUR"})
    codes = lambda r: [a["agency_code"] for a in r.json()["agencies"]]  # noqa: E731
    assert codes(low) == ["customs"]
    assert codes(high) == ["customs", "standards"]
