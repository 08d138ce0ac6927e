"""Cancelling a declaration before clearance, and copying one as a new draft."""

import pytest
from django.http import Http404
from django.test import Client
from rest_framework.test import APIClient

from agencies.models import Agency, Officer, ReviewStatus
from agencies.services import DecisionInvalid, ReviewConflict, declaration_cancel, review_decide
from declarations.models import ClearanceStatus, Declaration, RoutingOutbox, StatusEvent, Trader
from declarations.notifications.models import NotificationCode
from declarations.notifications.selectors import notifications_for
from declarations.services import declaration_copy
from tests.conftest import COFFEE, MakeDeclaration, review_of
from tests.factories import VALID_DOCUMENT

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_cancelling_closes_every_open_task_and_tells_the_trader(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    customs = review_of(declaration, agencies["customs"])
    review_decide(user=officer_customs.user, review_id=customs.pk, decision="approved")

    declaration_cancel(user=trader_a.user, declaration_id=declaration.pk, reason="Wrong port")

    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.CANCELLED
    plant = review_of(declaration, agencies["plant-animal-health"])
    assert plant.status == ReviewStatus.CLOSED
    assert plant.reason == "declaration cancelled by the trader: Wrong port"
    assert review_of(declaration, agencies["customs"]).status == ReviewStatus.RELEASED
    cancelled = notifications_for(trader_a.user).get(code=NotificationCode.CANCELLED)
    assert "Wrong port" in cancelled.text
    # Once cancelled, no officer can decide any more
    with pytest.raises(ReviewConflict):
        review_decide(user=officer_plant_health.user, review_id=plant.pk, decision="approved")


def test_a_pending_fan_out_never_runs_after_a_cancellation(
    make_submitted_declaration: MakeDeclaration, agencies: dict[str, Agency], trader_a: Trader
) -> None:
    from agencies.services import declaration_route

    declaration = make_submitted_declaration(trader_a, [COFFEE])
    declaration_cancel(user=trader_a.user, declaration_id=declaration.pk, reason="Duplicate")
    assert RoutingOutbox.objects.get(declaration=declaration).done_at is not None
    assert declaration_route(declaration.pk) == []
    assert not declaration.review_tasks.exists()


def test_a_cleared_declaration_cannot_be_cancelled(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    for officer, code in (
        (officer_customs, "customs"),
        (officer_plant_health, "plant-animal-health"),
    ):
        review = review_of(declaration, agencies[code])
        review_decide(user=officer.user, review_id=review.pk, decision="approved")
    with pytest.raises(ReviewConflict) as conflict:
        declaration_cancel(user=trader_a.user, declaration_id=declaration.pk, reason="Late")
    assert conflict.value.code == "not_cancellable"
    with pytest.raises(DecisionInvalid):
        declaration_cancel(user=trader_a.user, declaration_id=declaration.pk, reason=" ")
    with pytest.raises(Http404):
        declaration_cancel(user=trader_b.user, declaration_id=declaration.pk, reason="Mine?")
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.CLEARED


def test_cancel_api_answers_200_then_409(
    make_routed_declaration: MakeDeclaration, trader_a: Trader, trader_b: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    url = f"/api/v1/declarations/{declaration.pk}/cancel/"
    assert api_as(trader_b.user).post(url, {"reason": "x"}, format="json").status_code == 404
    missing = api_as(trader_a.user).post(url, {"reason": ""}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["path"] == "/reason"
    done = api_as(trader_a.user).post(url, {"reason": "Goods lost"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    again = api_as(trader_a.user).post(url, {"reason": "Goods lost"}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "not_cancellable"


def test_the_cancel_button_cancels_with_the_reason(
    make_routed_declaration: MakeDeclaration, trader_a: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    client = Client()
    client.force_login(trader_a.user)
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert 'data-testid="cancel"' in page
    response = client.post(f"/agency/declarations/{declaration.pk}/cancel/", {"reason": "Typo"})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.CANCELLED
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert 'data-testid="cancel"' not in page and "Typo" in page


def test_copy_makes_a_draft_without_the_lrn_and_records_it(
    make_routed_declaration: MakeDeclaration, trader_a: Trader, trader_b: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE], document=VALID_DOCUMENT)
    draft = declaration_copy(trader=trader_a, declaration=declaration)
    assert draft.status == ClearanceStatus.DRAFT and draft.lrn == "" and draft.mrn is None
    header = draft.document["Declaration"]
    assert "FunctionalReferenceID" not in header and header["FunctionCode"] == "9"
    assert header["Declarant"] == VALID_DOCUMENT["Declaration"]["Declarant"]
    assert declaration.events.filter(kind=StatusEvent.Kind.COPIED).exists()

    url = f"/api/v1/declarations/{declaration.pk}/copy/"
    answer = api_as(trader_a.user).post(url)
    assert answer.status_code == 201 and answer.json()["status"] == "draft"
    assert api_as(trader_b.user).post(url).status_code == 404
    assert Declaration.objects.filter(company=trader_a.company, status="draft").count() == 2
