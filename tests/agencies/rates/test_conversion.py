"""Customs exchange rates: the rate in force on a day (one per currency), the conversion
through the national currency, the checks on a rate, and their use by routing, the
requirements lookup and the fan-out's reasons when no rate is in force.

Every figure here is invented for the tests, not a published rate."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from agencies.models import Agency, RoutingReason, RoutingRule
from agencies.rates.conversion import RateTable, rates_in_force
from agencies.rates.models import ExchangeRate
from agencies.routing.selectors import declaration_item_reasons
from agencies.services import declaration_route
from declarations.models import Trader
from tests.conftest import MakeDeclaration

pytestmark = pytest.mark.django_db

DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


def rate(currency: str, value: str, start: date, end: date, **fields: object) -> ExchangeRate:
    return ExchangeRate.objects.create(
        currency=currency,
        rate=Decimal(value),
        valid_from=start,
        valid_to=end,
        source=fields.pop("source", "test figures"),
        **fields,
    )


@pytest.fixture(autouse=True)
def _gbp(settings: Settings) -> None:
    settings.NATIONAL_CURRENCY = "GBP"


def test_the_rate_in_force_on_a_day_is_the_one_of_its_period() -> None:
    # Given November's and December's EUR rates, a withdrawn one, and a USD rate
    rate("EUR", "1.10", date(2026, 11, 1), date(2026, 11, 30))
    rate("EUR", "1.20", *DECEMBER)
    rate("EUR", "9.99", *DECEMBER, active=False)
    rate("USD", "1.30", *DECEMBER)

    # Then each day reads its own period's, inclusive at both ends
    assert rates_in_force(date(2026, 11, 30)) == {"EUR": Decimal("1.10")}
    assert rates_in_force(date(2026, 12, 1)) == {"EUR": Decimal("1.20"), "USD": Decimal("1.30")}
    assert rates_in_force(date(2026, 12, 31))["EUR"] == Decimal("1.20")
    assert rates_in_force(date(2027, 1, 1)) == {}


def test_overlapping_active_rates_read_the_one_starting_later() -> None:
    # Written past the admin's check (the admin refuses the overlap)
    rate("EUR", "1.10", date(2026, 12, 1), date(2026, 12, 31))
    rate("EUR", "1.15", date(2026, 12, 15), date(2026, 12, 31))
    assert rates_in_force(date(2026, 12, 20))["EUR"] == Decimal("1.15")
    assert rates_in_force(date(2026, 12, 10))["EUR"] == Decimal("1.10")


def test_conversion_goes_through_the_national_currency_and_reads_the_database_once(
    django_assert_num_queries,
) -> None:
    rate("EUR", "1.25", *DECEMBER)
    rate("USD", "1.5", *DECEMBER)
    table = RateTable(date(2026, 12, 10))
    with django_assert_num_queries(1):
        assert table.convert(Decimal("5000"), "EUR", "GBP").amount == Decimal("4000")
        assert table.convert(Decimal("5000"), "EUR", "USD").amount == Decimal("6000")
        assert table.convert(Decimal("300"), "GBP", "usd").amount == Decimal("450")
        # A blank currency is the national one (a question asked before filing).
        assert table.convert(Decimal("10"), "", "EUR").amount == Decimal("12.5")
    missing = table.convert(Decimal("1"), "JPY", "CHF")
    assert (missing.amount, missing.missing, missing.day) == (None, "JPY, CHF", date(2026, 12, 10))


def test_the_same_currency_needs_no_rate_and_no_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert RateTable(date(2026, 12, 1)).convert(Decimal("7"), "EUR", "EUR").amount == 7


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"currency": "EUX"}, "currency", "not an ISO 4217"),
        ({"currency": "gbp"}, "currency", "national currency"),
        ({"rate": Decimal("0")}, "rate", "above zero"),
        ({"valid_to": date(2026, 11, 30)}, "valid_to", "cannot end before"),
        (
            {"valid_from": date(2026, 12, 31), "valid_to": date(2027, 1, 31)},
            "valid_from",
            "in force",
        ),
    ],
)
def test_a_rate_that_could_not_be_used_is_refused_at_its_field(
    fields: dict[str, object], field: str, words: str
) -> None:
    rate("EUR", "1.2", *DECEMBER)
    new = ExchangeRate(
        currency="EUR", rate=Decimal("1.3"), valid_from=date(2027, 1, 1),
        valid_to=date(2027, 1, 31), source="test",
    )  # fmt: skip
    for name, value in fields.items():
        setattr(new, name, value)
    with pytest.raises(ValidationError) as refused:
        new.full_clean()
    assert words in " ".join(refused.value.message_dict[field])


def test_a_withdrawn_rate_does_not_block_its_period() -> None:
    rate("EUR", "1.2", *DECEMBER, active=False)
    ExchangeRate(
        currency="eur", rate=Decimal("1.21"), valid_from=DECEMBER[0], valid_to=DECEMBER[1],
        source="corrected",
    ).full_clean()  # fmt: skip


# --- routing, the requirements lookup and the reasons -------------------------------------


@pytest.fixture
def gold_above_5000_usd(agency_standards: Agency) -> RoutingRule:
    """A rule on jewellery (HS 7113, no demo rule) above 5000 USD, for the standards agency."""
    return RoutingRule.objects.create(
        agency=agency_standards, hs_prefix="7113", value_above=Decimal("5000"),
        value_currency="USD", active=True, description="Jewellery above 5000 USD",
    )  # fmt: skip


def test_routing_compares_a_value_in_another_currency_at_the_rate_of_the_lodging_day(
    agencies: dict[str, Agency],
    gold_above_5000_usd: RoutingRule,
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
) -> None:
    # Given rates in force today: 1000 EUR is 800 GBP, 1200 USD (below 5000 USD)
    today = timezone.localdate()
    rate("EUR", "1.25", today - timedelta(days=1), today + timedelta(days=1))
    rate("USD", "1.5", today - timedelta(days=1), today + timedelta(days=1))
    declaration = make_submitted_declaration(trader_a, [("711319", "IT")])

    declaration_route(declaration.pk)

    # Then the standards agency does not get the gold worth 1000 EUR
    assert not declaration.review_tasks.filter(agency=gold_above_5000_usd.agency).exists()


def test_without_a_rate_routing_sends_the_item_for_review_and_says_why(
    agencies: dict[str, Agency],
    gold_above_5000_usd: RoutingRule,
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
) -> None:
    # Given no USD rate in force (the item is in EUR, the threshold in USD)
    declaration = make_submitted_declaration(trader_a, [("711319", "IT")])

    declaration_route(declaration.pk)

    # Then the agency reviews the item, and the reason names the currency and the day
    assert declaration.review_tasks.filter(agency=gold_above_5000_usd.agency).exists()
    reason = RoutingReason.objects.get(declaration=declaration, rule=gold_above_5000_usd)
    lodged = timezone.localdate(declaration.submitted_at)
    assert (reason.rate_missing, reason.rate_date) == ("EUR, USD", lodged)
    [text] = [r.text for r in declaration_item_reasons(declaration)[1] if r.rule_id]
    assert f"no exchange rate for EUR, USD on {lodged.isoformat()}" in text
    assert "sent for review" in text


def test_the_requirements_lookup_says_when_no_rate_was_in_force(
    agencies: dict[str, Agency], gold_above_5000_usd: RoutingRule
) -> None:
    today = timezone.localdate()
    rate("EUR", "1.25", today, today)
    answer = APIClient().get(
        "/api/v1/requirements/", {"hs": "711319", "value": "100", "currency": "EUR"}
    )
    [standards] = [a for a in answer.json()["agencies"] if a["agency_code"] == "standards"]
    assert standards["notes"] == [
        f"no exchange rate for USD on {today.isoformat()}: reviewed rather than skipped"
    ]
    # With the USD rate: 100 EUR is below 5000 USD, the agency is not concerned
    rate("USD", "1.5", today, today)
    again = APIClient().get(
        "/api/v1/requirements/", {"hs": "711319", "value": "100", "currency": "EUR"}
    )
    assert "standards" not in [a["agency_code"] for a in again.json()["agencies"]]
