"""Disclaimed goods items over the API: read-only lists and details for the officers of
the agency concerned, and the call-in (reason required, 409 with a stable code)."""

import pytest

from agencies.models import Agency, ItemCallIn, Officer
from agencies.services import declaration_cancel
from declarations.models import Declaration, Trader
from tests.api.conftest import ApiAs
from tests.api.helpers import errors_of
from tests.disclaimed import REASON, REFERENCE, lodge_disclaimed, medicines_may_be_required

pytestmark = pytest.mark.django_db

LIST = "/api/v1/disclaimed/"


@pytest.fixture
def disclaimed(agencies: dict[str, Agency], trader_a: Trader) -> Declaration:
    medicines_may_be_required(agencies["medicines"])
    return lodge_disclaimed(trader_a)


def paracetamol(declaration: Declaration) -> int:
    return declaration.items.get(sequence=2).pk


def test_officers_of_the_agency_list_the_items_disclaimed_to_it(
    api_as: ApiAs, disclaimed: Declaration, officer_medicines: Officer, officer_customs: Officer
) -> None:
    answer = api_as(officer_medicines.user).get(LIST)

    assert answer.status_code == 200
    [row] = answer.json()["results"]
    assert row["id"] == paracetamol(disclaimed)
    assert row["declaration"]["mrn"] == disclaimed.mrn
    assert (row["sequence"], row["hs_code"], row["origin_country"]) == (2, "300490", "IN")
    assert row["exemption_codes"] == ["Y929"]
    assert row["references"] == [{"code": "Y929", "reference": REFERENCE}]
    assert row["rules"] == ["HS chapter 30"]
    assert row["called_in"] is None and row["links"]["review"] is None
    assert row["links"]["call_in"].endswith(f"/api/v1/disclaimed/{row['id']}/call-in/")
    # Customs reviews every item: nothing is disclaimed to it
    assert api_as(officer_customs.user).get(LIST).json()["results"] == []


@pytest.mark.parametrize(
    ("query", "count"),
    [("?code=Y929", 1), ("?code=Y900", 0), ("?origin=IN", 1), ("?q=300490", 1),
     ("?state=called_in", 0), ("?state=all", 1)],
)  # fmt: skip
def test_the_list_filters(
    api_as: ApiAs, disclaimed: Declaration, officer_medicines: Officer, query: str, count: int
) -> None:
    assert len(api_as(officer_medicines.user).get(LIST + query).json()["results"]) == count


def test_a_bad_filter_is_a_400_naming_it(api_as: ApiAs, officer_medicines: Officer) -> None:
    answer = api_as(officer_medicines.user).get(LIST + "?code=Y9&state=maybe")
    assert {e["path"] for e in errors_of(answer, 400)} == {"?code", "?state"}


def test_the_list_is_read_only_and_for_officers(
    api_as: ApiAs, disclaimed: Declaration, trader_a: Trader, officer_medicines: Officer
) -> None:
    assert api_as(officer_medicines.user).post(LIST, {}, format="json").status_code == 405
    assert api_as(trader_a.user).get(LIST).status_code == 403
    assert api_as(None).get(LIST).status_code == 401


def test_the_call_in_answers_the_item_called_in_with_its_review(
    api_as: ApiAs, disclaimed: Declaration, officer_medicines: Officer
) -> None:
    pk = paracetamol(disclaimed)
    client = api_as(officer_medicines.user)

    answer = client.post(f"{LIST}{pk}/call-in/", {"reason": REASON}, format="json")

    assert answer.status_code == 200, answer.content
    called = answer.json()["called_in"]
    call_in = ItemCallIn.objects.get()
    assert called["reason"] == REASON and called["by"] == "officer.medicines"
    assert called["review"] == call_in.task_id
    assert answer.json()["links"]["review"].endswith(f"/api/v1/reviews/{call_in.task_id}/")
    # The review API now shows the item to the agency
    review = client.get(f"/api/v1/reviews/{call_in.task_id}/").json()
    assert [i["sequence"] for i in review["items"]] == [2]
    # The trader's status shows the call-in on the item's reason
    reasons = api_as(disclaimed.created_by).get(f"/api/v1/declarations/{disclaimed.pk}/status/")
    [medicines] = [r for r in reasons.json()["routing_reasons"] if r["agency_code"] == "medicines"]
    assert medicines["called_in_reason"] == REASON and medicines["called_in_at"]
    assert "called in by Medicines Agency" in medicines["text"]
    # The detail says it too; the open list no longer offers it
    assert client.get(f"{LIST}{pk}/").json()["called_in"]["reason"] == REASON
    assert client.get(LIST).json()["results"] == []


def test_the_call_in_needs_a_reason_at_its_field(
    api_as: ApiAs, disclaimed: Declaration, officer_medicines: Officer
) -> None:
    url = f"{LIST}{paracetamol(disclaimed)}/call-in/"
    client = api_as(officer_medicines.user)
    assert [e["path"] for e in errors_of(client.post(url, {}, format="json"), 400)] == ["/reason"]
    blank = errors_of(client.post(url, {"reason": "  "}, format="json"), 400)
    assert [(e["path"], e["code"]) for e in blank] == [("/reason", "call_in_invalid")]
    wrong = errors_of(client.post(url, {"reason": 12}, format="json"), 400)
    assert [e["path"] for e in wrong] == ["/reason"]
    assert not ItemCallIn.objects.exists()


def test_a_second_call_in_is_a_409_with_its_code(
    api_as: ApiAs, disclaimed: Declaration, officer_medicines: Officer
) -> None:
    url = f"{LIST}{paracetamol(disclaimed)}/call-in/"
    client = api_as(officer_medicines.user)
    assert client.post(url, {"reason": REASON}, format="json").status_code == 200
    [conflict] = errors_of(client.post(url, {"reason": "again"}, format="json"), 409)
    assert conflict["code"] == "already_called_in"


def test_another_agency_and_other_roles_cannot_see_or_call_in(
    api_as: ApiAs,
    disclaimed: Declaration,
    officer_customs: Officer,
    supervisor_customs: Officer,
    trader_a: Trader,
) -> None:
    pk = paracetamol(disclaimed)
    for user in (officer_customs.user, supervisor_customs.user):
        client = api_as(user)
        assert client.get(f"{LIST}{pk}/").status_code == 404
        assert (
            client.post(f"{LIST}{pk}/call-in/", {"reason": "x"}, format="json").status_code == 404
        )
    assert (
        api_as(trader_a.user)
        .post(f"{LIST}{pk}/call-in/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_as(None).post(f"{LIST}{pk}/call-in/", {"reason": "x"}, format="json").status_code == 401
    )
    assert not ItemCallIn.objects.exists()


def test_a_closed_declaration_answers_409(
    api_as: ApiAs, disclaimed: Declaration, officer_medicines: Officer, agencies: dict
) -> None:
    declaration_cancel(user=disclaimed.created_by, declaration_id=disclaimed.pk, reason="Sold.")
    url = f"{LIST}{paracetamol(disclaimed)}/call-in/"
    [conflict] = errors_of(
        api_as(officer_medicines.user).post(url, {"reason": REASON}, format="json"), 409
    )
    assert conflict["code"] == "declaration_closed"
