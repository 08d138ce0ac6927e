"""Reads on review tasks, each with its permission check, and a task's message thread."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from declarations.models import OPEN_STATUSES, StatusEvent

from .models import ReviewMessageKind, ReviewStatus, ReviewTask


def officer_agency_id(user) -> int | None:
    officer = getattr(user, "officer", None) if user.is_authenticated else None
    return officer.agency_id if officer else None


def reviews_of_agency(user) -> QuerySet[ReviewTask]:
    """All review tasks of the user's agency (none for a user who is not an officer)."""
    agency_id = officer_agency_id(user)
    if agency_id is None:
        return ReviewTask.objects.none()
    return ReviewTask.objects.filter(agency_id=agency_id).select_related(
        "declaration", "declaration__company", "agency"
    )


def review_queue(user) -> QuerySet[ReviewTask]:
    """The agency's open work, oldest first: pending tasks on declarations still open.

    Each task carries ``trader_answered``: the trader has answered an information request
    of this task (a pending task that was asked something is pending again only because
    the trader answered).
    """
    answers = ReviewTask.events.through.objects.filter(
        reviewtask_id=OuterRef("pk"), statusevent__kind=StatusEvent.Kind.TRADER_RESPONSE
    )
    return (
        reviews_of_agency(user)
        .filter(
            status=ReviewStatus.PENDING,
            declaration__status__in=OPEN_STATUSES,
        )
        .annotate(trader_answered=Exists(answers))
        .order_by("created_at", "pk")
    )


def access_review(user, review_id: int, *, lock: bool = False) -> ReviewTask:
    """The review task if it belongs to the user's agency; ``Http404`` otherwise."""
    queryset = reviews_of_agency(user)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    task = queryset.filter(pk=review_id).first()
    if task is None:
        raise Http404("No such review task")
    return task


@dataclass(frozen=True, slots=True)
class ReviewMessage:
    """One message of a review task's thread: who wrote what, when, for which party."""

    at: datetime
    kind: ReviewMessageKind
    author: str  # the user's full name or username; empty when the account is gone
    party: str  # the agency that asked, or the trader's company that answered
    message: str


def _display_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def review_messages(task: ReviewTask) -> list[ReviewMessage]:
    """The task's thread with the trader, oldest first: its agency's information requests
    and the trader's answers to them (answers to other agencies' questions are not shown).

    ``task`` comes from ``access_review``, which did the permission check.
    """
    events = (
        task.events.filter(
            Q(kind=StatusEvent.Kind.TRADER_RESPONSE)
            | Q(kind=StatusEvent.Kind.AGENCY_DECISION, to_status=ReviewStatus.INFO_REQUESTED)
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    company = task.declaration.company.name
    return [_message(event, task, company) for event in events]


def _message(event: StatusEvent, task: ReviewTask, company: str) -> ReviewMessage:
    if event.kind == StatusEvent.Kind.TRADER_RESPONSE:
        kind, party = ReviewMessageKind.TRADER_ANSWER, company
    else:
        # The agency's name as it was when it asked.
        kind, party = ReviewMessageKind.INFORMATION_REQUEST, event.agency or task.agency.name
    return ReviewMessage(
        at=event.at,
        kind=kind,
        author=_display_name(event.actor),
        party=party,
        message=event.message,
    )
