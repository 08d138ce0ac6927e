"""A goods item disclaimed to an agency (a may-be-required rule, an exemption code on the
item): the agency's officers see it and may call it in, which opens or reuses the agency's
review task with the item, records the reason, tells the trader once, and merges the
clearance; never after the item's release, never twice."""

import copy
from decimal import Decimal

import pytest
from django.http import Http404

from agencies.models import (
    Agency,
    ItemCallIn,
    Officer,
    ReviewStatus,
    RoutingRule,
)
from agencies.risk.models import LaneOverride, RiskLane, RiskProfile
from agencies.routing.disclaimed import disclaimed_filtered, disclaimed_rows
from agencies.routing.selectors import declaration_item_reasons
from agencies.services import (
    DecisionInvalid,
    ItemDecision,
    ReviewConflict,
    declaration_amend,
    review_decide,
)
from agencies.services.callin import disclaimed_call_in
from declarations.models import ClearanceStatus, Declaration, StatusEvent, Trader
from declarations.notifications.models import NotificationCode, NotificationEvent
from tests.conftest import review_of
from tests.disclaimed import REASON, REFERENCE, lodge_disclaimed, medicines_may_be_required

pytestmark = pytest.mark.django_db

ITEMS = ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem")


@pytest.fixture
def medicines_rule(agency_medicines: Agency) -> RoutingRule:
    return medicines_may_be_required(agency_medicines)


def lodged(trader: Trader, **kwargs: bool) -> Declaration:
    return lodge_disclaimed(trader, **kwargs)


@pytest.fixture
def disclaimed(
    agencies: dict[str, Agency], medicines_rule: RoutingRule, trader_a: Trader
) -> Declaration:
    """Coffee and paracetamol; the paracetamol (item 2) disclaimed to medicines."""
    declaration = lodged(trader_a)
    assert not declaration.review_tasks.filter(agency__code="medicines").exists()
    return declaration


def item(declaration: Declaration, sequence: int):
    return declaration.items.get(sequence=sequence)


def test_the_agency_sees_the_item_disclaimed_to_it_with_code_and_reference(
    disclaimed: Declaration, officer_medicines: Officer, officer_customs: Officer
) -> None:
    items = list(disclaimed_filtered(officer_medicines.user, {}))
    assert [i.sequence for i in items] == [2]
    [row] = disclaimed_rows(items, officer_medicines.agency_id)
    assert row.exemption_codes == ("Y929",)
    assert row.references == (("Y929", REFERENCE),)
    assert row.rules == ("HS chapter 30",)
    assert row.call_in is None and row.can_call_in
    # Customs reviews every item: nothing is disclaimed to it
    assert not disclaimed_filtered(officer_customs.user, {}).exists()


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({"code": "y929"}, True),
        ({"code": "Y900"}, False),
        ({"origin": "in"}, True),
        ({"origin": "BR"}, False),
        ({"q": "3004"}, True),
        ({"q": "0901"}, False),
        ({"q": "Example Importers"}, True),
        ({"state": "called_in"}, False),
        ({"state": "all"}, True),
    ],
)
def test_the_disclaimed_list_filters_like_the_queue(
    disclaimed: Declaration, officer_medicines: Officer, filters: dict, found: bool
) -> None:
    assert disclaimed_filtered(officer_medicines.user, filters).exists() is found


def test_call_in_opens_the_agency_task_records_why_and_tells_the_trader_once(
    disclaimed: Declaration, officer_medicines: Officer, agency_medicines: Agency
) -> None:
    paracetamol = item(disclaimed, 2)

    call_in = disclaimed_call_in(user=officer_medicines.user, item_id=paracetamol.pk, reason=REASON)

    # Then medicines has a pending task with the item, in the yellow lane, unclaimed
    task = review_of(disclaimed, agency_medicines)
    assert call_in.task == task and call_in.exemption_code == "Y929"
    assert task.status == ReviewStatus.PENDING and task.due_at is not None
    assert [i.sequence for i in task.items.all()] == [2]
    assert task.lane_assignment.lane == RiskLane.YELLOW
    assert task.claimed_by is None
    # The history says who and why; the trader is told once, with a stable code
    event = StatusEvent.objects.get(declaration=disclaimed, kind=StatusEvent.Kind.ITEM_CALLED_IN)
    assert event.actor == officer_medicines.user and event.agency == agency_medicines.name
    assert REASON in event.message and "Y929" in event.message
    assert task.events.filter(pk=event.pk).exists()
    [notice] = NotificationEvent.objects.filter(code=NotificationCode.ITEM_CALLED_IN)
    assert notice.company_id == disclaimed.company_id and notice.agency == agency_medicines
    assert notice.text == (
        f"Medicines Agency called in goods item 2 of {disclaimed.mrn}, disclaimed with "
        f"Y929: {REASON}"
    )
    # The merged status: still under review; the reason on the trader's page says it
    disclaimed.refresh_from_db()
    assert disclaimed.status == ClearanceStatus.UNDER_REVIEW
    [medicines] = [
        r for r in declaration_item_reasons(disclaimed)[2] if r.agency_code == "medicines"
    ]
    assert medicines.requirement == "disclaimed"
    assert medicines.text.endswith(f"disclaimed by Y929 — called in by Medicines Agency ({REASON})")
    # The item stays listed for the agency, as called in
    assert not disclaimed_filtered(officer_medicines.user, {}).exists()
    [called] = disclaimed_filtered(officer_medicines.user, {"state": "called_in"})
    assert called.pk == paracetamol.pk


def test_the_called_in_item_is_decided_like_any_other_and_the_merge_counts_it(
    disclaimed: Declaration,
    officer_medicines: Officer,
    officer_customs: Officer,
    officer_plant_health: Officer,
    agencies: dict[str, Agency],
) -> None:
    disclaimed_call_in(user=officer_medicines.user, item_id=item(disclaimed, 2).pk, reason=REASON)
    for officer, code in (
        (officer_customs, "customs"),
        (officer_plant_health, "plant-animal-health"),
    ):
        review_decide(
            user=officer.user,
            review_id=review_of(disclaimed, agencies[code]).pk,
            decision="approved",
        )
    disclaimed.refresh_from_db()
    # Every other agency released: the declaration waits for medicines' decision
    assert disclaimed.status == ClearanceStatus.UNDER_REVIEW
    review_decide(
        user=officer_medicines.user,
        review_id=review_of(disclaimed, agencies["medicines"]).pk,
        decision="rejected",
        reason="A medicinal product without authorisation.",
    )
    disclaimed.refresh_from_db()
    assert disclaimed.status == ClearanceStatus.PARTIALLY_RELEASED


def test_a_reason_is_required(disclaimed: Declaration, officer_medicines: Officer) -> None:
    with pytest.raises(DecisionInvalid) as refused:
        disclaimed_call_in(user=officer_medicines.user, item_id=item(disclaimed, 2).pk, reason=" ")
    assert "reason" in refused.value.errors
    assert not ItemCallIn.objects.exists()


def test_a_second_call_in_is_refused_and_nothing_doubles(
    disclaimed: Declaration, officer_medicines: Officer, agency_medicines: Agency
) -> None:
    paracetamol = item(disclaimed, 2)
    disclaimed_call_in(user=officer_medicines.user, item_id=paracetamol.pk, reason=REASON)
    with pytest.raises(ReviewConflict) as refused:
        disclaimed_call_in(user=officer_medicines.user, item_id=paracetamol.pk, reason="again")
    assert refused.value.code == "already_called_in"
    assert ItemCallIn.objects.count() == 1
    assert disclaimed.review_tasks.filter(agency=agency_medicines).count() == 1
    assert NotificationEvent.objects.filter(code=NotificationCode.ITEM_CALLED_IN).count() == 1


def test_only_officers_of_the_agency_concerned_may_call_in(
    disclaimed: Declaration,
    officer_customs: Officer,
    officer_plant_health: Officer,
    trader_a: Trader,
) -> None:
    for user in (officer_customs.user, officer_plant_health.user, trader_a.user):
        with pytest.raises(Http404):
            disclaimed_call_in(user=user, item_id=item(disclaimed, 2).pk, reason=REASON)
    # Nor an item the agency was not disclaimed (the coffee is not the medicines agency's)
    with pytest.raises(Http404):
        disclaimed_call_in(user=officer_customs.user, item_id=item(disclaimed, 1).pk, reason="x")
    assert not ItemCallIn.objects.exists()


def test_a_cleared_declaration_is_not_silently_changed(
    disclaimed: Declaration,
    officer_medicines: Officer,
    officer_customs: Officer,
    officer_plant_health: Officer,
    agencies: dict[str, Agency],
) -> None:
    # Given customs and plant health released everything: cleared
    for officer, code in (
        (officer_customs, "customs"),
        (officer_plant_health, "plant-animal-health"),
    ):
        review_decide(
            user=officer.user,
            review_id=review_of(disclaimed, agencies[code]).pk,
            decision="approved",
        )
    disclaimed.refresh_from_db()
    assert disclaimed.status == ClearanceStatus.CLEARED

    with pytest.raises(ReviewConflict) as refused:
        disclaimed_call_in(
            user=officer_medicines.user, item_id=item(disclaimed, 2).pk, reason=REASON
        )

    assert refused.value.code == "declaration_closed"
    disclaimed.refresh_from_db()
    assert disclaimed.status == ClearanceStatus.CLEARED
    assert not disclaimed.review_tasks.filter(agency__code="medicines").exists()
    # And the list no longer offers it (open to a call-in: declarations still open)
    assert not disclaimed_filtered(officer_medicines.user, {}).exists()


def test_an_item_already_released_is_not_called_in_while_others_are_open(
    disclaimed: Declaration,
    officer_medicines: Officer,
    officer_customs: Officer,
    agencies: dict[str, Agency],
) -> None:
    # Given customs released both items; plant health still reviews the coffee
    review_decide(
        user=officer_customs.user,
        review_id=review_of(disclaimed, agencies["customs"]).pk,
        decision="decide",
        items=[ItemDecision(1, "released"), ItemDecision(2, "released")],
    )
    disclaimed.refresh_from_db()
    assert disclaimed.status == ClearanceStatus.UNDER_REVIEW

    with pytest.raises(ReviewConflict) as refused:
        disclaimed_call_in(
            user=officer_medicines.user, item_id=item(disclaimed, 2).pk, reason=REASON
        )
    assert refused.value.code == "item_released"
    assert not ItemCallIn.objects.exists()


def test_an_item_refused_by_another_agency_is_not_called_in(
    disclaimed: Declaration,
    officer_medicines: Officer,
    officer_customs: Officer,
    agencies: dict[str, Agency],
) -> None:
    review_decide(
        user=officer_customs.user,
        review_id=review_of(disclaimed, agencies["customs"]).pk,
        decision="decide",
        items=[ItemDecision(1, "released"), ItemDecision(2, "refused", reason="Undervalued.")],
    )
    with pytest.raises(ReviewConflict) as refused:
        disclaimed_call_in(
            user=officer_medicines.user, item_id=item(disclaimed, 2).pk, reason=REASON
        )
    assert refused.value.code == "item_refused"


def test_call_in_reuses_and_reopens_the_agency_task_keeping_its_other_outcomes(
    agencies: dict[str, Agency],
    medicines_rule: RoutingRule,
    trader_a: Trader,
    officer_medicines: Officer,
) -> None:
    # Given medicines reviews item 3 (no exemption) and released it; item 2 is disclaimed
    declaration = lodged(trader_a, extra_medicament=True)
    task = review_of(declaration, agencies["medicines"])
    assert [i.sequence for i in task.items.all()] == [3]
    review_decide(user=officer_medicines.user, review_id=task.pk, decision="approved")

    disclaimed_call_in(user=officer_medicines.user, item_id=item(declaration, 2).pk, reason=REASON)

    # Then the same task, pending again, with both items; item 3's release stands
    task.refresh_from_db()
    assert declaration.review_tasks.filter(agency=agencies["medicines"]).count() == 1
    assert task.status == ReviewStatus.PENDING and task.decided_at is None
    assert sorted(i.sequence for i in task.items.all()) == [2, 3]
    assert list(task.outcomes.values_list("item__sequence", "outcome")) == [(3, "released")]
    assert "goods item 2 called in" in task.reason
    # Only the called-in item needs an outcome now
    decided = review_decide(
        user=officer_medicines.user,
        review_id=task.pk,
        decision="decide",
        items=[ItemDecision(2, "released_with_conditions", condition="Lab test of a sample.")],
    )
    assert decided.status == ReviewStatus.RELEASED_WITH_CONDITIONS


def test_a_task_the_green_lane_released_goes_to_yellow_when_an_item_is_called_in(
    agencies: dict[str, Agency],
    medicines_rule: RoutingRule,
    trader_a: Trader,
    officer_medicines: Officer,
    settings,
) -> None:
    # Given a green profile for medicines: its task (item 3) is released by the system
    settings.RISK_MINIMUM_RANDOM_RATES = {"green": "0", "yellow": "0"}
    RiskProfile.objects.create(agency=agencies["medicines"], name="Trusted", lane=RiskLane.GREEN)
    declaration = lodged(trader_a, extra_medicament=True)
    task = review_of(declaration, agencies["medicines"])
    assert task.status == ReviewStatus.RELEASED and task.lane_assignment.lane == RiskLane.GREEN

    disclaimed_call_in(user=officer_medicines.user, item_id=item(declaration, 2).pk, reason=REASON)

    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING
    assert task.lane_assignment.lane == RiskLane.YELLOW
    override = LaneOverride.objects.get(assignment=task.lane_assignment)
    assert (override.from_lane, override.to_lane, override.actor) == (
        "green",
        "yellow",
        officer_medicines.user,
    )


def test_an_amendment_does_not_send_a_called_in_item_away(
    disclaimed: Declaration, officer_medicines: Officer, trader_a: Trader, agency_medicines: Agency
) -> None:
    disclaimed_call_in(user=officer_medicines.user, item_id=item(disclaimed, 2).pk, reason=REASON)
    # When the trader amends the coffee's description (the paracetamol still disclaimed)
    document = copy.deepcopy(disclaimed.document)
    node = document
    for name in ITEMS:
        node = node[name]
    node[0]["Commodity"]["Description"] = "Roasted coffee beans, not decaffeinated"

    declaration_amend(user=trader_a.user, declaration_id=disclaimed.pk, document=document)

    # Then medicines still reviews the called-in item, and the call-in is still shown
    task = review_of(disclaimed, agency_medicines)
    assert task.status == ReviewStatus.PENDING
    assert [i.sequence for i in task.items.all()] == [2]
    [medicines] = [
        r for r in declaration_item_reasons(disclaimed)[2] if r.agency_code == "medicines"
    ]
    assert "called in by Medicines Agency" in medicines.text


def test_the_value_of_the_item_is_shown_as_declared(
    disclaimed: Declaration, officer_medicines: Officer
) -> None:
    [paracetamol] = disclaimed_filtered(officer_medicines.user, {})
    assert (paracetamol.customs_value, paracetamol.currency) == (Decimal("10000"), "EUR")
