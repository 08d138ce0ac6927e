"""The admin pages administrators use: routing rules switched off from the list,
agencies, officers, companies, traders, and read-only declarations."""

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from agencies.models import Agency, RoutingRule
from declarations.models import Trader
from tests.conftest import COFFEE, MEDICAMENTS, MakeDeclaration
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(admin: AbstractBaseUser) -> Client:
    client = Client()
    assert client.login(username=admin.get_username(), password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:agencies_agency_changelist",
        "admin:agencies_officer_changelist",
        "admin:agencies_routingrule_changelist",
        "admin:agencies_reviewtask_changelist",
        "admin:declarations_company_changelist",
        "admin:declarations_trader_changelist",
        "admin:declarations_declaration_changelist",
    ],
)
def test_changelists_open(
    admin_client_: Client, agencies: dict[str, Agency], trader_a: Trader, url_name: str
) -> None:
    assert admin_client_.get(reverse(url_name)).status_code == 200


def test_routing_rules_can_be_switched_off_from_the_list(
    admin_client_: Client, agencies: dict[str, Agency]
) -> None:
    first = RoutingRule.objects.order_by("pk").first()
    assert first is not None

    admin_client_.post(
        reverse("admin:agencies_routingrule_changelist"),
        {"action": "deactivate", "_selected_action": [str(first.pk)]},
    )

    assert not RoutingRule.objects.get(pk=first.pk).active
    assert RoutingRule.objects.filter(active=True).count() == RoutingRule.objects.count() - 1
    assert first.changes.get().action == "deactivated"


def test_declaration_is_read_only_with_its_goods_items(
    admin_client_: Client, trader_a: Trader, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])

    response = admin_client_.get(
        reverse("admin:declarations_declaration_change", args=[declaration.pk])
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "090121" in html and "300490" in html
    assert 'name="_save"' not in html
    assert admin_client_.get(reverse("admin:declarations_declaration_add")).status_code == 403
