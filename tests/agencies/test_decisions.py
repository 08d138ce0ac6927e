"""Unit tests of ``agencies.services``: routing, decisions, trader responses and the merge."""

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from agencies.models import Agency, Officer, ReviewStatus, ReviewTask, RoutingRule
from agencies.services import (
    DecisionInvalid,
    ReviewConflict,
    declaration_route,
    review_decide,
    review_respond,
)
from declarations.models import (
    ClearanceStatus,
    Declaration,
    RoutingOutbox,
    StatusEvent,
    Trader,
)
from tests.conftest import COFFEE, LAPTOPS, MEDICAMENTS, MakeDeclaration, review_of

# Decision shorthands (API ``decision``): every item released / refused.
APPROVED, REJECTED = "approved", "rejected"
PENDING, INFO = ReviewStatus.PENDING, ReviewStatus.INFO_REQUESTED


# --- declaration_route ----------------------------------------------------------------------


def _tasks_by_agency(declaration: Declaration) -> dict[str, list[int]]:
    """Agency code -> sequence numbers of the items its review task covers."""
    return {
        task.agency.code: sorted(task.items.values_list("sequence", flat=True))
        for task in ReviewTask.objects.filter(declaration=declaration).select_related("agency")
    }


def test_route_creates_one_review_per_agency_concerned(
    agencies: dict[str, Agency], trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given a submitted declaration of coffee, medicaments and laptops
    declaration = make_submitted_declaration(trader_a, [COFFEE, MEDICAMENTS, LAPTOPS])

    # When it is routed
    created = declaration_route(declaration.pk)

    # Then customs reviews all items and each specialised agency its own chapter
    assert len(created) == 4
    assert _tasks_by_agency(declaration) == {
        "customs": [1, 2, 3],
        "plant-animal-health": [1],
        "medicines": [2],
        "standards": [3],
    }
    assert all(task.status == ReviewStatus.PENDING for task in created)
    # And the declaration is under review, routed, with the fan-out in its history
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    assert declaration.routed_at is not None
    assert RoutingOutbox.objects.get(declaration=declaration).done_at is not None
    routed = declaration.events.get(kind=StatusEvent.Kind.ROUTED)
    assert "Medicines Agency" in routed.message


def test_route_sends_goods_no_rule_covers_to_customs_only(
    agencies: dict[str, Agency], trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given gold jewellery (HS 7113.19), which no demo rule covers
    declaration = make_submitted_declaration(trader_a, [("711319", "IT")])

    # When it is routed
    declaration_route(declaration.pk)

    # Then only customs reviews it
    assert _tasks_by_agency(declaration) == {"customs": [1]}


def test_route_ignores_inactive_rules(
    agencies: dict[str, Agency], trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given the medicines rule switched off
    RoutingRule.objects.filter(agency__code="medicines").update(active=False)
    declaration = make_submitted_declaration(trader_a, [MEDICAMENTS])

    # When routed
    declaration_route(declaration.pk)

    # Then medicines gets no review task
    assert _tasks_by_agency(declaration) == {"customs": [1]}


def test_route_twice_creates_nothing_the_second_time(
    agencies: dict[str, Agency], trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given a declaration routed once
    declaration = make_submitted_declaration(trader_a, [COFFEE, MEDICAMENTS])
    first = declaration_route(declaration.pk)
    events = declaration.events.count()

    # When the same message is delivered again
    second = declaration_route(declaration.pk)

    # Then nothing new is created or recorded
    assert len(first) == 3
    assert second == []
    assert ReviewTask.objects.filter(declaration=declaration).count() == 3
    assert declaration.events.count() == events


def test_route_rerun_after_a_crash_before_done_keeps_one_review_per_agency(
    agencies: dict[str, Agency], trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given a routed declaration whose outbox row looks pending again, as after a worker
    # crash between creating the tasks and marking the row done
    declaration = make_submitted_declaration(trader_a, [COFFEE, MEDICAMENTS])
    declaration_route(declaration.pk)
    RoutingOutbox.objects.filter(declaration=declaration).update(done_at=None)

    # When the redelivered message runs the fan-out again
    created = declaration_route(declaration.pk)

    # Then no review task is duplicated, and the outbox row is done
    assert created == []
    assert _tasks_by_agency(declaration) == {
        "customs": [1, 2],
        "plant-animal-health": [1],
        "medicines": [2],
    }
    assert RoutingOutbox.objects.get(declaration=declaration).done_at is not None


def test_route_of_an_unknown_declaration_does_nothing(agencies: dict[str, Agency]) -> None:
    assert declaration_route(999_999) == []
    assert not ReviewTask.objects.exists()


# --- review_decide --------------------------------------------------------------------------


@pytest.fixture
def coffee_declaration(trader_a: Trader, make_routed_declaration: MakeDeclaration) -> Declaration:
    """Routed roasted coffee from Brazil: reviewed by customs and plant and animal health."""
    return make_routed_declaration(trader_a, [COFFEE])


@pytest.mark.parametrize(
    ("decision", "reason", "field"),
    [
        ("maybe", "", "decision"),
        ("pending", "", "decision"),
        (REJECTED, "", "reason"),
        (REJECTED, "   ", "reason"),
        (INFO, "", "reason"),
    ],
)
def test_decide_refuses_invalid_decisions_and_writes_nothing(
    coffee_declaration: Declaration,
    officer_customs: Officer,
    agency_customs: Agency,
    decision: str,
    reason: str,
    field: str,
) -> None:
    # Given the customs review of a routed declaration
    task = review_of(coffee_declaration, agency_customs)

    # When the officer sends an unknown decision, or rejects / asks without saying why
    with pytest.raises(DecisionInvalid) as refused:
        review_decide(
            user=officer_customs.user, review_id=task.pk, decision=decision, reason=reason
        )

    # Then the field at fault is named and nothing changed
    assert set(refused.value.errors) == {field}
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING
    assert not coffee_declaration.events.filter(kind=StatusEvent.Kind.AGENCY_DECISION).exists()


def test_decide_on_another_agencys_task_is_not_found(
    coffee_declaration: Declaration,
    officer_medicines: Officer,
    trader_a: Trader,
    outsider: AbstractBaseUser,
    agency_customs: Agency,
) -> None:
    # Given the customs review
    task = review_of(coffee_declaration, agency_customs)

    # When an officer of another agency, the trader or an outsider decides on it
    # Then it does not exist for them
    for user in (officer_medicines.user, trader_a.user, outsider):
        with pytest.raises(Http404):
            review_decide(user=user, review_id=task.pk, decision=APPROVED)
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING


def test_approval_by_one_of_two_agencies_keeps_it_under_review(
    coffee_declaration: Declaration, officer_customs: Officer, agency_customs: Agency
) -> None:
    # When customs approves but plant health has not decided
    task = review_decide(
        user=officer_customs.user,
        review_id=review_of(coffee_declaration, agency_customs).pk,
        decision=APPROVED,
    )

    # Then the decision is stored with who and when, and the declaration stays under review
    task.refresh_from_db()
    assert (task.status, task.decided_by) == (ReviewStatus.RELEASED, officer_customs.user)
    assert task.decided_at is not None
    coffee_declaration.refresh_from_db()
    assert coffee_declaration.status == ClearanceStatus.UNDER_REVIEW
    event = coffee_declaration.events.get(kind=StatusEvent.Kind.AGENCY_DECISION)
    assert (event.actor, event.agency, event.to_status) == (
        officer_customs.user,
        "Customs",
        ReviewStatus.RELEASED,
    )


def test_approval_by_every_agency_clears(
    coffee_declaration: Declaration,
    officer_customs: Officer,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    # When both agencies approve
    for officer, agency in (
        (officer_customs, agency_customs),
        (officer_plant_health, agency_plant_health),
    ):
        review_decide(
            user=officer.user,
            review_id=review_of(coffee_declaration, agency).pk,
            decision=APPROVED,
        )

    # Then the declaration is cleared, and the change is in the history, by the last officer
    coffee_declaration.refresh_from_db()
    assert coffee_declaration.status == ClearanceStatus.CLEARED
    change = coffee_declaration.events.filter(kind=StatusEvent.Kind.STATUS_CHANGED).last()
    assert (change.from_status, change.to_status) == (
        ClearanceStatus.UNDER_REVIEW,
        ClearanceStatus.CLEARED,
    )
    assert change.actor == officer_plant_health.user


def test_rejection_rejects_and_closes_the_declaration(
    coffee_declaration: Declaration,
    officer_customs: Officer,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    # Given plant health rejects with a reason
    review_decide(
        user=officer_plant_health.user,
        review_id=review_of(coffee_declaration, agency_plant_health).pk,
        decision=REJECTED,
        reason="  No phytosanitary certificate.  ",
    )
    coffee_declaration.refresh_from_db()
    assert coffee_declaration.status == ClearanceStatus.REJECTED
    assert (
        review_of(coffee_declaration, agency_plant_health).reason == "No phytosanitary certificate."
    )

    # And the customs task, with nothing left to decide, is closed with the reason
    customs_task = review_of(coffee_declaration, agency_customs)
    assert customs_task.status == ReviewStatus.CLOSED
    assert customs_task.reason == "declaration rejected by Plant and Animal Health Agency"

    # When customs then tries to approve
    with pytest.raises(ReviewConflict) as refused:
        review_decide(user=officer_customs.user, review_id=customs_task.pk, decision=APPROVED)

    # Then it is refused: the declaration is closed
    assert refused.value.code == "declaration_closed"
    customs_task.refresh_from_db()
    assert customs_task.status == ReviewStatus.CLOSED


def test_an_agency_decides_only_once(
    coffee_declaration: Declaration, officer_customs: Officer, agency_customs: Agency
) -> None:
    # Given customs has approved
    task = review_of(coffee_declaration, agency_customs)
    review_decide(user=officer_customs.user, review_id=task.pk, decision=APPROVED)

    # When it tries to reject afterwards
    with pytest.raises(ReviewConflict) as refused:
        review_decide(
            user=officer_customs.user, review_id=task.pk, decision=REJECTED, reason="Changed mind"
        )

    # Then the first decision stands
    assert refused.value.code == "already_decided"
    assert "released" in refused.value.message
    task.refresh_from_db()
    assert task.status == ReviewStatus.RELEASED


def test_information_request_waits_for_the_trader_and_others_may_still_decide(
    coffee_declaration: Declaration,
    officer_customs: Officer,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    # When plant health asks for information
    review_decide(
        user=officer_plant_health.user,
        review_id=review_of(coffee_declaration, agency_plant_health).pk,
        decision=INFO,
        reason="Send the phytosanitary certificate.",
    )

    # Then the declaration awaits the trader
    coffee_declaration.refresh_from_db()
    assert coffee_declaration.status == ClearanceStatus.AWAITING_TRADER

    # And customs can still approve meanwhile, which does not clear it
    review_decide(
        user=officer_customs.user,
        review_id=review_of(coffee_declaration, agency_customs).pk,
        decision=APPROVED,
    )
    coffee_declaration.refresh_from_db()
    assert coffee_declaration.status == ClearanceStatus.AWAITING_TRADER


# --- review_respond -------------------------------------------------------------------------


def _ask(declaration: Declaration, officer: Officer, agency: Agency) -> None:
    review_decide(
        user=officer.user,
        review_id=review_of(declaration, agency).pk,
        decision=INFO,
        reason="Send the certificate.",
    )


def test_respond_returns_the_questions_to_the_agencies(
    coffee_declaration: Declaration,
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    # Given customs approved and plant health asked for information
    review_decide(
        user=officer_customs.user,
        review_id=review_of(coffee_declaration, agency_customs).pk,
        decision=APPROVED,
    )
    _ask(coffee_declaration, officer_plant_health, agency_plant_health)

    # When the trader answers
    declaration = review_respond(
        user=trader_a.user,
        declaration_id=coffee_declaration.pk,
        message=" Certificate PC-2026-118 attached. ",
    )

    # Then plant health's task is pending again, customs' approval stands, and the
    # declaration is back under review (not cleared: plant health has not approved)
    assert review_of(coffee_declaration, agency_plant_health).status == ReviewStatus.PENDING
    assert review_of(coffee_declaration, agency_customs).status == ReviewStatus.RELEASED
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    answer = declaration.events.get(kind=StatusEvent.Kind.TRADER_RESPONSE)
    assert (answer.actor, answer.agency, answer.message) == (
        trader_a.user,
        "Plant and Animal Health Agency",
        "Certificate PC-2026-118 attached.",
    )


def test_respond_refuses_an_empty_message(
    coffee_declaration: Declaration,
    trader_a: Trader,
    officer_plant_health: Officer,
    agency_plant_health: Agency,
) -> None:
    _ask(coffee_declaration, officer_plant_health, agency_plant_health)

    with pytest.raises(DecisionInvalid) as refused:
        review_respond(user=trader_a.user, declaration_id=coffee_declaration.pk, message="  ")

    assert set(refused.value.errors) == {"message"}
    assert review_of(coffee_declaration, agency_plant_health).status == ReviewStatus.INFO_REQUESTED


def test_respond_when_nothing_was_asked_is_refused(
    coffee_declaration: Declaration, trader_a: Trader
) -> None:
    with pytest.raises(DecisionInvalid) as refused:
        review_respond(user=trader_a.user, declaration_id=coffee_declaration.pk, message="Hello")

    assert "No agency" in refused.value.errors["message"]
    assert not coffee_declaration.events.filter(kind=StatusEvent.Kind.TRADER_RESPONSE).exists()


def test_respond_to_another_companys_declaration_is_not_found(
    coffee_declaration: Declaration,
    trader_b: Trader,
    officer_plant_health: Officer,
    agency_plant_health: Agency,
) -> None:
    # Given company A's declaration awaits information
    _ask(coffee_declaration, officer_plant_health, agency_plant_health)

    # When the trader of company B answers, or the officer does
    for user in (trader_b.user, officer_plant_health.user):
        with pytest.raises(Http404):
            review_respond(user=user, declaration_id=coffee_declaration.pk, message="Here")

    # Then the question is still open
    assert review_of(coffee_declaration, agency_plant_health).status == ReviewStatus.INFO_REQUESTED


def test_decisions_and_answers_are_linked_to_their_tasks(
    coffee_declaration: Declaration,
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    # Given an agency whose name holds the ", " that joins the names in an answer
    Agency.objects.filter(pk=agency_plant_health.pk).update(name="Plant, Animal Health")
    customs_task = review_of(coffee_declaration, agency_customs)
    plant_task = review_of(coffee_declaration, agency_plant_health)

    # When both ask, the trader answers, and customs approves
    _ask(coffee_declaration, officer_customs, agency_customs)
    _ask(coffee_declaration, officer_plant_health, agency_plant_health)
    review_respond(user=trader_a.user, declaration_id=coffee_declaration.pk, message="Here.")
    review_decide(user=officer_customs.user, review_id=customs_task.pk, decision=APPROVED)

    # Then each task holds its own decisions and the one answer, by link, not by name
    answer = coffee_declaration.events.get(kind=StatusEvent.Kind.TRADER_RESPONSE)
    assert [(e.kind, e.to_status) for e in customs_task.events.order_by("at", "pk")] == [
        (StatusEvent.Kind.AGENCY_DECISION, INFO),
        (StatusEvent.Kind.TRADER_RESPONSE, ""),
        (StatusEvent.Kind.AGENCY_DECISION, ReviewStatus.RELEASED),
    ]
    assert [(e.kind, e.to_status) for e in plant_task.events.order_by("at", "pk")] == [
        (StatusEvent.Kind.AGENCY_DECISION, INFO),
        (StatusEvent.Kind.TRADER_RESPONSE, ""),
    ]
    assert set(answer.review_tasks.all()) == {customs_task, plant_task}


def test_an_answer_is_linked_only_to_the_tasks_that_asked(
    coffee_declaration: Declaration,
    trader_a: Trader,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    _ask(coffee_declaration, officer_plant_health, agency_plant_health)

    review_respond(user=trader_a.user, declaration_id=coffee_declaration.pk, message="Here.")

    answer = coffee_declaration.events.get(kind=StatusEvent.Kind.TRADER_RESPONSE)
    assert list(answer.review_tasks.all()) == [review_of(coffee_declaration, agency_plant_health)]
    assert not review_of(coffee_declaration, agency_customs).events.exists()
