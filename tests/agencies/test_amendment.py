"""Amending a declaration under review: versions, changes, and who reviews again."""

import copy

import pytest
from django.http import Http404

from agencies.models import Agency, ItemOutcome, Officer, ReviewStatus
from agencies.services import ReviewConflict, declaration_amend, declaration_route, review_decide
from declarations.models import ClearanceStatus, Declaration, StatusEvent, Trader
from declarations.notifications.models import Audience, NotificationCode, NotificationEvent
from declarations.services import DeclarationInvalid, declaration_submit
from tests.conftest import review_of
from tests.factories import valid_document

pytestmark = pytest.mark.django_db

ITEMS = ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem")


def given_lodged(trader: Trader) -> Declaration:
    """VALID_DOCUMENT lodged and routed: customs (items 1, 2), plant health (1: coffee),
    medicines (2: paracetamol)."""
    declaration = declaration_submit(trader=trader, document=valid_document())
    declaration_route(declaration.pk)  # on commit, which a test transaction never reaches
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    return declaration


def amended(declaration: Declaration, item: int, *path: str, value: object) -> dict:
    document = copy.deepcopy(declaration.document)
    node = document
    for name in ITEMS:
        node = node[name]
    node = node[item - 1]
    for name in path[:-1]:
        node = node[name]
    node[path[-1]] = value
    return document


def test_only_the_agency_whose_item_changed_reviews_again(
    trader_a: Trader,
    agencies: dict[str, Agency],
    officer_plant_health: Officer,
    officer_medicines: Officer,
) -> None:
    declaration = given_lodged(trader_a)
    plant = review_of(declaration, agencies["plant-animal-health"])
    medicines = review_of(declaration, agencies["medicines"])
    review_decide(user=officer_plant_health.user, review_id=plant.pk, decision="approved")
    review_decide(user=officer_medicines.user, review_id=medicines.pk, decision="approved")
    old_due = review_of(declaration, agencies["customs"]).due_at

    document = amended(
        declaration,
        2,
        "Commodity",
        "GoodsMeasure",
        "TariffQuantity",
        value={"value": "6000", "unitCode": "NAR"},
    )
    result = declaration_amend(user=trader_a.user, declaration_id=declaration.pk, document=document)

    assert result.version.number == 2
    assert review_of(declaration, agencies["plant-animal-health"]).status == ReviewStatus.RELEASED
    assert ItemOutcome.objects.filter(task=plant).count() == 1
    medicines = review_of(declaration, agencies["medicines"])
    assert medicines.status == ReviewStatus.PENDING
    assert not ItemOutcome.objects.filter(task=medicines).exists()
    customs = review_of(declaration, agencies["customs"])
    assert customs.status == ReviewStatus.PENDING and customs.due_at > old_due
    assert sorted(result.review_again) == ["Customs", "Medicines Agency"]
    assert result.kept == ["Plant and Animal Health Agency"]
    declaration.refresh_from_db()
    assert declaration.items.get(sequence=2).quantity == 6000
    assert declaration.document["Declaration"]["FunctionCode"] == "13"
    [change] = result.version.changes
    assert change["item"] == 2 and (change["old"], change["new"]) == ("5000", "6000")
    assert change["path"].endswith("/TariffQuantity/value")
    assert declaration.versions.count() == 2
    assert declaration.events.filter(kind=StatusEvent.Kind.AMENDED).exists()
    assert NotificationEvent.objects.filter(
        code=NotificationCode.AMENDED, audience=Audience.TRADER
    ).exists()
    told = NotificationEvent.objects.filter(
        code=NotificationCode.TRADER_AMENDED, audience=Audience.AGENCY
    ).values_list("agency__code", flat=True)
    assert sorted(told) == ["customs", "medicines"]


def test_a_new_hs_code_brings_a_new_agency_and_closes_the_old_one(
    trader_a: Trader, agencies: dict[str, Agency], officer_medicines: Officer
) -> None:
    declaration = given_lodged(trader_a)
    medicines = review_of(declaration, agencies["medicines"])
    review_decide(
        user=officer_medicines.user,
        review_id=medicines.pk,
        decision="rejected",
        reason="No licence",
    )
    document = amended(
        declaration,
        2,
        "Commodity",
        "Classification",
        value=[{"ID": "847130", "IdentificationTypeCode": "HS"}],
    )
    result = declaration_amend(user=trader_a.user, declaration_id=declaration.pk, document=document)

    medicines = review_of(declaration, agencies["medicines"])
    assert medicines.status == ReviewStatus.CLOSED
    assert medicines.reason == "no longer concerned after amendment 2"
    standards = review_of(declaration, agencies["standards"])
    assert standards.status == ReviewStatus.PENDING
    assert list(standards.items.values_list("sequence", flat=True)) == [2]
    assert result.closed == ["Medicines Agency"]
    declaration.refresh_from_db()
    # The refusal of an agency no longer concerned no longer counts
    assert declaration.status == ClearanceStatus.UNDER_REVIEW


def test_an_amendment_answers_an_information_request(
    trader_a: Trader, agencies: dict[str, Agency], officer_plant_health: Officer
) -> None:
    declaration = given_lodged(trader_a)
    plant = review_of(declaration, agencies["plant-animal-health"])
    review_decide(
        user=officer_plant_health.user,
        review_id=plant.pk,
        decision="info_requested",
        reason="Which port?",
    )
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.AWAITING_TRADER
    document = amended(declaration, 2, "Commodity", "Description", value="Paracetamol 500 mg")
    declaration_amend(user=trader_a.user, declaration_id=declaration.pk, document=document)
    assert review_of(declaration, agencies["plant-animal-health"]).status == ReviewStatus.PENDING
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW


def test_invalid_or_closed_amendments_are_refused_with_nothing_written(
    trader_a: Trader, trader_b: Trader, agencies: dict[str, Agency]
) -> None:
    declaration = given_lodged(trader_a)
    bad = amended(
        declaration,
        1,
        "Commodity",
        "Classification",
        value=[{"ID": "999999", "IdentificationTypeCode": "HS"}],
    )
    with pytest.raises(DeclarationInvalid) as invalid:
        declaration_amend(user=trader_a.user, declaration_id=declaration.pk, document=bad)
    assert any("/Classification" in issue.path for issue in invalid.value.issues)
    other_lrn = copy.deepcopy(declaration.document)
    other_lrn["Declaration"]["FunctionalReferenceID"] = "LRN-OTHER"
    with pytest.raises(DeclarationInvalid) as invalid:
        declaration_amend(user=trader_a.user, declaration_id=declaration.pk, document=other_lrn)
    assert [i.path for i in invalid.value.issues] == ["/Declaration/FunctionalReferenceID"]
    with pytest.raises(Http404):
        declaration_amend(user=trader_b.user, declaration_id=declaration.pk, document=bad)
    assert not declaration.versions.exists()
    Declaration.objects.filter(pk=declaration.pk).update(status=ClearanceStatus.CLEARED)
    with pytest.raises(ReviewConflict) as conflict:
        declaration_amend(
            user=trader_a.user, declaration_id=declaration.pk, document=declaration.document
        )
    assert conflict.value.code == "not_amendable"
