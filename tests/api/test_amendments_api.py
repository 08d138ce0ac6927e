"""POST /api/v1/declarations/{id}/amendments/ (JSON and WCO DM XML, function code 13) and
GET .../versions/."""

import copy

import pytest
from rest_framework.test import APIClient

from agencies.models import Agency, ReviewStatus
from agencies.services import declaration_cancel
from datamodel.xmlio import declaration_to_xml
from declarations.models import Trader
from tests.agencies.test_amendment import amended, given_lodged
from tests.conftest import review_of

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_json_amendment_answers_201_and_the_versions_list_its_changes(
    trader_a: Trader, trader_b: Trader, agencies: dict[str, Agency]
) -> None:
    declaration = given_lodged(trader_a)
    url = f"/api/v1/declarations/{declaration.pk}/amendments/"
    document = amended(declaration, 1, "Commodity", "Description", value="Arabica, roasted")
    assert api_as(trader_b.user).post(url, document, format="json").status_code == 404

    response = api_as(trader_a.user).post(url, document, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["version"] == 2 and body["status"] == "under_review"
    assert sorted(body["review_again"]) == ["Customs", "Plant and Animal Health Agency"]
    assert body["kept"] == ["Medicines Agency"]
    versions = api_as(trader_a.user).get(f"/api/v1/declarations/{declaration.pk}/versions/")
    assert versions.status_code == 200
    first, second = versions.json()
    assert (first["number"], first["changes"]) == (1, [])
    assert first["items"][0]["description"] == "Roasted coffee, not decaffeinated"
    assert second["lodged_by"] == "trader.a"
    assert second["changes"] == [
        {
            "path": "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/Commodity/Description",
            "pointer": "42A/67A/68A[1]/23A/137",
            "item": 1,
            "old": "Roasted coffee, not decaffeinated",
            "new": "Arabica, roasted",
        }
    ]
    assert review_of(declaration, agencies["medicines"]).status == ReviewStatus.PENDING


def test_an_invalid_amendment_answers_400_with_pointers(
    trader_a: Trader, agencies: dict[str, Agency]
) -> None:
    declaration = given_lodged(trader_a)
    document = amended(
        declaration,
        2,
        "Commodity",
        "GoodsMeasure",
        "GrossMassMeasure",
        value={"value": "-5", "unitCode": "KGM"},
    )
    document["Declaration"]["FunctionCode"] = "14"
    response = api_as(trader_a.user).post(
        f"/api/v1/declarations/{declaration.pk}/amendments/", document, format="json"
    )
    assert response.status_code == 400
    paths = {error["path"] for error in response.json()["errors"]}
    assert "/Declaration/FunctionCode" in paths
    assert any(
        path.startswith("/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/1/") for path in paths
    )
    assert not declaration.versions.exists()


def test_a_closed_declaration_answers_409(trader_a: Trader, agencies: dict[str, Agency]) -> None:
    declaration = given_lodged(trader_a)
    declaration_cancel(user=trader_a.user, declaration_id=declaration.pk, reason="Wrong port")
    response = api_as(trader_a.user).post(
        f"/api/v1/declarations/{declaration.pk}/amendments/", declaration.document, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "not_amendable"


def test_a_wco_xml_amendment_with_function_code_13_and_the_mrn(
    trader_a: Trader, agencies: dict[str, Agency]
) -> None:
    declaration = given_lodged(trader_a)
    document = amended(
        declaration,
        2,
        "Commodity",
        "GoodsMeasure",
        "TariffQuantity",
        value={"value": "4000", "unitCode": "NAR"},
    )
    document["Declaration"]["FunctionCode"] = "13"
    document["Declaration"]["ID"] = declaration.mrn
    url = f"/api/v1/declarations/{declaration.pk}/amendments/"
    client = api_as(trader_a.user)

    response = client.post(url, declaration_to_xml(document), content_type="application/xml")

    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 2
    declaration.refresh_from_db()
    assert declaration.items.get(sequence=2).quantity == 4000
    assert review_of(declaration, agencies["plant-animal-health"]).status == ReviewStatus.PENDING
    other = copy.deepcopy(document)
    other["Declaration"]["ID"] = "26GB000000000000X1"
    refused = client.post(url, declaration_to_xml(other), content_type="application/xml")
    assert refused.status_code == 400
    assert [e["path"] for e in refused.json()["errors"]] == ["/Declaration/ID"]


def test_an_amendment_that_changes_nothing_answers_409_and_writes_nothing(
    trader_a: Trader, agencies: dict[str, Agency]
) -> None:
    # Given a declaration amended once (version 2)
    declaration = given_lodged(trader_a)
    url = f"/api/v1/declarations/{declaration.pk}/amendments/"
    document = amended(declaration, 1, "Commodity", "Description", value="Arabica, roasted")
    client = api_as(trader_a.user)
    assert client.post(url, document, format="json").status_code == 201
    events = declaration.events.count()

    # When the same document is sent again (a retry without Idempotency-Key, the form
    # reloaded by the back button): it is the current version
    again = client.post(url, document, format="json")

    # Then nothing is lodged, and the answer says why
    assert again.status_code == 409
    error = again.json()["errors"][0]
    assert error["code"] == "nothing_changed" and "version 2" in error["message"]
    assert declaration.versions.count() == 2
    assert declaration.events.count() == events
