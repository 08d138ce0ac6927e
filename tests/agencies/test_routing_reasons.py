"""Why this agency: the reasons per goods item on the trader's declaration page, the
officer's review page and in the API."""

from html import unescape

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import Officer
from declarations.models import Trader
from tests.conftest import COFFEE, MEDICAMENTS, MakeDeclaration, review_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PLANT_HEALTH_REASON = "Plant and Animal Health Agency: rule 'HS chapter 09', required"


def logged_in(user: AbstractBaseUser) -> Client:
    client = Client()
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client


def test_trader_page_shows_why_each_item_went_to_each_agency(
    trader_a: Trader, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])

    html = logged_in(trader_a.user).get(reverse("declaration_detail", args=[declaration.pk]))
    text = unescape(html.content.decode())

    assert PLANT_HEALTH_REASON in text
    assert "Medicines Agency: rule 'HS chapter 30', required" in text
    assert "Customs: reviews every goods item" in text


def test_officer_page_shows_why_the_items_came_to_the_agency_only(
    trader_a: Trader, officer_plant_health: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])
    task = review_of(declaration, officer_plant_health.agency)

    text = logged_in(officer_plant_health.user).get(reverse("agencies:review", args=[task.pk]))
    html = text.content.decode()

    assert "HS chapter 09" in html
    assert "HS chapter 30" not in html


def test_api_gives_the_reasons_to_the_trader_and_to_the_officer(
    trader_a: Trader, officer_plant_health: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])
    trader = APIClient()
    trader.force_login(trader_a.user)
    officer = APIClient()
    officer.force_login(officer_plant_health.user)
    task = review_of(declaration, officer_plant_health.agency)

    status = trader.get(reverse("api:declaration-status", args=[declaration.pk])).json()
    review = officer.get(reverse("api:review-detail", args=[task.pk])).json()

    assert {
        (r["sequence"], r["agency_code"], r["requirement"]) for r in status["routing_reasons"]
    } == {
        (1, "customs", "customs"),
        (2, "customs", "customs"),
        (1, "plant-animal-health", "required"),
        (2, "medicines", "required"),
    }
    [reason] = review["routing_reasons"]
    assert reason["text"] == PLANT_HEALTH_REASON
    assert reason["rule"] == "HS chapter 09" and reason["rule_id"] is not None
