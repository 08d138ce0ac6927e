"""REST API of the agencies: officers' review queue and decisions, the trader's answer.

Endpoints (under ``/api/v1/``; errors in the shape of
``declarations.api.errors.exception_handler``):

- ``GET  reviews/``                     the officer's agency's review tasks, oldest first:
  the open queue by default, ``?status=`` for tasks in one review status (paginated)
- ``GET  reviews/{id}/``                one task: declaration header, only the goods items
  routed to the agency, and the messages (the agency's information requests and the
  trader's answers, oldest first)
- ``POST reviews/{id}/decision/``       ``{"decision", "reason"}`` -> the decided task
- ``POST declarations/{id}/response/``  the trader's ``{"message"}`` answering information
  requests -> the declaration's status

Officers only on ``reviews/`` (403 otherwise); a task of another agency answers 404.
"""

from typing import Any, NoReturn

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from declarations.api.base import ApiView, TraderApiView, query_filters
from declarations.api.schema import ERROR_RESPONSES
from declarations.selectors import access_declaration
from declarations.serializers import DeclarationStatusSerializer, ErrorsSerializer

from .models import ReviewStatus, ReviewTask
from .selectors import access_review, review_queue, reviews_of_agency
from .serializers import (
    DecisionSerializer,
    ReviewDetailSerializer,
    ReviewSerializer,
    TraderResponseSerializer,
)
from .services import DecisionInvalid, officer_of, review_decide, review_respond

OFFICER_ERRORS = {**ERROR_RESPONSES, 403: OpenApiResponse(ErrorsSerializer, "Not an officer.")}
TASK_NOT_FOUND = {404: OpenApiResponse(ErrorsSerializer, "No such task in your agency.")}


def raise_invalid(error: DecisionInvalid, code: str) -> NoReturn:
    """A service's ``DecisionInvalid`` as a 400 whose entries point at the request fields
    (``{"reason": "..."}`` -> path ``/reason``; no WCO pointer, these are no WCO elements)."""
    raise ValidationError(
        {
            field: [serializers.ErrorDetail(message, code=code)]
            for field, message in error.errors.items()
        }
    )


class IsOfficer(BasePermission):
    message = "Only agency officers can review declarations."

    def has_permission(self, request: Request, view: Any) -> bool:
        return officer_of(request.user) is not None


class OfficerApiView(ApiView):
    permission_classes = [IsAuthenticated, IsOfficer]


class ReviewFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ReviewStatus.choices,
        required=False,
        help_text="Tasks in this review status; without it, the open queue (pending tasks "
        "of declarations still under review or awaiting the trader).",
    )


def agency_reviews(user: Any, params: Any) -> QuerySet[ReviewTask]:
    """The open queue, or the agency's tasks in the asked status; oldest first."""
    status = query_filters(ReviewFilter, params).get("status")
    if status is None:
        return review_queue(user)
    return reviews_of_agency(user).filter(status=status).order_by("created_at", "pk")


class ReviewCollectionView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_list",
        summary="The review queue of the officer's agency, oldest first",
        parameters=[ReviewFilter],
        responses={200: ReviewSerializer(many=True), **OFFICER_ERRORS},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(agency_reviews(request.user, request.query_params))
        return self.get_paginated_response(
            ReviewSerializer(page, many=True, context={"request": request}).data
        )


class ReviewDetailView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_retrieve",
        summary="One review task with the goods items routed to the agency and the "
        "messages exchanged with the trader",
        responses={200: ReviewDetailSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        task = access_review(request.user, pk)
        return Response(ReviewDetailSerializer(task, context={"request": request}).data)


class ReviewDecisionView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_decide",
        summary="Approve, reject or request information",
        description="`reason` is required to reject and to request information. A task "
        "already decided, or a declaration no longer open, answers 400 with code "
        "`decision_invalid` at `/decision`.",
        request=DecisionSerializer,
        responses={200: ReviewSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        # Another agency's task answers 404 before its body is looked at.
        access_review(request.user, pk)
        decision = _valid(DecisionSerializer, request)
        try:
            task = review_decide(
                user=request.user,
                review_id=pk,
                decision=decision["decision"],
                reason=decision.get("reason", ""),
            )
        except DecisionInvalid as error:
            raise_invalid(error, "decision_invalid")
        return Response(ReviewSerializer(task, context={"request": request}).data)


class DeclarationResponseView(TraderApiView):
    @extend_schema(
        operation_id="declarations_respond",
        summary="Answer the agencies' information requests",
        description="Every agency that asked for information gets the task back as pending; "
        "the answer is kept in the declaration's history. Nothing asked: 400 "
        "`response_invalid` at `/message`.",
        request=TraderResponseSerializer,
        responses={
            200: DeclarationStatusSerializer,
            **ERROR_RESPONSES,
            404: OpenApiResponse(ErrorsSerializer, "No such declaration here."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        # Another company's declaration answers 404 before its body is looked at.
        access_declaration(request.user, pk)
        answer = _valid(TraderResponseSerializer, request)
        try:
            declaration = review_respond(
                user=request.user, declaration_id=pk, message=answer["message"]
            )
        except DecisionInvalid as error:
            raise_invalid(error, "response_invalid")
        declaration.refresh_from_db()
        return Response(DeclarationStatusSerializer(declaration).data)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
