"""``GET /api/v1/notifications/?since=`` (pull) and ``/api/v1/company/webhook/``."""

import pytest

from agencies.models import Agency, Officer
from agencies.services import review_decide
from declarations.models import Trader
from declarations.notifications.models import CompanyWebhook
from tests.api.conftest import ApiAs
from tests.conftest import COFFEE, MakeDeclaration, review_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"
WEBHOOK = "/api/v1/company/webhook/"


def test_pull_returns_what_came_after_since_oldest_first(
    api_as: ApiAs,
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    client = api_as(trader_a.user)
    first = client.get(URL).json()
    assert [n["code"] for n in first["results"]] == ["declaration.routed"]
    since = first["next_since"]
    assert first["results"][0]["declaration"]["mrn"] == declaration.mrn

    review = review_of(declaration, agencies["customs"])
    review_decide(user=officer_customs.user, review_id=review.pk, decision="approved")

    later = client.get(URL, {"since": since}).json()
    assert [n["code"] for n in later["results"]] == ["review.outcome"]
    assert later["results"][0]["id"] > since and later["next_since"] == later["results"][0]["id"]
    nothing = client.get(URL, {"since": later["next_since"]}).json()
    assert nothing == {"results": [], "next_since": later["next_since"]}
    assert client.get(URL, {"limit": 1}).json()["results"][0]["code"] == "declaration.routed"
    # Another company and the officers' own list see none of it
    assert api_as(trader_b.user).get(URL).json()["results"] == []
    assert api_as(officer_customs.user).get(URL).json()["results"] == []


@pytest.mark.parametrize("query", [{"since": "-1"}, {"since": "x"}, {"limit": "0"}])
def test_pull_refuses_bad_parameters(api_as: ApiAs, trader_a: Trader, query: dict) -> None:
    response = api_as(trader_a.user).get(URL, query)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["path"] == f"?{next(iter(query))}"


def test_webhook_is_set_with_a_made_secret_shown_once(
    api_as: ApiAs, trader_a: Trader, trader_b: Trader, officer_customs: Officer
) -> None:
    client = api_as(trader_a.user)
    assert client.get(WEBHOOK).json()["url"] is None

    answer = client.put(WEBHOOK, {"url": "https://erp.example.test/nsw"}, format="json")

    assert answer.status_code == 200, answer.content
    assert answer.json()["secret"].startswith("whsec_")
    stored = CompanyWebhook.objects.get(company=trader_a.company)
    assert stored.secret == answer.json()["secret"] and stored.url.endswith("/nsw")
    shown = client.get(WEBHOOK).json()
    assert shown["url"] == "https://erp.example.test/nsw" and "secret" not in shown
    # The other company has none; officers cannot set one
    assert api_as(trader_b.user).get(WEBHOOK).json()["url"] is None
    assert api_as(officer_customs.user).get(WEBHOOK).status_code == 403
    assert client.delete(WEBHOOK).status_code == 204
    assert not CompanyWebhook.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://erp.example.test/"}, "url"),
        ({"url": "https://erp.example.test/", "secret": "plain-password"}, "secret"),
        ({"url": "https://erp.example.test/", "secret": "whsec_c2hvcnQ="}, "secret"),
        ({}, "url"),
    ],
)
def test_webhook_refuses_bad_settings_at_the_field(
    api_as: ApiAs, trader_a: Trader, body: dict, field: str
) -> None:
    response = api_as(trader_a.user).put(WEBHOOK, body, format="json")
    assert response.status_code == 400
    assert [error["path"] for error in response.json()["errors"]] == [f"/{field}"]
    assert not CompanyWebhook.objects.exists()
