"""Every action on a review checks, in one place (``require_open_declaration``), that the
declaration is still open for it: once rejected, cleared or partially released, no officer
decides, asks, claims or inspects, and no trader answer reopens a task (issue: a trader
answering a rejected declaration sent the agency's task back to pending)."""

from collections.abc import Callable

import pytest

from agencies.inspections.services import inspection_order
from agencies.models import Officer, ReviewStatus, ReviewTask
from agencies.services import (
    ReviewConflict,
    review_claim,
    review_decide,
    review_next,
    review_respond,
)
from declarations.models import ClearanceStatus, Declaration, Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of

CLOSED_STATES = [
    ClearanceStatus.REJECTED,
    ClearanceStatus.CLEARED,
    ClearanceStatus.CLEARED_WITH_CONDITIONS,
    ClearanceStatus.PARTIALLY_RELEASED,
]

Action = Callable[[Declaration, Officer, Trader, ReviewTask], object]

ACTIONS: dict[str, Action] = {
    "approve": lambda d, o, t, task: review_decide(
        user=o.user, review_id=task.pk, decision="approved"
    ),
    "refuse": lambda d, o, t, task: review_decide(
        user=o.user, review_id=task.pk, decision="rejected", reason="No."
    ),
    "ask": lambda d, o, t, task: review_decide(
        user=o.user, review_id=task.pk, decision="info_requested", reason="Invoice?"
    ),
    "claim": lambda d, o, t, task: review_claim(user=o.user, review_id=task.pk),
    "inspect": lambda d, o, t, task: inspection_order(
        user=o.user, review_id=task.pk, kind="physical"
    ),
    "answer": lambda d, o, t, task: review_respond(
        user=t.user, declaration_id=d.pk, message="Here it is."
    ),
}


@pytest.mark.parametrize("state", CLOSED_STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_no_action_on_a_closed_declaration(
    trader_a: Trader,
    officer_customs: Officer,
    make_routed_declaration: MakeDeclaration,
    state: ClearanceStatus,
    action: str,
) -> None:
    # Given a declaration whose customs task is still open (as asked, so an answer would
    # reopen it) while the declaration itself has reached a final state
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, officer_customs.agency)
    ReviewTask.objects.filter(pk=task.pk).update(status=ReviewStatus.INFO_REQUESTED)
    Declaration.objects.filter(pk=declaration.pk).update(status=state)
    events = declaration.events.count()

    # When the action is tried
    with pytest.raises(ReviewConflict) as refused:
        ACTIONS[action](declaration, officer_customs, trader_a, task)

    # Then it is refused as closed, and nothing changed
    assert refused.value.code == "declaration_closed"
    task.refresh_from_db()
    assert task.status == ReviewStatus.INFO_REQUESTED and task.claimed_by is None
    assert declaration.events.count() == events


@pytest.mark.parametrize("state", CLOSED_STATES)
def test_next_task_never_hands_out_a_task_of_a_closed_declaration(
    trader_a: Trader,
    officer_customs: Officer,
    make_routed_declaration: MakeDeclaration,
    state: ClearanceStatus,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    Declaration.objects.filter(pk=declaration.pk).update(status=state)

    assert review_next(user=officer_customs.user) is None
