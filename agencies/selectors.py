"""Reads on review tasks, each with its permission check."""

from django.db.models import QuerySet
from django.http import Http404

from declarations.models import ClearanceStatus

from .models import ReviewStatus, ReviewTask


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
    """The agency's open work, oldest first: pending tasks on declarations still open."""
    return (
        reviews_of_agency(user)
        .filter(
            status=ReviewStatus.PENDING,
            declaration__status__in=[ClearanceStatus.UNDER_REVIEW, ClearanceStatus.AWAITING_TRADER],
        )
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
