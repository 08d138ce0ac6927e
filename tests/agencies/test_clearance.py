"""Unit tests of the one clearance rule (``agencies.clearance``): every branch of the item
status, the agency's own status and the declaration's merged status, then the merge on rows
(tasks left with nothing to decide are closed, with the reason)."""

import pytest

from agencies.clearance import ItemStatus, declaration_status, item_status, review_status
from agencies.models import Agency, Officer, ReviewStatus
from agencies.services import ItemDecision, review_decide
from declarations.models import ClearanceStatus, Declaration, StatusEvent, Trader
from tests.conftest import COFFEE, MEDICAMENTS, MakeDeclaration, review_of

RELEASED, CONDITIONS, REFUSED = "released", "released_with_conditions", "refused"

# --- a goods item across the agencies concerned ----------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], ItemStatus.OPEN),  # nobody concerned yet (not routed)
        ([None], ItemStatus.OPEN),
        ([RELEASED, None], ItemStatus.OPEN),
        ([RELEASED], ItemStatus.RELEASED),
        ([RELEASED, RELEASED], ItemStatus.RELEASED),
        ([RELEASED, CONDITIONS], ItemStatus.RELEASED_WITH_CONDITIONS),
        ([CONDITIONS, None], ItemStatus.OPEN),
        # One refusal is enough, even with others still deciding
        ([REFUSED, None], ItemStatus.REFUSED),
        ([RELEASED, REFUSED], ItemStatus.REFUSED),
        ([CONDITIONS, REFUSED], ItemStatus.REFUSED),
    ],
)
def test_item_status(outcomes: list[str | None], expected: ItemStatus) -> None:
    assert item_status(outcomes) == expected


# --- an agency's own status --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([RELEASED], ReviewStatus.RELEASED),
        ([RELEASED, RELEASED], ReviewStatus.RELEASED),
        ([RELEASED, CONDITIONS], ReviewStatus.RELEASED_WITH_CONDITIONS),
        ([REFUSED], ReviewStatus.REFUSED),
        ([REFUSED, REFUSED], ReviewStatus.REFUSED),
        ([RELEASED, REFUSED], ReviewStatus.PARTIALLY_RELEASED),
        ([CONDITIONS, REFUSED], ReviewStatus.PARTIALLY_RELEASED),
    ],
)
def test_review_status(outcomes: list[str], expected: ReviewStatus) -> None:
    assert review_status(outcomes) == expected


def test_review_status_needs_an_outcome() -> None:
    with pytest.raises(ValueError):
        review_status([])


# --- the declaration ------------------------------------------------------------------------

OPEN, REL, COND, REF = (
    ItemStatus.OPEN,
    ItemStatus.RELEASED,
    ItemStatus.RELEASED_WITH_CONDITIONS,
    ItemStatus.REFUSED,
)


@pytest.mark.parametrize(
    ("items", "asked", "inspecting", "expected"),
    [
        # Every item refused: rejected, whatever else is open
        ([REF], False, False, ClearanceStatus.REJECTED),
        ([REF, REF], True, True, ClearanceStatus.REJECTED),
        # An information request open comes before an inspection and open items
        ([OPEN], True, True, ClearanceStatus.AWAITING_TRADER),
        ([REL, REF], True, False, ClearanceStatus.AWAITING_TRADER),
        # An inspection without all its results
        ([OPEN], False, True, ClearanceStatus.INSPECTION),
        ([REL], False, True, ClearanceStatus.INSPECTION),
        # Items still open
        ([OPEN], False, False, ClearanceStatus.UNDER_REVIEW),
        ([REL, OPEN], False, False, ClearanceStatus.UNDER_REVIEW),
        ([REF, OPEN], False, False, ClearanceStatus.UNDER_REVIEW),
        ([], False, False, ClearanceStatus.UNDER_REVIEW),
        # Everything decided, some refused
        ([REL, REF], False, False, ClearanceStatus.PARTIALLY_RELEASED),
        ([COND, REF], False, False, ClearanceStatus.PARTIALLY_RELEASED),
        # Everything released
        ([REL, COND], False, False, ClearanceStatus.CLEARED_WITH_CONDITIONS),
        ([REL], False, False, ClearanceStatus.CLEARED),
        ([REL, REL], False, False, ClearanceStatus.CLEARED),
    ],
)
def test_declaration_status(
    items: list[ItemStatus], asked: bool, inspecting: bool, expected: ClearanceStatus
) -> None:
    assert (
        declaration_status(items, information_requested=asked, inspection_open=inspecting)
        == expected
    )


# --- the merge on rows ------------------------------------------------------------------------


@pytest.fixture
def two_items(trader_a: Trader, make_routed_declaration: MakeDeclaration) -> Declaration:
    """Coffee (customs, plant health) and paracetamol (customs, medicines)."""
    return make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])


def test_partial_release_keeps_each_agencys_condition(
    two_items: Declaration,
    officer_customs: Officer,
    officer_plant_health: Officer,
    officer_medicines: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
    agency_medicines: Agency,
) -> None:
    # Given customs releases both items, the coffee on a condition
    review_decide(
        user=officer_customs.user,
        review_id=review_of(two_items, agency_customs).pk,
        decision="decide",
        items=[
            ItemDecision(1, CONDITIONS, condition="Approved premises only."),
            ItemDecision(2, RELEASED),
        ],
    )
    # And plant health releases the coffee with its own condition
    review_decide(
        user=officer_plant_health.user,
        review_id=review_of(two_items, agency_plant_health).pk,
        decision="decide",
        items=[ItemDecision(1, CONDITIONS, condition="Do not sell before the lab result.")],
    )
    two_items.refresh_from_db()
    assert two_items.status == ClearanceStatus.UNDER_REVIEW  # medicines still deciding

    # When medicines refuses the paracetamol
    review_decide(
        user=officer_medicines.user,
        review_id=review_of(two_items, agency_medicines).pk,
        decision="rejected",
        reason="No marketing authorisation.",
    )

    # Then the declaration is partially released and the coffee keeps both conditions
    two_items.refresh_from_db()
    assert two_items.status == ClearanceStatus.PARTIALLY_RELEASED
    coffee_outcomes = {
        o.task.agency.code: o.condition
        for o in two_items.items.get(sequence=1).outcomes.select_related("task__agency")
    }
    assert coffee_outcomes == {
        "customs": "Approved premises only.",
        "plant-animal-health": "Do not sell before the lab result.",
    }
    assert review_of(two_items, agency_customs).status == ReviewStatus.RELEASED_WITH_CONDITIONS
    assert review_of(two_items, agency_medicines).status == ReviewStatus.REFUSED


def test_a_task_whose_items_others_refused_is_closed(
    two_items: Declaration,
    officer_customs: Officer,
    agency_customs: Agency,
    agency_medicines: Agency,
) -> None:
    # When customs refuses the paracetamol and releases the coffee
    review_decide(
        user=officer_customs.user,
        review_id=review_of(two_items, agency_customs).pk,
        decision="decide",
        items=[ItemDecision(1, RELEASED), ItemDecision(2, REFUSED, reason="Counterfeit.")],
    )

    # Then medicines has nothing left to decide: its task is closed with the reason
    medicines = review_of(two_items, agency_medicines)
    assert medicines.status == ReviewStatus.CLOSED
    assert medicines.reason == "items refused by Customs"
    assert medicines.events.filter(kind=StatusEvent.Kind.REVIEW_CLOSED).count() == 1
    two_items.refresh_from_db()
    assert two_items.status == ClearanceStatus.UNDER_REVIEW  # plant health on the coffee


def test_rejection_closes_every_open_task_with_who_rejected(
    two_items: Declaration,
    officer_customs: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
    agency_medicines: Agency,
) -> None:
    review_decide(
        user=officer_customs.user,
        review_id=review_of(two_items, agency_customs).pk,
        decision="rejected",
        reason="Smuggling.",
    )

    two_items.refresh_from_db()
    assert two_items.status == ClearanceStatus.REJECTED
    for agency in (agency_plant_health, agency_medicines):
        task = review_of(two_items, agency)
        assert (task.status, task.reason) == (
            ReviewStatus.CLOSED,
            "declaration rejected by Customs",
        )
    # And the history says who rejected and why
    change = two_items.events.filter(kind=StatusEvent.Kind.STATUS_CHANGED).last()
    assert (change.to_status, change.actor) == (ClearanceStatus.REJECTED, officer_customs.user)
