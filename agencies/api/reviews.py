"""REST API of the officers' review queue (under ``/api/v1/``; errors in the shape of
``declarations.api.errors.exception_handler``).

- ``GET  reviews/``                  the agency's tasks, oldest first: the open queue by
  default; filters ``status``, ``claimed`` (me/none), ``overdue``, ``origin``, ``q``;
  keyset pages (``after``, ``limit``) that stay stable while tasks are decided; ``counts``
  per status
- ``GET  reviews/{id}/``             one task: header, the items routed to the agency, the
  thread with the trader, every agency's outcomes on those items, the checks ordered
- ``POST reviews/{id}/decision/``    per-item outcomes, a shorthand, or an information request
- ``POST reviews/next/``             claim the oldest unclaimed pending task (204: none)
- ``POST reviews/{id}/claim/``, ``release/``, ``assign/`` (supervisors)

Officers only (403 otherwise); a task of another agency answers 404; a conflicting action
409 with the reason.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from declarations.api.base import paging_value, query_filters
from declarations.api.errors import InvalidQuery

from ..models import ReviewStatus
from ..selectors import access_review, page_after, review_counts, review_queue_filtered
from ..serializers import (
    AssignSerializer,
    DecisionSerializer,
    ReviewDetailSerializer,
    ReviewSerializer,
)
from ..services import (
    DecisionInvalid,
    review_assign,
    review_claim,
    review_decide,
    review_next,
    review_release,
)
from ..services.decisions import item_decisions_from
from .base import (
    CONFLICT,
    OFFICER_ERRORS,
    TASK_NOT_FOUND,
    OfficerApiView,
    invalid_as_api_error,
    valid,
)

PAGE_LIMIT = 50
MAX_LIMIT = 200


class ReviewFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ReviewStatus.choices,
        required=False,
        help_text="Tasks in this review status; without it, the open queue (pending tasks "
        "of declarations still open).",
    )
    claimed = serializers.ChoiceField(
        choices=[("me", "me"), ("none", "none")],
        required=False,
        help_text="me: the tasks you hold; none: unclaimed tasks.",
    )
    overdue = serializers.BooleanField(
        required=False, default=None, allow_null=True, help_text="true: only overdue tasks."
    )
    origin = serializers.RegexField(
        r"\A[A-Za-z]{2}\Z",
        required=False,
        help_text="ISO 3166-1 alpha-2 country of origin of a routed goods item.",
    )
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="LRN, MRN, trader name or EORI, or the start of an HS code.",
    )
    after = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Id of the last task of the previous page (the `next` link).",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, help_text=f"At most {MAX_LIMIT} (a larger limit is cut)."
    )


class ReviewPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Tasks matching the filters.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="The agency's tasks per status, and overdue."
    )
    next = serializers.CharField(allow_null=True)
    results = ReviewSerializer(many=True)


def _paging(params: Any) -> tuple[int | None, int]:
    errors: dict[str, Any] = {}
    after, limit = None, PAGE_LIMIT
    for name, least in (("after", 1), ("limit", 1)):
        raw = params.get(name)
        if raw is None:
            continue
        try:
            value = paging_value(raw, least)
        except serializers.ValidationError as error:
            errors[name] = error.detail
            continue
        if name == "after":
            after = value
        else:
            limit = min(value, MAX_LIMIT)
    if errors:
        raise InvalidQuery(errors)
    return after, limit


class ReviewCollectionView(OfficerApiView):
    pagination_class = None

    @extend_schema(
        operation_id="reviews_list",
        summary="The review queue of the officer's agency, oldest first",
        parameters=[ReviewFilter],
        responses={200: ReviewPageSerializer, **OFFICER_ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = query_filters(ReviewFilter, request.query_params)
        after, limit = _paging(request.query_params)
        tasks = review_queue_filtered(request.user, filters)
        page, next_after = page_after(tasks, after, limit)
        next_link = None
        if next_after is not None:
            params = request.query_params.copy()
            params["after"] = str(next_after)
            next_link = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(
            {
                "count": tasks.count(),
                "counts": review_counts(request.user),
                "next": next_link,
                "results": ReviewSerializer(page, many=True, context={"request": request}).data,
            }
        )


class ReviewDetailView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_retrieve",
        summary="One review task with the goods items routed to the agency, the messages "
        "exchanged with the trader, every agency's outcomes and the checks ordered",
        responses={200: ReviewDetailSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        task = access_review(request.user, pk)
        return Response(ReviewDetailSerializer(task, context={"request": request}).data)


def _task_response(request: Request, task: Any) -> Response:
    task = access_review(request.user, task.pk)
    return Response(ReviewSerializer(task, context={"request": request}).data)


class ReviewDecisionView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_decide",
        summary="Decide per goods item, approve or reject all, or request information",
        description="`decide` takes one outcome per goods item routed to the agency "
        "(`released`, `released_with_conditions` with a `condition`, `refused` with a "
        "`reason`); `approved` and `rejected` (with `reason`) apply to every item; "
        "`info_requested` (with `reason`) asks the trader. Errors point at the request "
        "field (`/items/0/condition`).",
        request=DecisionSerializer,
        responses={200: ReviewSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        # Another agency's task answers 404 before its body is looked at.
        access_review(request.user, pk)
        decision = valid(DecisionSerializer, request)
        try:
            task = review_decide(
                user=request.user,
                review_id=pk,
                decision=decision["decision"],
                reason=decision.get("reason", ""),
                items=item_decisions_from(decision.get("items")),
            )
        except DecisionInvalid as error:
            raise invalid_as_api_error(error, "decision_invalid", decision.get("items")) from None
        return _task_response(request, task)


class ReviewNextView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_next",
        summary="Claim the oldest unclaimed pending task of your agency",
        request=None,
        responses={
            200: ReviewDetailSerializer,
            204: OpenApiResponse(description="Nothing is waiting."),
            **OFFICER_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        task = review_next(user=request.user)
        if task is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ReviewDetailSerializer(task, context={"request": request}).data)


class ReviewClaimView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_claim",
        summary="Take a task: it is then yours, and others see who holds it",
        request=None,
        responses={200: ReviewSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _task_response(request, review_claim(user=request.user, review_id=pk))


class ReviewReleaseView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_release",
        summary="Give a task back to the agency's shared queue",
        request=None,
        responses={200: ReviewSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _task_response(request, review_release(user=request.user, review_id=pk))


class ReviewAssignView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_assign",
        summary="Give a task to an officer of the agency (supervisors)",
        request=AssignSerializer,
        responses={200: ReviewSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        access_review(request.user, pk)
        body = valid(AssignSerializer, request)
        try:
            task = review_assign(user=request.user, review_id=pk, officer_username=body["officer"])
        except DecisionInvalid as error:
            raise invalid_as_api_error(error, "assign_invalid") from None
        return _task_response(request, task)
