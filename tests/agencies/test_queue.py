"""Who works on what (``agencies.services.queue``): claims, release, reassignment by a
supervisor, next task, the service deadline's stopping clock, and escalation."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agencies.models import Agency, Officer, ReviewStatus, ReviewTask
from agencies.services import (
    DecisionInvalid,
    ReviewConflict,
    review_assign,
    review_claim,
    review_decide,
    review_next,
    review_release,
    review_respond,
    reviews_escalate,
)
from agencies.tasks import escalate_overdue_reviews
from declarations.models import Declaration, StatusEvent, Trader
from declarations.selectors import declaration_history
from tests.conftest import COFFEE, MakeDeclaration, review_of


@pytest.fixture
def coffee(trader_a: Trader, make_routed_declaration: MakeDeclaration) -> Declaration:
    return make_routed_declaration(trader_a, [COFFEE])


def test_a_claimed_task_is_the_officers_and_others_see_who_holds_it(
    coffee: Declaration,
    officer_customs: Officer,
    officer_customs_2: Officer,
    agency_customs: Agency,
) -> None:
    task = review_of(coffee, agency_customs)

    claimed = review_claim(user=officer_customs.user, review_id=task.pk)

    assert claimed.claimed_by == officer_customs.user
    assert coffee.events.filter(kind=StatusEvent.Kind.REVIEW_CLAIMED).count() == 1
    # Who works on it inside the agency is not in the history the trader reads
    assert not declaration_history(coffee).filter(kind=StatusEvent.Kind.REVIEW_CLAIMED).exists()
    # Claiming again changes nothing; another officer cannot take it, nor decide it
    assert review_claim(user=officer_customs.user, review_id=task.pk).claimed_by_id == (
        officer_customs.user.pk
    )
    with pytest.raises(ReviewConflict) as taken:
        review_claim(user=officer_customs_2.user, review_id=task.pk)
    assert taken.value.code == "claimed_by_other"
    assert "officer.customs" in taken.value.message
    with pytest.raises(ReviewConflict):
        review_decide(user=officer_customs_2.user, review_id=task.pk, decision="approved")


def test_release_puts_the_task_back_in_the_shared_queue(
    coffee: Declaration,
    officer_customs: Officer,
    officer_customs_2: Officer,
    agency_customs: Agency,
) -> None:
    task = review_of(coffee, agency_customs)
    review_claim(user=officer_customs.user, review_id=task.pk)

    # Another officer may not release it for the holder
    with pytest.raises(ReviewConflict):
        review_release(user=officer_customs_2.user, review_id=task.pk)
    released = review_release(user=officer_customs.user, review_id=task.pk)

    assert released.claimed_by is None
    assert review_claim(user=officer_customs_2.user, review_id=task.pk).claimed_by == (
        officer_customs_2.user
    )


def test_a_supervisor_reassigns_and_an_officer_may_not(
    coffee: Declaration,
    officer_customs: Officer,
    officer_customs_2: Officer,
    supervisor_customs: Officer,
    officer_medicines: Officer,
    agency_customs: Agency,
) -> None:
    task = review_of(coffee, agency_customs)
    review_claim(user=officer_customs.user, review_id=task.pk)

    with pytest.raises(PermissionDenied):
        review_assign(
            user=officer_customs_2.user, review_id=task.pk, officer_username="officer.customs2"
        )
    # Only officers of the agency can be given the task
    with pytest.raises(DecisionInvalid) as wrong:
        review_assign(
            user=supervisor_customs.user, review_id=task.pk, officer_username="officer.medicines"
        )
    assert set(wrong.value.errors) == {"officer"}

    assigned = review_assign(
        user=supervisor_customs.user, review_id=task.pk, officer_username="officer.customs2"
    )

    assert assigned.claimed_by == officer_customs_2.user
    event = coffee.events.get(kind=StatusEvent.Kind.REVIEW_ASSIGNED)
    assert (event.actor, event.message) == (supervisor_customs.user, "assigned to officer.customs2")


def test_next_task_claims_the_oldest_unclaimed_pending_task(
    trader_a: Trader,
    make_routed_declaration: MakeDeclaration,
    officer_customs: Officer,
    officer_customs_2: Officer,
    agency_customs: Agency,
) -> None:
    first, second, third = (make_routed_declaration(trader_a, [COFFEE]) for _ in range(3))
    review_claim(user=officer_customs_2.user, review_id=review_of(first, agency_customs).pk)

    # The first is held by someone else: next gives the second, then the third, then nothing
    got = [review_next(user=officer_customs.user) for _ in range(3)]

    assert [t.declaration_id if t else None for t in got] == [second.pk, third.pk, None]
    assert all(t.claimed_by == officer_customs.user for t in got[:2])


def test_the_service_clock_stops_while_the_trader_is_asked(
    coffee: Declaration, trader_a: Trader, officer_customs: Officer, agency_customs: Agency
) -> None:
    # Given a customs task due in its service time
    task = review_of(coffee, agency_customs)
    assert task.due_at is not None
    expected = task.created_at + timedelta(hours=agency_customs.service_hours)
    assert abs((task.due_at - expected).total_seconds()) < 5
    left_before = task.due_at - timezone.now()

    # When customs asks the trader, the clock stops with the time left kept
    review_decide(
        user=officer_customs.user, review_id=task.pk, decision="info_requested", reason="Invoice?"
    )
    task.refresh_from_db()
    assert task.due_at is None
    assert 0 < (left_before - task.time_left).total_seconds() < 60

    # And when the trader answers, it runs again from the time left
    review_respond(user=trader_a.user, declaration_id=coffee.pk, message="INV-1")
    task.refresh_from_db()
    assert task.time_left is None
    remaining = task.due_at - timezone.now()
    assert abs((remaining - left_before).total_seconds()) < 60


def test_escalation_tells_the_supervisors_once(
    coffee: Declaration,
    officer_customs: Officer,
    supervisor_customs: Officer,
    agency_customs: Agency,
    django_capture_on_commit_callbacks,
) -> None:
    # Given the customs task is past its deadline
    task = review_of(coffee, agency_customs)
    ReviewTask.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(minutes=5))

    # When the periodic escalation runs twice (as beat sends it, then directly)
    with django_capture_on_commit_callbacks(execute=True):
        first = escalate_overdue_reviews.apply().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = reviews_escalate()

    # Then the task escalated once: marked, one event, one mail to the supervisor
    assert (first, second) == (1, 0)
    task.refresh_from_db()
    assert task.escalated_at is not None
    assert coffee.events.filter(kind=StatusEvent.Kind.REVIEW_ESCALATED).count() == 1
    # (as a notification e-mail: recipients in Bcc, hidden from each other)
    assert [m.bcc for m in mail.outbox] == [["supervisor@customs.example"]]
    assert coffee.mrn in mail.outbox[0].subject


def test_a_task_not_yet_due_or_waiting_for_the_trader_is_not_escalated(
    coffee: Declaration, officer_customs: Officer, agency_customs: Agency
) -> None:
    task = review_of(coffee, agency_customs)
    review_decide(
        user=officer_customs.user, review_id=task.pk, decision="info_requested", reason="?"
    )

    assert reviews_escalate(now=timezone.now() + timedelta(days=30)) == 1  # plant health's
    task.refresh_from_db()
    assert task.status == ReviewStatus.INFO_REQUESTED and task.escalated_at is None
