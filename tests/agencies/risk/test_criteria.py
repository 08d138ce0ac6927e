"""Risk profile criteria, one by one, and the reproducible random draw."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.fixtures import Settings

from agencies.models import Agency
from agencies.rates.conversion import RateTable
from agencies.risk.criteria import (
    draw,
    draw_key,
    lane_above,
    most_severe,
    profile_match,
    profile_matches,
)
from agencies.risk.models import RiskLane, RiskProfile
from agencies.risk.services import lane_choose
from agencies.routing.conditions import ItemFacts
from declarations.models import GoodsItem

TODAY = timezone.localdate()


def _facts(
    hs: str = "090121",
    origin: str = "BR",
    procedure: str = "4000",
    value: str = "5000",
    currency: str = "EUR",
    net_kg: str | None = "1000",
    sequence: int = 1,
) -> ItemFacts:
    item = GoodsItem(sequence=sequence, net_mass_kg=Decimal(net_kg) if net_kg else None)
    return ItemFacts(
        hs_code=hs,
        origin_country=origin,
        procedure_code=procedure,
        customs_value=Decimal(value),
        currency=currency,
        item=item,
    )


def _profile(**criteria: object) -> RiskProfile:
    return RiskProfile(agency_id=1, name="p", lane=RiskLane.RED, active=True, **criteria)


# Invented figures for the tests (units per 1 GBP), not published rates.
RATES = RateTable(TODAY, rates={"EUR": Decimal("1.25"), "USD": Decimal("1.5")}, national="GBP")
NO_RATES = RateTable(TODAY, rates={}, national="GBP")


def _holds(
    profile: RiskProfile,
    facts: ItemFacts,
    company: int = 7,
    traders=(),
    rates: RateTable = NO_RATES,
) -> bool:
    return profile_matches(profile, facts, company, TODAY, set(traders), rates)


@pytest.mark.parametrize(("below", "holds"), [("4.17", True), ("4.16", False)])
def test_value_per_kg_in_another_currency_is_converted_at_the_customs_rate(
    below: str, holds: bool
) -> None:
    # 5000 USD / 1000 kg = 5 USD/kg; at 1.5 USD and 1.25 EUR per GBP, 4.1666... EUR/kg.
    profile = _profile(value_per_kg_below=Decimal(below), value_currency="EUR")
    assert _holds(profile, _facts(currency="USD"), rates=RATES) is holds


def test_value_per_kg_without_a_rate_does_not_hold_and_names_the_currency() -> None:
    profile = _profile(value_per_kg_below=Decimal("6"), value_currency="EUR")
    found = profile_match(profile, _facts(currency="USD"), 7, TODAY, set(), NO_RATES)
    assert (found.holds, found.rate_missing) == (False, "USD, EUR")


def test_blank_profile_matches_every_item() -> None:
    assert _holds(_profile(), _facts())


@pytest.mark.parametrize(
    ("criteria", "facts", "expected"),
    [
        ({"hs_prefix": "0901"}, _facts(hs="090121"), True),
        ({"hs_prefix": "0901"}, _facts(hs="090210"), False),
        ({"origin_country": "BR"}, _facts(origin="BR"), True),
        ({"origin_country": "BR"}, _facts(origin="CO"), False),
        ({"procedure_code": "40"}, _facts(procedure="4071"), True),
        ({"procedure_code": "4000"}, _facts(procedure="4071"), False),
        ({"procedure_code": "40"}, _facts(procedure="5100"), False),
        # Value per kg: 5000 EUR / 1000 kg = 5 EUR/kg.
        ({"value_per_kg_below": Decimal("6"), "value_currency": "EUR"}, _facts(), True),
        ({"value_per_kg_below": Decimal("5"), "value_currency": "EUR"}, _facts(), False),
        ({"value_per_kg_above": Decimal("4.99"), "value_currency": "EUR"}, _facts(), True),
        ({"value_per_kg_above": Decimal("5"), "value_currency": "EUR"}, _facts(), False),
        # Another currency without a rate in force: the criterion does not hold.
        (
            {"value_per_kg_below": Decimal("6"), "value_currency": "EUR"},
            _facts(currency="USD"),
            False,
        ),
        # No net mass: no value per kg.
        (
            {"value_per_kg_below": Decimal("6"), "value_currency": "EUR"},
            _facts(net_kg=None),
            False,
        ),
    ],
)
def test_each_criterion(criteria: dict, facts: ItemFacts, expected: bool) -> None:
    assert _holds(_profile(**criteria), facts) is expected


def test_trader_criterion_holds_only_for_the_listed_companies() -> None:
    profile = _profile()
    assert _holds(profile, _facts(), company=7, traders=[7, 8])
    assert not _holds(profile, _facts(), company=9, traders=[7, 8])


def test_effective_dates_and_active() -> None:
    day = timedelta(days=1)
    assert not _holds(_profile(valid_from=TODAY + day), _facts())
    assert not _holds(_profile(valid_to=TODAY - day), _facts())
    assert _holds(_profile(valid_from=TODAY, valid_to=TODAY), _facts())
    inactive = _profile()
    inactive.active = False
    assert not _holds(inactive, _facts())


@pytest.mark.django_db
def test_profile_refused_at_the_field_when_it_could_never_match(agencies: dict) -> None:
    profile = RiskProfile(
        agency=agencies["customs"],
        name="bad",
        lane=RiskLane.RED,
        hs_prefix="99.99",
        origin_country="zz",
        procedure_code="4",
        value_per_kg_below=Decimal("1"),
        value_per_kg_above=Decimal("2"),
        value_currency="EUR",
    )
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert set(refused.value.message_dict) >= {
        "hs_prefix",
        "origin_country",
        "procedure_code",
        "value_per_kg_below",
    }
    # And a value per kg without its currency
    profile = RiskProfile(
        agency=agencies["customs"], name="x", lane=RiskLane.RED, value_per_kg_below=Decimal("2")
    )
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "value_currency" in refused.value.message_dict


def test_lane_order() -> None:
    assert most_severe([RiskLane.GREEN, RiskLane.RED, RiskLane.YELLOW]) == RiskLane.RED
    assert lane_above(RiskLane.GREEN) == RiskLane.YELLOW
    assert lane_above(RiskLane.RED) == RiskLane.RED


def test_draw_is_reproducible_for_a_given_seed(settings: Settings) -> None:
    settings.RISK_DRAW_SEED = "seed-1"
    key = draw_key("26GB00000000000001", "customs")
    assert key == "seed-1:26GB00000000000001:customs"
    first = draw(key)
    assert draw(key) == first and 0 <= first < 1
    settings.RISK_DRAW_SEED = "seed-2"
    assert draw(draw_key("26GB00000000000001", "customs")) != first


def test_random_selection_rate_and_reproducibility(settings: Settings) -> None:
    # Given a green profile for every item and the minimum rate of 2 % green -> yellow
    settings.RISK_MINIMUM_RANDOM_RATES = {"green": "2", "yellow": "0"}
    agency = Agency(pk=1, code="customs")
    green = RiskProfile(pk=10, agency=agency, name="trusted", lane=RiskLane.GREEN, active=True)

    def lanes() -> list[str]:
        return [
            lane_choose(
                1, "customs", [_facts()], company_id=7, reference=f"MRN{n:06d}",
                profiles=[(green, set())], on=TODAY,
            ).lane
            for n in range(5000)
        ]  # fmt: skip

    # When 5,000 declarations are drawn twice
    first, second = lanes(), lanes()
    # Then the same ones go up both times, about 2 % of them
    assert first == second
    share = first.count(RiskLane.YELLOW) / len(first)
    assert 0.015 < share < 0.025
    assert set(first) == {RiskLane.GREEN, RiskLane.YELLOW}


def test_choice_records_the_profiles_and_the_default(settings: Settings) -> None:
    settings.RISK_MINIMUM_RANDOM_RATES = {"green": "0", "yellow": "0"}
    agency = Agency(pk=1, code="customs")
    coffee = RiskProfile(
        pk=11, agency=agency, name="Coffee", lane=RiskLane.GREEN, hs_prefix="0901", active=True
    )
    choice = lane_choose(
        1, "customs", [_facts(), _facts(hs="300490", sequence=2)], company_id=7,
        reference="MRN1", profiles=[(coffee, set())], on=TODAY,
    )  # fmt: skip
    # Item 2 matched nothing: the default (yellow) wins over green
    assert choice.lane == RiskLane.YELLOW and not choice.escalated
    assert choice.matched == [{"id": 11, "name": "Coffee", "lane": "green", "items": [1]}]
    assert "no risk profile matched items 2" in choice.reason


def test_an_item_a_profile_could_not_value_gets_no_lane_below_yellow(settings: Settings) -> None:
    # Given a green profile for the trusted trader and a red undervaluation profile in EUR
    settings.RISK_MINIMUM_RANDOM_RATES = {"green": "0", "yellow": "0"}
    agency = Agency(pk=1, code="customs")
    trusted = RiskProfile(pk=12, agency=agency, name="Trusted", lane=RiskLane.GREEN, active=True)
    undervalued = RiskProfile(
        pk=13, agency=agency, name="Undervalued", lane=RiskLane.RED, active=True,
        value_per_kg_below=Decimal("1"), value_currency="EUR",
    )  # fmt: skip
    profiles = [(trusted, set()), (undervalued, set())]

    def choose(rates: RateTable) -> str:
        return lane_choose(
            1, "customs", [_facts(currency="USD")], company_id=7, reference="MRN2",
            profiles=profiles, on=TODAY, rates=rates,
        )  # fmt: skip

    # When the item is in USD and no rate is in force: not green, and the reason says why
    unrated = choose(NO_RATES)
    assert unrated.lane == RiskLane.YELLOW
    assert f"no exchange rate for USD, EUR on {TODAY.isoformat()}" in unrated.reason
    assert "items 1" in unrated.reason
    # With the rates the red profile is compared (4.17 EUR/kg is not below 1): green
    assert choose(RATES).lane == RiskLane.GREEN
