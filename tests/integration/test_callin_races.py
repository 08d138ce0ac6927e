"""Races on a call-in, on real PostgreSQL with one connection per thread: two officers of
the agency calling in the same disclaimed item at once make one call-in and one task, and a
call-in racing another agency's release of the item never leaves a released item back
under review."""

import pytest

from agencies.clearance import ItemStatus, item_clearances
from agencies.models import Agency, ItemCallIn, Officer, RoutingRequirement, RoutingRule
from agencies.services import ItemDecision, ReviewConflict, declaration_route, review_decide
from agencies.services.callin import disclaimed_call_in
from declarations.models import Declaration, Trader
from declarations.notifications.models import NotificationCode, NotificationEvent
from declarations.services import declaration_submit
from tests.conftest import review_of
from tests.factories import OfficerFactory, UserFactory, valid_document
from tests.integration.test_queue_races import race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROUNDS = 8


def disclaimed_declaration(trader: Trader) -> Declaration:
    document = valid_document()
    items = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    items[1]["AdditionalDocument"] = [
        {"CategoryCode": "Y", "TypeCode": "929", "ID": "not medicinal"}
    ]
    document["Declaration"]["FunctionalReferenceID"] = f"LRN-RACE-{Declaration.objects.count()}"
    declaration = declaration_submit(trader=trader, document=document)
    declaration_route(declaration.pk)
    return declaration


@pytest.fixture
def setup(agencies: dict[str, Agency], trader_a: Trader) -> None:
    RoutingRule.objects.filter(agency=agencies["medicines"]).update(
        requirement=RoutingRequirement.MAY_BE_REQUIRED, exemption_codes="Y929"
    )


def test_two_officers_calling_in_the_same_item_make_one_call_in(
    setup: None, agencies: dict[str, Agency], trader_a: Trader, officer_medicines: Officer
) -> None:
    second = OfficerFactory(agency=agencies["medicines"], user=UserFactory(username="med.2"))
    for _ in range(ROUNDS):
        declaration = disclaimed_declaration(trader_a)
        item = declaration.items.get(sequence=2)
        results = race(
            lambda pk=item.pk: disclaimed_call_in(
                user=officer_medicines.user, item_id=pk, reason="A"
            ),
            lambda pk=item.pk: disclaimed_call_in(user=second.user, item_id=pk, reason="B"),
        )
        won = [result for result, error in results if error is None]
        lost = [error for _result, error in results if error is not None]
        assert len(won) == 1, results
        assert len(lost) == 1 and isinstance(lost[0], ReviewConflict), lost
        assert lost[0].code == "already_called_in"
        assert ItemCallIn.objects.filter(item=item).count() == 1
        assert declaration.review_tasks.filter(agency=agencies["medicines"]).count() == 1
        assert (
            NotificationEvent.objects.filter(
                declaration=declaration, code=NotificationCode.ITEM_CALLED_IN
            ).count()
            == 1
        )


def test_a_call_in_racing_the_release_of_the_item_never_reopens_a_released_item(
    setup: None,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_medicines: Officer,
    officer_customs: Officer,
) -> None:
    for _ in range(ROUNDS):
        declaration = disclaimed_declaration(trader_a)
        item = declaration.items.get(sequence=2)
        customs = review_of(declaration, agencies["customs"])
        (_c, call_error), (_d, decide_error) = race(
            lambda pk=item.pk: disclaimed_call_in(
                user=officer_medicines.user, item_id=pk, reason="A"
            ),
            lambda pk=customs.pk: review_decide(
                user=officer_customs.user,
                review_id=pk,
                decision="decide",
                items=[ItemDecision(1, "released"), ItemDecision(2, "released")],
            ),
        )
        assert decide_error is None
        status = next(c.status for c in item_clearances(declaration) if c.item_id == item.pk)
        if call_error is None:
            # The call-in came first: medicines still has to decide the item
            assert status == ItemStatus.OPEN
        else:
            # The release came first: the call-in was refused, the item stays released
            assert isinstance(call_error, ReviewConflict) and call_error.code == "item_released"
            assert status == ItemStatus.RELEASED
            assert not ItemCallIn.objects.filter(item=item).exists()
