"""Lanes at routing time, on PostgreSQL through ``declaration_route``: green released by
the system (the declaration cleared with no person when every agency is green), yellow and
red with their checks, the default, the random draw, and officers' overrides."""

from decimal import Decimal
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from agencies.inspections.models import Inspection, InspectionKind
from agencies.models import Agency, ItemOutcome, Officer, ReviewStatus
from agencies.risk.models import LaneAssignment, LaneOverride, RiskLane, RiskProfile
from agencies.risk.services import lane_override
from agencies.services import DecisionInvalid, ReviewConflict, review_decide
from declarations.models import ClearanceStatus, Company, StatusEvent, Trader
from tests.conftest import COFFEE, MEDICAMENTS, review_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_random_draw(settings: Settings) -> None:
    # The draw is tested on its own; here a lane is what the profiles say.
    settings.RISK_MINIMUM_RANDOM_RATES = {"green": "0", "yellow": "0"}


def _profile(agency: Agency, lane: str, traders: list[Company] = (), **criteria: Any):
    profile = RiskProfile.objects.create(
        agency=agency, name=f"{lane} {criteria or 'all'}", lane=lane, **criteria
    )
    profile.traders.set(traders)
    return profile


def _lane(declaration: Any, agency: Agency) -> LaneAssignment:
    return review_of(declaration, agency).lane_assignment


def test_trusted_operator_green_everywhere_clears_with_no_person(
    agencies: dict[str, Agency], trader_a: Trader, make_routed_declaration: Any
) -> None:
    # Given green profiles for trader A at customs and plant health
    for code in ("customs", "plant-animal-health"):
        _profile(agencies[code], RiskLane.GREEN, [trader_a.company])

    # When A's coffee is routed
    declaration = make_routed_declaration(trader_a, [COFFEE])

    # Then it is cleared, every task released by the system with the reason recorded
    assert declaration.status == ClearanceStatus.CLEARED
    for code in ("customs", "plant-animal-health"):
        task = review_of(declaration, agencies[code])
        assert task.status == ReviewStatus.RELEASED
        assert task.decided_by is None and task.claimed_by is None
        assert "Green lane" in task.reason
        assert task.lane_assignment.lane == RiskLane.GREEN
        assert "profile" in task.lane_assignment.reason
        [outcome] = ItemOutcome.objects.filter(task=task)
        assert outcome.outcome == "released" and outcome.decided_by is None
        assert task.events.filter(kind=StatusEvent.Kind.AGENCY_DECISION, actor=None).exists()
    assert not Inspection.objects.exists()
    changed = declaration.events.filter(kind=StatusEvent.Kind.STATUS_CHANGED).last()
    assert changed.to_status == ClearanceStatus.CLEARED and changed.actor is None


def test_another_trader_is_not_green(
    agencies: dict[str, Agency], trader_a: Trader, trader_b: Trader, make_routed_declaration: Any
) -> None:
    _profile(agencies["customs"], RiskLane.GREEN, [trader_a.company])

    declaration = make_routed_declaration(trader_b, [COFFEE])

    assert _lane(declaration, agencies["customs"]).lane == RiskLane.YELLOW
    assert declaration.status == ClearanceStatus.UNDER_REVIEW


def test_no_profile_is_the_default_yellow_an_officer_reviews(
    agencies: dict[str, Agency], trader_a: Trader, make_routed_declaration: Any
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])

    assignment = _lane(declaration, agencies["customs"])
    assert assignment.lane == assignment.assessed_lane == RiskLane.YELLOW
    assert "no risk profile matched items 1" in assignment.reason
    assert assignment.matched == []
    # The default yellow is the officer's review: nothing ordered, nothing released
    assert not Inspection.objects.exists()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW


def test_green_for_one_agency_leaves_the_others_to_review(
    agencies: dict[str, Agency], trader_a: Trader, make_routed_declaration: Any
) -> None:
    _profile(agencies["customs"], RiskLane.GREEN, [trader_a.company])

    declaration = make_routed_declaration(trader_a, [COFFEE])

    assert review_of(declaration, agencies["customs"]).status == ReviewStatus.RELEASED
    assert review_of(declaration, agencies["plant-animal-health"]).status == ReviewStatus.PENDING
    assert declaration.status == ClearanceStatus.UNDER_REVIEW


def test_red_beats_green_and_orders_a_physical_check_by_the_system(
    agencies: dict[str, Agency], trader_a: Trader, make_routed_declaration: Any
) -> None:
    customs = agencies["customs"]
    _profile(customs, RiskLane.GREEN, [trader_a.company])
    # 1000 EUR / 100 kg = 10 EUR/kg: under 12 EUR/kg is suspect for coffee here
    _profile(
        customs, RiskLane.RED, hs_prefix="0901",
        value_per_kg_below=Decimal("12"), value_currency="EUR",
    )  # fmt: skip

    declaration = make_routed_declaration(trader_a, [COFFEE])

    task = review_of(declaration, customs)
    assert task.lane_assignment.lane == RiskLane.RED
    [inspection] = task.inspections.all()
    assert inspection.kind == InspectionKind.PHYSICAL and inspection.ordered_by is None
    assert inspection.appointment.declaration == declaration
    assert task.status == ReviewStatus.PENDING
    assert declaration.status == ClearanceStatus.INSPECTION


def test_yellow_profile_orders_a_documentary_check(
    agencies: dict[str, Agency], trader_a: Trader, make_routed_declaration: Any
) -> None:
    _profile(agencies["medicines"], RiskLane.YELLOW, origin_country="IN")

    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])

    task = review_of(declaration, agencies["medicines"])
    assert [i.kind for i in task.inspections.all()] == [InspectionKind.DOCUMENTARY]
    assert not review_of(declaration, agencies["customs"]).inspections.exists()


def test_random_draw_sends_green_up_and_is_recorded(
    agencies: dict[str, Agency], trader_a: Trader, make_routed_declaration: Any
) -> None:
    profile = _profile(agencies["customs"], RiskLane.GREEN, [trader_a.company])
    profile.random_rate = Decimal("100")
    profile.save()

    declaration = make_routed_declaration(trader_a, [COFFEE])

    assignment = _lane(declaration, agencies["customs"])
    assert (assignment.assessed_lane, assignment.lane) == (RiskLane.GREEN, RiskLane.YELLOW)
    assert assignment.escalated and assignment.rate == Decimal("100")
    assert assignment.draw_key.endswith(f"{declaration.mrn}:customs")
    assert "at random" in assignment.reason
    task = review_of(declaration, agencies["customs"])
    assert [i.kind for i in task.inspections.all()] == [InspectionKind.DOCUMENTARY]


def test_a_rerun_assigns_nothing_twice(
    agencies: dict[str, Agency], trader_a: Trader, make_routed_declaration: Any
) -> None:
    from agencies.services import declaration_route

    _profile(agencies["customs"], RiskLane.GREEN, [trader_a.company])
    declaration = make_routed_declaration(trader_a, [COFFEE])

    assert declaration_route(declaration.pk) == []
    assert LaneAssignment.objects.filter(task__declaration=declaration).count() == 2
    assert ItemOutcome.objects.filter(task__declaration=declaration).count() == 1


def test_override_needs_a_reason_and_orders_the_lane_check(
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    make_routed_declaration: Any,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, agencies["customs"])

    with pytest.raises(DecisionInvalid) as refused:
        lane_override(user=officer_customs.user, review_id=task.pk, lane="red", reason=" ")
    assert "reason" in refused.value.errors

    lane_override(
        user=officer_customs.user, review_id=task.pk, lane="red", reason="Intelligence report 42"
    )

    assignment = LaneAssignment.objects.get(task=task)
    assert assignment.lane == RiskLane.RED and assignment.assessed_lane == RiskLane.YELLOW
    [override] = LaneOverride.objects.all()
    assert (override.from_lane, override.to_lane, override.actor) == (
        "yellow",
        "red",
        officer_customs.user,
    )
    [inspection] = task.inspections.all()
    assert inspection.kind == "physical" and inspection.ordered_by == officer_customs.user
    event = task.events.get(kind=StatusEvent.Kind.LANE_CHANGED)
    assert "Intelligence report 42" in event.message and event.actor == officer_customs.user
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.INSPECTION


def test_override_to_green_releases_by_the_officer(
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    make_routed_declaration: Any,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    review_decide(
        user=officer_plant_health.user,
        review_id=review_of(declaration, agencies["plant-animal-health"]).pk,
        decision="approved",
    )
    task = review_of(declaration, agencies["customs"])

    lane_override(
        user=officer_customs.user, review_id=task.pk, lane="green", reason="Known shipment"
    )

    task.refresh_from_db()
    assert task.status == ReviewStatus.RELEASED and task.decided_by == officer_customs.user
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.CLEARED
    # And the same lane again is refused
    with pytest.raises(ReviewConflict):
        lane_override(user=officer_customs.user, review_id=task.pk, lane="red", reason="late")


def test_officer_calls_in_a_green_task_while_the_declaration_is_open(
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    make_routed_declaration: Any,
) -> None:
    # Given customs green and plant health still to review
    _profile(agencies["customs"], RiskLane.GREEN, [trader_a.company])
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, agencies["customs"])
    assert task.status == ReviewStatus.RELEASED

    # When a customs officer moves it to yellow
    lane_override(user=officer_customs.user, review_id=task.pk, lane="yellow", reason="Spot check")

    # Then the system's release is withdrawn and a documentary check is ordered
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING and task.due_at is not None
    assert not task.outcomes.exists()
    assert [i.kind for i in task.inspections.all()] == ["documentary"]
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.INSPECTION
