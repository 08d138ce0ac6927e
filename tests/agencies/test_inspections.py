"""Checks and joint inspections (``agencies.inspections.services``)."""

import pytest

from agencies.inspections.models import InspectionAppointment
from agencies.inspections.selectors import declaration_appointments
from agencies.inspections.services import (
    goods_location,
    inspection_order,
    inspection_record_result,
    openings_saved,
)
from agencies.models import Agency, Officer, ReviewStatus
from agencies.services import DecisionInvalid, ItemDecision, ReviewConflict, review_decide
from declarations.models import ClearanceStatus, Declaration, Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of

LOCATION = {
    "Declaration": {
        "GoodsShipment": {
            "Consignment": {
                "GoodsLocation": {"Name": "Port of Felixstowe", "Address": {"CountryCode": "GB"}}
            }
        }
    }
}


@pytest.fixture
def coffee(trader_a: Trader, make_routed_declaration: MakeDeclaration) -> Declaration:
    """Coffee at Felixstowe: customs and plant health review it."""
    return make_routed_declaration(trader_a, [COFFEE], document=LOCATION)


def test_goods_location_reads_the_declared_place() -> None:
    assert goods_location(LOCATION) == "Port of Felixstowe (GB)"
    assert "not declared" in goods_location({"Declaration": {}})


def test_physical_checks_of_two_agencies_share_one_appointment(
    coffee: Declaration,
    officer_customs: Officer,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    # When customs orders a physical check, then plant health one with a sample
    first = inspection_order(
        user=officer_customs.user, review_id=review_of(coffee, agency_customs).pk, kind="physical"
    )
    second = inspection_order(
        user=officer_plant_health.user,
        review_id=review_of(coffee, agency_plant_health).pk,
        kind="physical",
        sample=True,
    )

    # Then both belong to one appointment at the goods location: one opening saved
    assert first.appointment_id == second.appointment_id
    [appointment] = declaration_appointments(coffee)
    assert appointment.place == "Port of Felixstowe (GB)"
    assert appointment.agencies == ("Customs", "Plant and Animal Health Agency")
    assert appointment.is_joint and appointment.starts_at < appointment.ends_at
    assert openings_saved() == 1
    coffee.refresh_from_db()
    assert coffee.status == ClearanceStatus.INSPECTION
    assert second.laboratory_result == "pending"


def test_an_agency_decides_once_its_checks_have_results(
    coffee: Declaration, officer_customs: Officer, agency_customs: Agency
) -> None:
    task = review_of(coffee, agency_customs)
    check = inspection_order(user=officer_customs.user, review_id=task.pk, kind="documentary")

    with pytest.raises(ReviewConflict) as early:
        review_decide(user=officer_customs.user, review_id=task.pk, decision="approved")
    assert early.value.code == "inspection_open"

    inspection_record_result(
        user=officer_customs.user,
        inspection_id=check.pk,
        result="satisfactory_after_intervention",
        note="Invoice corrected on the spot.",
    )
    coffee.refresh_from_db()
    assert coffee.status == ClearanceStatus.UNDER_REVIEW  # plant health still to decide
    decided = review_decide(
        user=officer_customs.user,
        review_id=task.pk,
        decision="decide",
        items=[ItemDecision(1, "released")],
    )
    assert decided.status == ReviewStatus.RELEASED
    with pytest.raises(ReviewConflict):  # a result is recorded once
        inspection_record_result(
            user=officer_customs.user, inspection_id=check.pk, result="not_satisfactory"
        )


def test_a_laboratory_result_may_come_after_the_release(
    coffee: Declaration, officer_plant_health: Officer, agency_plant_health: Agency
) -> None:
    task = review_of(coffee, agency_plant_health)
    check = inspection_order(
        user=officer_plant_health.user, review_id=task.pk, kind="physical", sample=True
    )
    inspection_record_result(
        user=officer_plant_health.user, inspection_id=check.pk, result="satisfactory"
    )
    review_decide(
        user=officer_plant_health.user,
        review_id=task.pk,
        decision="decide",
        items=[ItemDecision(1, "released_with_conditions", condition="Not before lab result.")],
    )

    lab = inspection_record_result(
        user=officer_plant_health.user, inspection_id=check.pk, laboratory_result="satisfactory"
    )

    assert lab.laboratory_result == "satisfactory"
    assert lab.result == "satisfactory"


def test_bad_orders_and_results_are_refused_at_their_field(
    coffee: Declaration,
    officer_customs: Officer,
    officer_medicines: Officer,
    agency_customs: Agency,
) -> None:
    task = review_of(coffee, agency_customs)
    with pytest.raises(DecisionInvalid) as kind:
        inspection_order(user=officer_customs.user, review_id=task.pk, kind="x-ray")
    assert set(kind.value.errors) == {"kind"}
    check = inspection_order(user=officer_customs.user, review_id=task.pk, kind="identity")
    with pytest.raises(DecisionInvalid) as nothing:
        inspection_record_result(user=officer_customs.user, inspection_id=check.pk)
    assert set(nothing.value.errors) == {"result"}
    with pytest.raises(DecisionInvalid) as no_sample:
        inspection_record_result(
            user=officer_customs.user, inspection_id=check.pk, laboratory_result="satisfactory"
        )
    assert set(no_sample.value.errors) == {"laboratory_result"}
    assert not InspectionAppointment.objects.exists()  # no physical check, no appointment
