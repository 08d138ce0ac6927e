"""Actions answer POST only; a GET of their address (a reload, a bookmark, the language
menu) is sent to the page the action belongs to and does nothing."""

import pytest
from django.test import Client

from agencies.models import Officer
from declarations.models import Declaration, Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of
from tests.factories import VALID_DOCUMENT

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_get_of_a_trader_action_goes_back_to_its_page_and_does_nothing(
    make_routed_declaration: MakeDeclaration, trader_a: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE], document=VALID_DOCUMENT)
    client = client_of(trader_a.user)
    page = f"/declarations/{declaration.pk}/"
    for action in ("copy/", "documents/"):
        answer = client.get(page + action)
        assert (answer.status_code, answer["Location"]) == (302, page)
    answer = client.get(f"/agency/declarations/{declaration.pk}/cancel/")
    assert (answer.status_code, answer["Location"]) == (302, page)
    answer = client.get("/declarations/upload/")
    assert (answer.status_code, answer["Location"]) == (302, "/declarations/")

    declaration.refresh_from_db()
    assert declaration.status != "cancelled"
    assert Declaration.objects.filter(company=trader_a.company).count() == 1  # no copy
    assert client.put(page + "copy/").status_code == 405


def test_a_get_of_an_officer_action_goes_back_to_the_task(
    make_routed_declaration: MakeDeclaration, trader_a: Trader, officer_customs: Officer
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE], document=VALID_DOCUMENT)
    task = review_of(declaration, officer_customs.agency)
    client = client_of(officer_customs.user)

    answer = client.get(f"/agency/reviews/{task.pk}/claim/")

    assert (answer.status_code, answer["Location"]) == (302, f"/agency/reviews/{task.pk}/")
    task.refresh_from_db()
    assert task.claimed_by is None
    assert client.get("/agency/next/")["Location"] == "/agency/"
