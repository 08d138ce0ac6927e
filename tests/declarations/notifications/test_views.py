"""Notification pages: the list, the navbar's unread count, and the declaration page's
self-refresh (``declarations/<pk>/live/``)."""

import pytest
from django.test import Client

from agencies.models import Agency, Officer
from agencies.services import review_decide
from declarations.models import Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_new_notifications_once_and_the_badge_counts_them(
    make_routed_declaration: MakeDeclaration, trader_a: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    client = logged_in(trader_a.user)
    badge = client.get("/notifications/unread/").content.decode()
    assert 'data-testid="unread-count">1<' in badge
    assert 'data-testid="unread-count">1<' in client.get("/declarations/").content.decode()

    page = client.get("/notifications/").content.decode()
    assert f"Declaration {declaration.mrn} was sent to" in page and ">new<" in page

    assert "unread-count" not in client.get("/notifications/unread/").content.decode()
    assert ">new<" not in client.get("/notifications/").content.decode()


def test_the_list_in_french_and_for_an_officer_links_the_review(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    review = review_of(declaration, agencies["customs"])
    review_decide(
        user=officer_customs.user, review_id=review.pk, decision="info_requested", reason="?"
    )
    from agencies.services import review_respond

    review_respond(user=trader_a.user, declaration_id=declaration.pk, message="Here it is")
    page = logged_in(officer_customs.user).get("/notifications/").content.decode()
    assert "Here it is" in page and f"/agency/reviews/{review.pk}/" in page
    client = logged_in(trader_a.user)
    client.cookies["django_language"] = "fr"
    assert client.get("/notifications/").status_code == 200


def test_the_declaration_page_polls_and_is_told_to_reload_on_a_change(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    client = logged_in(trader_a.user)
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert 'data-testid="live-status"' in page
    events = declaration.events.count()
    live = f"/declarations/{declaration.pk}/live/"
    query = {"status": declaration.status, "events": str(events)}
    assert client.get(live, query).status_code == 204

    review = review_of(declaration, agencies["customs"])
    review_decide(user=officer_customs.user, review_id=review.pk, decision="approved")

    changed = client.get(live, query)
    assert changed.status_code == 200 and changed["HX-Refresh"] == "true"
    assert logged_in(trader_b.user).get(live, query).status_code == 404
