"""The officers' queue over the API: next task, claim / release / assign, per-item decisions
with errors at their pointer, 409 conflicts, filters and counts, keyset paging,
inspections, and the trader's status per item with the appointment."""

from typing import Any

import pytest

from agencies.models import Agency, Officer, ReviewStatus
from declarations.models import Declaration, Trader
from tests.api.conftest import ApiAs
from tests.api.helpers import errors_of, url
from tests.conftest import COFFEE, LAPTOPS, MEDICAMENTS, MakeDeclaration, review_of

REVIEWS = "/api/v1/reviews/"


@pytest.fixture
def two_items(trader_a: Trader, make_routed_declaration: MakeDeclaration) -> Declaration:
    """Coffee (customs, plant health) and paracetamol (customs, medicines)."""
    return make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])


def test_next_claims_the_oldest_task_then_answers_204(
    api_as: ApiAs, two_items: Declaration, officer_customs: Officer
) -> None:
    client = api_as(officer_customs.user)

    first = client.post(url("review-next"))
    empty = client.post(url("review-next"))

    assert first.status_code == 200, first.content
    body = first.json()
    assert body["declaration"]["id"] == two_items.pk
    assert body["claimed_by"] == "officer.customs"
    assert [i["sequence"] for i in body["items"]] == [1, 2]
    assert empty.status_code == 204


def test_claim_release_and_assign_answer_409_with_the_reason(
    api_as: ApiAs,
    two_items: Declaration,
    officer_customs: Officer,
    officer_customs_2: Officer,
    supervisor_customs: Officer,
    agency_customs: Agency,
) -> None:
    task = review_of(two_items, agency_customs)
    mine, other = api_as(officer_customs.user), api_as(officer_customs_2.user)
    assert mine.post(url("review-claim", task.pk)).json()["claimed_by"] == "officer.customs"

    errors = errors_of(other.post(url("review-claim", task.pk)), 409)
    assert [(e["code"], e["path"]) for e in errors] == [("claimed_by_other", "")]
    assert "officer.customs" in errors[0]["message"]
    errors_of(
        other.post(url("review-decision", task.pk), {"decision": "approved"}, format="json"), 409
    )

    # An officer cannot reassign; a supervisor can, and only to the agency's officers
    assert (
        other.post(
            url("review-assign", task.pk), {"officer": "officer.customs2"}, format="json"
        ).status_code
        == 403
    )
    supervisor = api_as(supervisor_customs.user)
    wrong = errors_of(
        supervisor.post(url("review-assign", task.pk), {"officer": "nobody"}, format="json"), 400
    )
    assert [(e["code"], e["path"]) for e in wrong] == [("assign_invalid", "/officer")]
    moved = supervisor.post(
        url("review-assign", task.pk), {"officer": "officer.customs2"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["claimed_by"] == "officer.customs2"

    released = other.post(url("review-release", task.pk))
    assert released.status_code == 200 and released.json()["claimed_by"] is None


def test_a_decision_per_item_with_a_condition_and_a_refusal(
    api_as: ApiAs,
    trader_a: Trader,
    two_items: Declaration,
    officer_customs: Officer,
    agency_customs: Agency,
    agency_medicines: Agency,
) -> None:
    task = review_of(two_items, agency_customs)
    client = api_as(officer_customs.user)

    response = client.post(
        url("review-decision", task.pk),
        {
            "decision": "decide",
            "items": [
                {"sequence": 1, "outcome": "released_with_conditions", "condition": "Bonded."},
                {"sequence": 2, "outcome": "refused", "reason": "Counterfeit."},
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "partially_released"
    status = api_as(trader_a.user).get(url("declaration-status", two_items.pk)).json()
    customs = next(a for a in status["agencies"] if a["agency"] == "customs")
    assert customs["items"] == [
        {
            "sequence": 1,
            "outcome": "released_with_conditions",
            "condition": "Bonded.",
            "reason": "",
        },
        {"sequence": 2, "outcome": "refused", "condition": "", "reason": "Counterfeit."},
    ]
    assert [(i["sequence"], i["status"]) for i in status["items"]] == [(1, "open"), (2, "refused")]
    medicines = next(a for a in status["agencies"] if a["agency"] == "medicines")
    assert medicines["status"] == "closed"
    assert review_of(two_items, agency_medicines).reason == "items refused by Customs"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # A condition missing, a reason missing: at the entry's field
        (
            [
                {"sequence": 2, "outcome": "released"},
                {"sequence": 1, "outcome": "released_with_conditions"},
            ],
            [("decision_invalid", "/items/1/condition")],
        ),
        (
            [{"sequence": 1, "outcome": "released"}, {"sequence": 2, "outcome": "refused"}],
            [("decision_invalid", "/items/1/reason")],
        ),
        # An item not routed, an item twice
        (
            [
                {"sequence": 1, "outcome": "released"},
                {"sequence": 2, "outcome": "released"},
                {"sequence": 9, "outcome": "released"},
            ],
            [("decision_invalid", "/items/2/sequence")],
        ),
        # An item left out: named in the message, at /items
        ([{"sequence": 1, "outcome": "released"}], [("decision_invalid", "/items")]),
        # An unknown outcome: the serializer's own choice error
        (
            [{"sequence": 1, "outcome": "maybe"}, {"sequence": 2, "outcome": "released"}],
            [("invalid_choice", "/items/0/outcome")],
        ),
    ],
)
def test_item_errors_point_at_the_request_field(
    api_as: ApiAs,
    two_items: Declaration,
    officer_customs: Officer,
    agency_customs: Agency,
    items: list[dict[str, Any]],
    expected: list[tuple[str, str]],
) -> None:
    task = review_of(two_items, agency_customs)

    response = api_as(officer_customs.user).post(
        url("review-decision", task.pk), {"decision": "decide", "items": items}, format="json"
    )

    errors = errors_of(response, 400)
    assert [(e["code"], e["path"]) for e in errors] == expected
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING and not task.outcomes.exists()


def test_the_queue_filters_counts_and_pages_by_key(
    api_as: ApiAs,
    trader_a: Trader,
    trader_b: Trader,
    make_routed_declaration: MakeDeclaration,
    officer_customs: Officer,
) -> None:
    coffee = make_routed_declaration(trader_a, [COFFEE])
    laptops = make_routed_declaration(trader_b, [LAPTOPS])
    meds = make_routed_declaration(trader_a, [MEDICAMENTS])
    client = api_as(officer_customs.user)
    client.post(url("review-claim", review_of(laptops, officer_customs.agency).pk))

    def ids(query: str) -> list[int]:
        response = client.get(REVIEWS + query)
        assert response.status_code == 200, response.content
        return [r["declaration"]["id"] for r in response.json()["results"]]

    assert ids("") == [coffee.pk, laptops.pk, meds.pk]
    assert ids("?claimed=me") == [laptops.pk]
    assert ids("?claimed=none") == [coffee.pk, meds.pk]
    assert ids("?origin=in") == [meds.pk]
    assert ids("?q=0901") == [coffee.pk]
    assert ids(f"?q={trader_b.company.eori}") == [laptops.pk]
    assert ids("?q=northern") == [laptops.pk]
    assert ids(f"?q={meds.mrn.lower()}") == [meds.pk]
    assert ids("?overdue=true") == []
    page = client.get(REVIEWS + "?limit=2").json()
    assert page["counts"]["pending"] == 3 and page["count"] == 3
    assert [r["declaration"]["id"] for r in page["results"]] == [coffee.pk, laptops.pk]
    # Deciding the first task does not shift the next page
    client.post(
        url("review-decision", page["results"][0]["id"]), {"decision": "approved"}, format="json"
    )
    rest = client.get(page["next"]).json()
    assert [r["declaration"]["id"] for r in rest["results"]] == [meds.pk]
    assert rest["next"] is None


def test_two_physical_checks_make_one_appointment_for_the_trader(
    api_as: ApiAs,
    trader_a: Trader,
    make_routed_declaration: MakeDeclaration,
    officer_customs: Officer,
    officer_plant_health: Officer,
) -> None:
    coffee = make_routed_declaration(trader_a, [COFFEE])
    for officer in (officer_customs, officer_plant_health):
        task = review_of(coffee, officer.agency)
        ordered = api_as(officer.user).post(
            url("review-inspections", task.pk), {"kind": "physical", "sample": False}, format="json"
        )
        assert ordered.status_code == 201, ordered.content

    status = api_as(trader_a.user).get(url("declaration-status", coffee.pk)).json()
    assert status["status"] == "inspection"
    [appointment] = status["inspection_appointments"]
    assert appointment["is_joint"] is True
    assert appointment["agencies"] == ["Customs", "Plant and Animal Health Agency"]

    # Each agency records its own result; the declaration goes back under review
    for officer in (officer_customs, officer_plant_health):
        client = api_as(officer.user)
        detail = client.get(url("review-detail", review_of(coffee, officer.agency).pk)).json()
        [check] = detail["inspections"]
        recorded = client.post(check["links"]["result"], {"result": "satisfactory"}, format="json")
        assert recorded.status_code == 200, recorded.content
    assert api_as(trader_a.user).get(url("declaration-status", coffee.pk)).json()["status"] == (
        "under_review"
    )


def test_another_agencys_inspection_is_not_found(
    api_as: ApiAs,
    trader_a: Trader,
    make_routed_declaration: MakeDeclaration,
    officer_customs: Officer,
    officer_medicines: Officer,
) -> None:
    coffee = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(coffee, officer_customs.agency)
    check = (
        api_as(officer_customs.user)
        .post(url("review-inspections", task.pk), {"kind": "identity"}, format="json")
        .json()
    )

    response = api_as(officer_medicines.user).post(
        url("inspection-result", check["id"]), {"result": "satisfactory"}, format="json"
    )

    errors_of(response, 404)


@pytest.mark.parametrize("sample", ["yes", 1, "true", None])
def test_an_inspection_sample_is_a_json_boolean(
    api_as: ApiAs,
    trader_a: Trader,
    make_routed_declaration: MakeDeclaration,
    officer_customs: Officer,
    sample: Any,
) -> None:
    coffee = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(coffee, officer_customs.agency)

    response = api_as(officer_customs.user).post(
        url("review-inspections", task.pk), {"kind": "physical", "sample": sample}, format="json"
    )

    errors = errors_of(response, 400)
    assert [e["path"] for e in errors] == ["/sample"]
    assert not task.inspections.exists()
