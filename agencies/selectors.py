"""Reads on review tasks, each with its permission check, and a task's message thread."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from declarations.models import OPEN_STATUSES, GoodsItem, StatusEvent

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
        "declaration", "declaration__company", "agency", "claimed_by", "lane_assignment"
    )


def with_overdue(queryset: QuerySet[ReviewTask], now: datetime | None = None) -> QuerySet:
    """Each task with ``overdue``: pending past its ``due_at`` (a stopped clock is never
    overdue: ``due_at`` is empty while the trader is asked)."""
    now = now or timezone.now()
    return queryset.annotate(
        overdue=ExpressionWrapper(
            Q(status=ReviewStatus.PENDING, due_at__lt=now), output_field=BooleanField()
        )
    )


def review_queue_filtered(user, filters: Mapping[str, Any]) -> QuerySet[ReviewTask]:
    """The agency's tasks as an officer filters them, oldest first (stable for paging).

    ``filters`` (all optional): ``status`` (a ``ReviewStatus``; without it the open queue,
    ``review_queue``), ``claimed`` (``me`` / ``none``), ``overdue`` (``True``), ``origin``
    (ISO 3166-1 alpha-2 country of origin of a goods item routed to the agency), ``q``
    (LRN or MRN, the trader's name or EORI, or the start of an HS code of a routed item).
    """
    status = filters.get("status")
    if status:
        tasks = with_overdue(reviews_of_agency(user).filter(status=status))
    else:
        tasks = review_queue(user)
    claimed = filters.get("claimed")
    if claimed == "me":
        tasks = tasks.filter(claimed_by_id=user.pk)
    elif claimed == "none":
        tasks = tasks.filter(claimed_by=None)
    if filters.get("overdue"):
        tasks = tasks.filter(overdue=True)
    routed = GoodsItem.objects.filter(review_tasks=OuterRef("pk"))
    origin = (filters.get("origin") or "").strip().upper()
    if origin:
        tasks = tasks.filter(Exists(routed.filter(origin_country=origin)))
    q = (filters.get("q") or "").strip()
    if q:
        digits = q.replace(".", "").replace(" ", "")
        match = (
            Q(declaration__lrn__iexact=q)
            | Q(declaration__mrn__iexact=q)
            | Q(declaration__company__eori__iexact=q)
            | Q(declaration__company__name__icontains=q)
        )
        if digits.isdigit():
            match |= Exists(routed.filter(hs_code__startswith=digits))
        tasks = tasks.filter(match)
    return tasks.order_by("created_at", "pk")


def review_counts(user) -> dict[str, int]:
    """How many tasks of the agency are in each review status, plus ``overdue``."""
    tasks = reviews_of_agency(user)
    counts = {status: 0 for status in ReviewStatus.values}
    for row in tasks.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["overdue"] = with_overdue(tasks).filter(overdue=True).count()
    return counts


def page_after(
    queryset: QuerySet[ReviewTask], after: int | None, limit: int
) -> tuple[list[ReviewTask], int | None]:
    """One page of ``queryset`` (ordered by ``created_at``, ``pk``) after the task ``after``
    (keyset paging): deciding tasks on earlier pages skips or repeats nothing. Returns the
    page and the ``after`` of the next page (``None`` at the end)."""
    if after is not None:
        anchor = (
            queryset.model.objects.filter(pk=after).values_list("created_at", flat=True).first()
        )
        if anchor is not None:
            queryset = queryset.filter(
                Q(created_at__gt=anchor) | Q(created_at=anchor, pk__gt=after)
            )
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].pk if more and rows else None)


def review_queue(user) -> QuerySet[ReviewTask]:
    """The agency's open work, oldest first: pending tasks on declarations still open.

    Each task carries ``trader_answered``: the trader has answered an information request
    of this task (a pending task that was asked something is pending again only because
    the trader answered).
    """
    answers = ReviewTask.events.through.objects.filter(
        reviewtask_id=OuterRef("pk"), statusevent__kind=StatusEvent.Kind.TRADER_RESPONSE
    )
    return with_overdue(
        reviews_of_agency(user)
        .filter(
            status=ReviewStatus.PENDING,
            declaration__status__in=OPEN_STATUSES,
        )
        .annotate(trader_answered=Exists(answers))
        .order_by("created_at", "pk")
    )


def display_name(user: AbstractBaseUser | None) -> str:
    """A user as people read it: full name, else username; empty for no user."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def access_review(user, review_id: int, *, lock: bool = False) -> ReviewTask:
    """The review task if it belongs to the user's agency; ``Http404`` otherwise."""
    queryset = with_overdue(reviews_of_agency(user))
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
        author=display_name(event.actor),
        party=party,
        message=event.message,
    )


@dataclass(frozen=True, slots=True)
class AgencyClearance:
    """One agency's part in a declaration's clearance, as the trader and the other
    agencies see it: its status, its message, and its outcome per goods item."""

    code: str
    name: str
    status: str
    status_label: str
    reason: str
    decided_at: datetime | None
    # (sequence, outcome, condition, reason), in item order; only items it decided
    items: tuple[tuple[int, str, str, str], ...]


def declaration_agencies(declaration) -> list[AgencyClearance]:
    """Every agency's review of the declaration, in agency name order (read-only; the
    caller checked the user may see the declaration)."""
    tasks = (
        declaration.review_tasks.select_related("agency")
        .prefetch_related("outcomes__item")
        .order_by("agency__name")
    )
    return [
        AgencyClearance(
            code=task.agency.code,
            name=task.agency.name,
            status=task.status,
            status_label=str(task.get_status_display()),
            reason=task.reason,
            decided_at=task.decided_at,
            items=tuple(
                sorted(
                    (o.item.sequence, o.outcome, o.condition, o.reason) for o in task.outcomes.all()
                )
            ),
        )
        for task in tasks
    ]


def review_amendments(task: ReviewTask) -> list[dict[str, Any]]:
    """The amendments of the task's declaration, newest first, each with the changes an
    officer of the task's agency may read: the header's and those of the goods items
    routed to the agency (``[{"number", "at", "by", "changes": [change dicts]}]``;
    ``declarations.models.DeclarationVersion``)."""
    routed = set(task.items.values_list("sequence", flat=True))
    amendments = []
    for version in task.declaration.versions.filter(number__gt=1).select_related("created_by"):
        changes = [c for c in version.changes if c.get("item") is None or c.get("item") in routed]
        amendments.append(
            {
                "number": version.number,
                "at": version.created_at,
                "by": display_name(version.created_by) if version.created_by else "",
                "changes": changes,
            }
        )
    return sorted(amendments, key=lambda a: -a["number"])
