"""The officers' review API and the trader's answer: queues, routed items only, decisions
merged into the clearance status (cleared, rejected, awaiting trader), refusals pointing at
the request field.

Declarations are written directly and routed by the service (``make_routed_declaration``),
so these tests do not depend on the validation layer, except the end-to-end one at the end.
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from agencies.models import Agency, Officer, ReviewStatus, ReviewTask
from declarations.models import ClearanceStatus, Declaration, StatusEvent, Trader
from tests.api.conftest import ApiAs
from tests.api.helpers import errors_of, post_raw, url
from tests.conftest import COFFEE, LAPTOPS, MEDICAMENTS, review_of
from tests.factories import VALID_DOCUMENT

REVIEWS = "/api/v1/reviews/"


@pytest.fixture
def coffee_and_medicaments(trader_a: Trader, make_routed_declaration: Any) -> Declaration:
    """A's declaration of VALID_DOCUMENT, routed: customs (both items), plant and animal
    health (item 1, coffee), medicines (item 2, paracetamol)."""
    return make_routed_declaration(
        trader_a, [COFFEE, MEDICAMENTS], lrn="LRN-2026-000001", document=VALID_DOCUMENT
    )


@pytest.fixture
def officers(
    officer_customs: Officer, officer_plant_health: Officer, officer_medicines: Officer
) -> dict[str, Officer]:
    return {
        "customs": officer_customs,
        "plant-animal-health": officer_plant_health,
        "medicines": officer_medicines,
    }


def decide(client: APIClient, task: ReviewTask, decision: str, reason: str = "") -> Any:
    return client.post(
        url("review-decision", task.pk), {"decision": decision, "reason": reason}, format="json"
    )


def status_seen_by(client: APIClient, declaration: Declaration) -> dict[str, Any]:
    response = client.get(url("declaration-status", declaration.pk))
    assert response.status_code == 200
    return response.json()


# --- the queue ------------------------------------------------------------------------------


def test_the_queue_holds_the_agencys_open_tasks_oldest_first(
    api_as: ApiAs,
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
    make_routed_declaration: Any,
) -> None:
    # Given two routed declarations, and a third that customs already approved
    first = make_routed_declaration(trader_a, [COFFEE])
    second = make_routed_declaration(trader_b, [LAPTOPS])
    done = make_routed_declaration(trader_a, [MEDICAMENTS])
    client = api_as(officer_customs.user)
    assert decide(client, review_of(done, officer_customs.agency), "approved").status_code == 200

    # When the customs officer opens the queue
    response = client.get(REVIEWS)

    # Then the open tasks are listed oldest first, with the declaration's header
    assert response.status_code == 200
    page = response.json()
    assert [r["declaration"]["id"] for r in page["results"]] == [first.pk, second.pk]
    entry = page["results"][0]
    assert entry["status"] == "pending" and entry["agency"] == "customs"
    assert entry["declaration"]["mrn"] == first.mrn
    assert entry["declaration"]["company_eori"] == trader_a.company.eori
    assert entry["links"]["decision"].endswith(url("review-decision", entry["id"]))


def test_the_queue_filters_by_review_status(
    api_as: ApiAs, trader_a: Trader, officer_customs: Officer, make_routed_declaration: Any
) -> None:
    open_one = make_routed_declaration(trader_a, [COFFEE])
    approved = make_routed_declaration(trader_a, [MEDICAMENTS])
    client = api_as(officer_customs.user)
    decide(client, review_of(approved, officer_customs.agency), "approved")

    approved_ids = [
        r["declaration"]["id"] for r in client.get(REVIEWS + "?status=released").json()["results"]
    ]
    pending_ids = [
        r["declaration"]["id"] for r in client.get(REVIEWS + "?status=pending").json()["results"]
    ]

    assert approved_ids == [approved.pk]
    assert pending_ids == [open_one.pk]


def test_review_pages_are_bounded(
    api_as: ApiAs, trader_a: Trader, officer_customs: Officer, make_routed_declaration: Any
) -> None:
    make_routed_declaration(trader_a, [COFFEE])

    response = api_as(officer_customs.user).get(f"{REVIEWS}?limit={10**30}&after={10**30}")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_an_unknown_status_filter_is_refused(api_as: ApiAs, officer_customs: Officer) -> None:
    errors = errors_of(api_as(officer_customs.user).get(REVIEWS + "?status=done"), 400)

    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [
        ("invalid_choice", "status", "?status")
    ]


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("?limit=-1", [("min_value", "limit", "?limit")]),
        ("?limit=abc", [("invalid", "limit", "?limit")]),
        ("?limit=0", [("min_value", "limit", "?limit")]),
        ("?after=abc", [("invalid", "after", "?after")]),
        ("?after=-5", [("min_value", "after", "?after")]),
        (
            "?after=x&limit=-1",
            [("invalid", "after", "?after"), ("min_value", "limit", "?limit")],
        ),
    ],
)
def test_bad_paging_of_the_queue_is_refused(
    api_as: ApiAs, officer_customs: Officer, query: str, refused: list[tuple[str, str, str]]
) -> None:
    errors = errors_of(api_as(officer_customs.user).get(REVIEWS + query), 400)

    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == refused


def test_an_agency_sees_only_the_goods_items_routed_to_it(
    api_as: ApiAs, coffee_and_medicaments: Declaration, officers: dict[str, Officer]
) -> None:
    # Given the declaration routed to plant health for its coffee only
    officer = officers["plant-animal-health"]
    task = review_of(coffee_and_medicaments, officer.agency)

    # When the plant health officer opens the task
    response = api_as(officer.user).get(url("review-detail", task.pk))

    # Then item 1 (coffee) is shown, as a row and in the document; item 2 is not
    assert response.status_code == 200
    body = response.json()
    assert [i["hs_code"] for i in body["items"]] == ["090121"]
    shown = body["document"]["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    assert [i["SequenceNumeric"] for i in shown] == ["1"]
    assert "Paracetamol" not in response.content.decode()
    assert body["declaration"]["lrn"] == "LRN-2026-000001"


def test_customs_sees_every_goods_item(
    api_as: ApiAs, coffee_and_medicaments: Declaration, officers: dict[str, Officer]
) -> None:
    officer = officers["customs"]
    task = review_of(coffee_and_medicaments, officer.agency)

    body = api_as(officer.user).get(url("review-detail", task.pk)).json()

    assert [i["sequence"] for i in body["items"]] == [1, 2]


# --- decisions and the merged status --------------------------------------------------------


def test_every_agency_approving_clears_the_declaration(
    api_as: ApiAs,
    trader_a: Trader,
    coffee_and_medicaments: Declaration,
    officers: dict[str, Officer],
) -> None:
    declaration = coffee_and_medicaments
    trader = api_as(trader_a.user)

    # When customs and plant health approve, the declaration is still under review
    for code in ("customs", "plant-animal-health"):
        officer = officers[code]
        response = decide(api_as(officer.user), review_of(declaration, officer.agency), "approved")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "released"
    assert status_seen_by(trader, declaration)["status"] == "under_review"

    # When medicines approves too
    officer = officers["medicines"]
    response = decide(api_as(officer.user), review_of(declaration, officer.agency), "approved")

    # Then it is cleared, and the trader sees each agency's decision
    assert response.json()["declaration"]["status"] == "cleared"
    status = status_seen_by(trader, declaration)
    assert status["status"] == "cleared"
    assert {a["status"] for a in status["agencies"]} == {"released"}
    assert {i["status"] for i in status["items"]} == {"released"}
    assert all(a["decided_at"] for a in status["agencies"])


def test_a_refusal_refuses_the_agencys_items_and_the_trader_reads_why(
    api_as: ApiAs,
    trader_a: Trader,
    coffee_and_medicaments: Declaration,
    officers: dict[str, Officer],
) -> None:
    officer = officers["medicines"]
    task = review_of(coffee_and_medicaments, officer.agency)

    response = decide(api_as(officer.user), task, "rejected", "No marketing authorisation.")

    # Medicines refuses its item (the paracetamol); the coffee is still under review
    assert response.status_code == 200, response.content
    detail = api_as(trader_a.user).get(url("declaration-detail", coffee_and_medicaments.pk))
    body = detail.json()
    assert body["status"] == "under_review"
    medicines = next(a for a in body["agencies"] if a["agency"] == "medicines")
    assert medicines == {
        "agency": "medicines",
        "agency_name": officer.agency.name,
        "status": "refused",
        "reason": "No marketing authorisation.",
        "decided_at": medicines["decided_at"],
    }
    status = status_seen_by(api_as(trader_a.user), coffee_and_medicaments)
    assert [(i["sequence"], i["status"]) for i in status["items"]] == [(1, "open"), (2, "refused")]
    assert any(
        e["kind"] == "agency_decision" and e["message"] == "No marketing authorisation."
        for e in body["history"]
    )


def test_an_information_request_waits_for_the_trader_and_the_answer_reopens_it(
    api_as: ApiAs,
    trader_a: Trader,
    coffee_and_medicaments: Declaration,
    officers: dict[str, Officer],
) -> None:
    declaration = coffee_and_medicaments
    trader = api_as(trader_a.user)
    plant = officers["plant-animal-health"]
    task = review_of(declaration, plant.agency)

    # Given plant health asks for a phytosanitary certificate
    asked = decide(api_as(plant.user), task, "info_requested", "Send the phytosanitary cert.")
    assert asked.status_code == 200, asked.content
    status = status_seen_by(trader, declaration)
    assert status["status"] == "awaiting_trader"
    assert {
        (a["agency"], a["status"], a["reason"])
        for a in status["agencies"]
        if a["agency"] == "plant-animal-health"
    } == {("plant-animal-health", "info_requested", "Send the phytosanitary cert.")}

    # When the trader answers
    answered = trader.post(
        url("declaration-response", declaration.pk),
        {"message": "Certificate PC-2026-17 attached to the consignment."},
        format="json",
    )

    # Then the declaration is under review again and the task back in the agency's queue
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "under_review"
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING
    queue = api_as(plant.user).get(REVIEWS).json()["results"]
    assert [r["id"] for r in queue] == [task.pk]
    assert StatusEvent.objects.filter(
        declaration=declaration, kind=StatusEvent.Kind.TRADER_RESPONSE
    ).exists()

    # And once every agency approves, it is cleared
    for officer in officers.values():
        decided = decide(api_as(officer.user), review_of(declaration, officer.agency), "approved")
        assert decided.status_code == 200, decided.content
    assert status_seen_by(trader, declaration)["status"] == "cleared"


def answer(client: APIClient, declaration: Declaration, message: str) -> Any:
    response = client.post(
        url("declaration-response", declaration.pk), {"message": message}, format="json"
    )
    assert response.status_code == 200, response.content
    return response


def messages_seen_by(client: APIClient, task: ReviewTask) -> list[tuple[str, str, str, str]]:
    response = client.get(url("review-detail", task.pk))
    assert response.status_code == 200, response.content
    messages = response.json()["messages"]
    assert [m["at"] for m in messages] == sorted(m["at"] for m in messages)
    return [(m["kind"], m["party"], m["author"], m["message"]) for m in messages]


def test_the_officer_reads_the_trader_answers_to_the_agencys_requests(
    api_as: ApiAs,
    trader_a: Trader,
    coffee_and_medicaments: Declaration,
    officers: dict[str, Officer],
) -> None:
    declaration = coffee_and_medicaments
    trader = api_as(trader_a.user)
    plant, customs = officers["plant-animal-health"], officers["customs"]
    plant_task = review_of(declaration, plant.agency)
    customs_task = review_of(declaration, customs.agency)
    company = trader_a.company.name

    # Given plant health and customs both ask, and one answer goes to both
    decide(api_as(plant.user), plant_task, "info_requested", "Send the phytosanitary cert.")
    decide(api_as(customs.user), customs_task, "info_requested", "Which port of entry?")
    answer(trader, declaration, "Certificate PC-17; entry at Dover.")
    # And plant health asks again, customs approves, and the trader answers plant health
    decide(api_as(plant.user), plant_task, "info_requested", "PC-17 has expired.")
    decide(api_as(customs.user), customs_task, "approved")
    answer(trader, declaration, "Renewed certificate PC-18.")

    # When each officer opens the task, then they read their own thread, oldest first
    assert messages_seen_by(api_as(plant.user), plant_task) == [
        (
            "information_request",
            plant.agency.name,
            "officer.planthealth",
            "Send the phytosanitary cert.",
        ),
        ("trader_answer", company, "trader.a", "Certificate PC-17; entry at Dover."),
        ("information_request", plant.agency.name, "officer.planthealth", "PC-17 has expired."),
        ("trader_answer", company, "trader.a", "Renewed certificate PC-18."),
    ]
    assert messages_seen_by(api_as(customs.user), customs_task) == [
        ("information_request", customs.agency.name, "officer.customs", "Which port of entry?"),
        ("trader_answer", company, "trader.a", "Certificate PC-17; entry at Dover."),
    ]
    # And an agency that asked nothing has no messages
    medicines = officers["medicines"]
    assert messages_seen_by(api_as(medicines.user), review_of(declaration, medicines.agency)) == []


# --- refused decisions: 400 pointing at the field -------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        ({"decision": "rejected"}, "decision_invalid", "/reason"),
        ({"decision": "rejected", "reason": "   "}, "decision_invalid", "/reason"),
        ({"decision": "info_requested", "reason": ""}, "decision_invalid", "/reason"),
        ({"decision": "pending"}, "invalid_choice", "/decision"),
        ({"decision": "maybe"}, "invalid_choice", "/decision"),
        ({}, "required", "/decision"),
        ({"decision": ["approved"]}, "invalid_choice", "/decision"),
        ({"decision": "rejected", "reason": {"text": "x"}}, "wrong_type", "/reason"),
        ({"decision": "rejected", "reason": ["x"]}, "wrong_type", "/reason"),
        ({"decision": "rejected", "reason": 42}, "wrong_type", "/reason"),
        ({"decision": "rejected", "reason": 4.2}, "wrong_type", "/reason"),
        ({"decision": "rejected", "reason": True}, "wrong_type", "/reason"),
        ({"decision": "rejected", "reason": "x" * 4001}, "max_length", "/reason"),
        (["approved"], "invalid", ""),
    ],
)
def test_an_invalid_decision_is_refused_at_its_field(
    api_as: ApiAs,
    coffee_and_medicaments: Declaration,
    officer_customs: Officer,
    body: Any,
    code: str,
    path: str,
) -> None:
    task = review_of(coffee_and_medicaments, officer_customs.agency)

    response = api_as(officer_customs.user).post(
        url("review-decision", task.pk), body, format="json"
    )

    # The decision's fields are no WCO elements: a path, and no WCO pointer
    errors = errors_of(response, 400)
    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [(code, "", path)]
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING


def test_control_characters_in_a_reason_are_pointed_at_by_path(
    api_as: ApiAs, coffee_and_medicaments: Declaration, officer_customs: Officer
) -> None:
    task = review_of(coffee_and_medicaments, officer_customs.agency)
    body = '{"decision": "rejected", "reason": "Bad\\u0001 invoice"}'

    response = post_raw(api_as(officer_customs.user), url("review-decision", task.pk), body)

    errors = errors_of(response, 400)
    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [("malformed", "", "/reason")]
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING


def test_a_task_is_decided_once(
    api_as: ApiAs, coffee_and_medicaments: Declaration, officer_customs: Officer
) -> None:
    client = api_as(officer_customs.user)
    task = review_of(coffee_and_medicaments, officer_customs.agency)
    assert decide(client, task, "approved").status_code == 200

    errors = errors_of(decide(client, task, "rejected", "Changed my mind."), 409)

    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [("already_decided", "", "")]
    assert "released" in errors[0]["message"]
    task.refresh_from_db()
    assert task.status == ReviewStatus.RELEASED


def test_no_decision_on_a_rejected_declaration(
    api_as: ApiAs, coffee_and_medicaments: Declaration, officers: dict[str, Officer]
) -> None:
    # Given customs refused every item: the declaration is rejected
    medicines, customs = officers["medicines"], officers["customs"]
    decide(
        api_as(customs.user),
        review_of(coffee_and_medicaments, customs.agency),
        "rejected",
        "Smuggling suspected.",
    )

    # When medicines tries to release its item
    response = decide(
        api_as(medicines.user), review_of(coffee_and_medicaments, medicines.agency), "approved"
    )

    # Then it is a conflict with the reason, and the medicines task was closed
    errors = errors_of(response, 409)
    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [
        ("declaration_closed", "", "")
    ]
    task = review_of(coffee_and_medicaments, medicines.agency)
    assert (task.status, task.reason) == (ReviewStatus.CLOSED, "declaration rejected by Customs")


def test_a_hostile_decision_body_is_refused(
    api_as: ApiAs, coffee_and_medicaments: Declaration, officer_customs: Officer
) -> None:
    task = review_of(coffee_and_medicaments, officer_customs.agency)
    path = url("review-decision", task.pk)
    client = api_as(officer_customs.user)

    deep = post_raw(client, path, "[" * 100_000 + "]" * 100_000)
    nan = post_raw(client, path, '{"decision": NaN}')
    form = post_raw(client, path, "decision=approved", "application/x-www-form-urlencoded")

    assert errors_of(deep, 400)[0]["code"] == "too_large"
    assert errors_of(nan, 400)[0]["code"] == "malformed"
    assert errors_of(form, 415)[0]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"message": ""}, "response_invalid"),
        ({"message": "  "}, "response_invalid"),
        ({}, "response_invalid"),  # neither a message nor documents
        ({"message": "x" * 4001}, "max_length"),
        ({"message": 17}, "wrong_type"),
        ({"message": 1.5}, "wrong_type"),
        ({"message": False}, "wrong_type"),
        ({"message": {"text": "Here"}}, "wrong_type"),
        ({"message": ["Here"]}, "wrong_type"),
    ],
)
def test_an_empty_answer_is_refused(
    api_as: ApiAs,
    trader_a: Trader,
    coffee_and_medicaments: Declaration,
    officer_plant_health: Officer,
    body: dict[str, Any],
    code: str,
) -> None:
    task = review_of(coffee_and_medicaments, officer_plant_health.agency)
    decide(api_as(officer_plant_health.user), task, "info_requested", "Send the certificate.")

    response = api_as(trader_a.user).post(
        url("declaration-response", coffee_and_medicaments.pk), body, format="json"
    )

    assert [(e["code"], e["pointer"], e["path"]) for e in errors_of(response, 400)] == [
        (code, "", "/message")
    ]
    task.refresh_from_db()
    assert task.status == ReviewStatus.INFO_REQUESTED


def test_an_answer_nobody_asked_for_is_refused(
    api_as: ApiAs, trader_a: Trader, coffee_and_medicaments: Declaration
) -> None:
    response = api_as(trader_a.user).post(
        url("declaration-response", coffee_and_medicaments.pk),
        {"message": "Here you are."},
        format="json",
    )

    errors = errors_of(response, 400)
    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [
        ("response_invalid", "", "/message")
    ]


# --- end to end through the API -------------------------------------------------------------


def test_submitted_through_the_api_reviewed_and_cleared(
    api_as: ApiAs,
    trader_a: Trader,
    officers: dict[str, Officer],
    agency_customs: Agency,
    django_capture_on_commit_callbacks: Any,
) -> None:
    trader = api_as(trader_a.user)
    # Given a declaration lodged through the API, routed on commit
    with django_capture_on_commit_callbacks(execute=True):
        lodged = trader.post("/api/v1/declarations/", VALID_DOCUMENT, format="json")
    assert lodged.status_code == 201, lodged.content[:3000]
    declaration = Declaration.objects.get(pk=lodged.json()["id"])

    # When each officer finds it in the queue and approves
    for officer in officers.values():
        client = api_as(officer.user)
        queue = client.get(REVIEWS).json()["results"]
        [task] = [r for r in queue if r["declaration"]["id"] == declaration.pk]
        assert decide_by_id(client, task["id"], "approved").status_code == 200

    # Then the trader sees it cleared
    assert status_seen_by(trader, declaration)["status"] == ClearanceStatus.CLEARED


def decide_by_id(client: APIClient, task_id: int, decision: str) -> Any:
    return client.post(url("review-decision", task_id), {"decision": decision}, format="json")
