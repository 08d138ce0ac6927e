"""REST API of inspections: an agency orders a check on its task, and records results.

- ``POST reviews/{id}/inspections/``   ``{"kind", "sample"}`` -> the inspection (201); a
  physical check joins the declaration's appointment (a joint inspection)
- ``POST inspections/{id}/result/``    ``{"result", "laboratory_result", "note"}``
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ..inspections.services import access_inspection, inspection_order, inspection_record_result
from ..selectors import access_review
from ..serializers import (
    InspectionOrderSerializer,
    InspectionResultInputSerializer,
    InspectionSerializer,
)
from ..services import DecisionInvalid
from .base import (
    CONFLICT,
    OFFICER_ERRORS,
    TASK_NOT_FOUND,
    OfficerApiView,
    invalid_as_api_error,
    valid,
)


class InspectionOrderView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_inspect",
        summary="Order a documentary, identity or physical check",
        description="Physical checks of one declaration share one appointment at the "
        "location of goods, whichever agencies order them (a joint inspection).",
        request=InspectionOrderSerializer,
        responses={201: InspectionSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        access_review(request.user, pk)
        body = valid(InspectionOrderSerializer, request)
        try:
            inspection = inspection_order(
                user=request.user, review_id=pk, kind=body["kind"], sample=body["sample"]
            )
        except DecisionInvalid as error:
            raise invalid_as_api_error(error, "inspection_invalid") from None
        data = InspectionSerializer(inspection, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class InspectionResultView(OfficerApiView):
    @extend_schema(
        operation_id="inspections_result",
        summary="Record a check's result (and a laboratory result, now or later)",
        request=InspectionResultInputSerializer,
        responses={200: InspectionSerializer, **OFFICER_ERRORS, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        access_inspection(request.user, pk)
        body = valid(InspectionResultInputSerializer, request)
        try:
            inspection = inspection_record_result(
                user=request.user,
                inspection_id=pk,
                result=body.get("result", ""),
                laboratory_result=body.get("laboratory_result", ""),
                note=body.get("note", ""),
            )
        except DecisionInvalid as error:
            raise invalid_as_api_error(error, "result_invalid") from None
        inspection = access_inspection(request.user, inspection.pk)
        return Response(InspectionSerializer(inspection, context={"request": request}).data)
