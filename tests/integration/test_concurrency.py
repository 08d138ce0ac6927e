"""Two officers of different agencies decide on one declaration at the same instant.

Each decision runs in its own thread with its own PostgreSQL connection, released together
by a barrier right before ``review_decide``. Without the declaration row lock every merge
would read the other agency's task as still pending and the last writer would store a stale
status (e.g. "under review" although both approved). The race is run many times to bite.
"""

import threading
from dataclasses import dataclass

import pytest
from django.db import connection

from agencies.models import Agency, Officer, ReviewStatus
from agencies.services import ReviewConflict, review_decide
from declarations.models import ClearanceStatus, Declaration, StatusEvent, Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RACES = 20


@dataclass
class Decision:
    officer: Officer
    review_id: int
    decision: str
    reason: str = ""
    error: BaseException | None = None


def _race(decisions: list[Decision]) -> None:
    """Run every decision in its own thread, all released at once; record each error."""
    barrier = threading.Barrier(len(decisions))

    def decide(d: Decision) -> None:
        try:
            connection.ensure_connection()  # connect before the barrier, not after it
            barrier.wait(timeout=10)
            review_decide(
                user=d.officer.user, review_id=d.review_id, decision=d.decision, reason=d.reason
            )
        except BaseException as error:  # noqa: B036 - reported to the test thread
            d.error = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=decide, args=(d,)) for d in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a decision hung (deadlock?)"


@pytest.fixture
def coffee_declarations(
    trader_a: Trader, make_routed_declaration: MakeDeclaration
) -> list[Declaration]:
    """RACES routed declarations of roasted coffee: customs and plant health review each."""
    return [make_routed_declaration(trader_a, [COFFEE]) for _ in range(RACES)]


def test_two_simultaneous_approvals_clear_the_declaration(
    coffee_declarations: list[Declaration],
    officer_customs: Officer,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    for declaration in coffee_declarations:
        # Given a declaration reviewed by exactly customs and plant health
        assert declaration.review_tasks.count() == 2

        # When both approve at the same instant
        decisions = [
            Decision(officer_customs, review_of(declaration, agency_customs).pk, "approved"),
            Decision(
                officer_plant_health, review_of(declaration, agency_plant_health).pk, "approved"
            ),
        ]
        _race(decisions)

        # Then both decisions are stored and the declaration is cleared, changed once
        assert [d.error for d in decisions] == [None, None]
        assert set(declaration.review_tasks.values_list("status", flat=True)) == {"released"}
        declaration.refresh_from_db()
        assert declaration.status == ClearanceStatus.CLEARED
        cleared = declaration.events.filter(
            kind=StatusEvent.Kind.STATUS_CHANGED, to_status=ClearanceStatus.CLEARED
        )
        assert cleared.count() == 1


def test_simultaneous_approval_and_rejection_reject_and_lose_no_decision(
    coffee_declarations: list[Declaration],
    officer_customs: Officer,
    officer_plant_health: Officer,
    agency_customs: Agency,
    agency_plant_health: Agency,
) -> None:
    for declaration in coffee_declarations:
        # When customs approves while plant health rejects, at the same instant
        approve = Decision(officer_customs, review_of(declaration, agency_customs).pk, "approved")
        reject = Decision(
            officer_plant_health,
            review_of(declaration, agency_plant_health).pk,
            "rejected",
            reason="No phytosanitary certificate.",
        )
        _race([approve, reject])

        # Then the rejection always stands and the declaration is rejected
        assert reject.error is None
        assert review_of(declaration, agency_plant_health).status == ReviewStatus.REFUSED
        declaration.refresh_from_db()
        assert declaration.status == ClearanceStatus.REJECTED
        # And the approval is stored if it got the lock first; if it came second it was
        # refused as a conflict (a closed declaration takes no decision) and the customs
        # task was closed by the rejection: no decision is silently lost either way
        customs_status = review_of(declaration, agency_customs).status
        if approve.error is None:
            assert customs_status == ReviewStatus.RELEASED
        else:
            assert isinstance(approve.error, ReviewConflict), approve.error
            assert approve.error.code == "declaration_closed"
            assert customs_status == ReviewStatus.CLOSED
