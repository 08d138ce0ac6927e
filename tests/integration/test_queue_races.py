"""Races on the shared queue, on real PostgreSQL with one connection per thread: two
officers pressing "next" at once, a decision while the supervisor reassigns, and the
escalation run twice at once."""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from agencies.models import Officer, ReviewStatus, ReviewTask
from agencies.services import (
    ReviewConflict,
    review_assign,
    review_claim,
    review_decide,
    review_next,
    reviews_escalate,
)
from declarations.models import StatusEvent, Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROUNDS = 15


def race(*calls: Callable[[], Any]) -> list[tuple[Any, BaseException | None]]:
    """Run each call in its own thread and connection, released together; (result, error)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[Any, BaseException | None]] = [(None, None)] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            results[index] = (call(), None)
        except BaseException as error:  # noqa: B036 - reported to the test thread
            results[index] = (None, error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a call hung (deadlock?)"
    return results


def test_two_officers_pressing_next_get_two_different_tasks(
    trader_a: Trader,
    make_routed_declaration: MakeDeclaration,
    officer_customs: Officer,
    officer_customs_2: Officer,
) -> None:
    for _ in range(ROUNDS):
        make_routed_declaration(trader_a, [COFFEE])
        make_routed_declaration(trader_a, [COFFEE])

    for _ in range(ROUNDS):
        (first, error_1), (second, error_2) = race(
            lambda: review_next(user=officer_customs.user),
            lambda: review_next(user=officer_customs_2.user),
        )
        assert (error_1, error_2) == (None, None)
        assert first is not None and second is not None
        assert first.pk != second.pk
        assert first.claimed_by_id == officer_customs.user.pk
        assert second.claimed_by_id == officer_customs_2.user.pk
    # Every task was handed out once, and none is left
    assert not ReviewTask.objects.filter(agency__code="customs", claimed_by=None).exists()
    assert review_next(user=officer_customs.user) is None


def test_a_decision_and_a_reassignment_at_once_never_both_win(
    trader_a: Trader,
    make_routed_declaration: MakeDeclaration,
    officer_customs: Officer,
    officer_customs_2: Officer,
    supervisor_customs: Officer,
) -> None:
    outcomes = set()
    for _ in range(ROUNDS):
        declaration = make_routed_declaration(trader_a, [COFFEE])
        task = review_of(declaration, officer_customs.agency)
        review_claim(user=officer_customs.user, review_id=task.pk)

        (_decided, decide_error), (_assigned, assign_error) = race(
            lambda t=task: review_decide(
                user=officer_customs.user, review_id=t.pk, decision="approved"
            ),
            lambda t=task: review_assign(
                user=supervisor_customs.user, review_id=t.pk, officer_username="officer.customs2"
            ),
        )

        task.refresh_from_db()
        if decide_error is None:
            # The decision came first: it stands, the reassignment is refused
            assert isinstance(assign_error, ReviewConflict), assign_error
            assert assign_error.code == "already_decided"
            assert task.status == ReviewStatus.RELEASED
            assert task.claimed_by == officer_customs.user
            outcomes.add("decided")
        else:
            # The reassignment came first: the task moved, the decision is refused
            assert assign_error is None, assign_error
            assert isinstance(decide_error, ReviewConflict), decide_error
            assert decide_error.code == "claimed_by_other"
            assert task.status == ReviewStatus.PENDING
            assert task.claimed_by == officer_customs_2.user
            outcomes.add("reassigned")
    assert outcomes  # at least one round ran to an answer


def test_escalation_run_twice_at_once_escalates_each_task_once(
    trader_a: Trader, make_routed_declaration: MakeDeclaration, supervisor_customs: Officer
) -> None:
    declarations = [make_routed_declaration(trader_a, [COFFEE]) for _ in range(ROUNDS)]
    ReviewTask.objects.update(due_at=timezone.now() - timedelta(minutes=1))

    (first, error_1), (second, error_2) = race(reviews_escalate, reviews_escalate)

    assert (error_1, error_2) == (None, None)
    tasks = ReviewTask.objects.filter(declaration__in=declarations)
    assert first + second == tasks.count()
    assert not tasks.filter(escalated_at=None).exists()
    escalations = StatusEvent.objects.filter(kind=StatusEvent.Kind.REVIEW_ESCALATED)
    assert escalations.count() == tasks.count()
