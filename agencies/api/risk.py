"""Risk lanes over the API: the risk profiles, readable by officers (``risk-profiles/``;
edited in the admin), and an officer's override of a task's lane
(``reviews/{id}/lane/``)."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from ..risk.models import RiskProfile
from ..risk.serializers import LaneInputSerializer, RiskProfileSerializer
from ..risk.services import lane_override
from ..selectors import access_review
from ..serializers import ReviewSerializer
from ..services import DecisionInvalid
from .base import (
    CONFLICT,
    OFFICER_ERRORS,
    TASK_NOT_FOUND,
    OfficerApiView,
    invalid_as_api_error,
    valid,
)


class RiskProfileListView(OfficerApiView):
    """Every risk profile, active or not (read-only)."""

    serializer_class = RiskProfileSerializer

    @extend_schema(
        operation_id="risk_profiles_list",
        summary="The risk profiles (officers, read-only)",
        responses={200: RiskProfileSerializer(many=True), **OFFICER_ERRORS},
    )
    def get(self, request: Request) -> Response:
        profiles = (
            RiskProfile.objects.select_related("agency")
            .prefetch_related("traders")
            .order_by("agency__name", "pk")
        )
        page = self.paginate_queryset(profiles)
        return self.get_paginated_response(RiskProfileSerializer(page, many=True).data)


class LaneOverrideView(OfficerApiView):
    @extend_schema(
        operation_id="reviews_lane",
        summary="Move the task to another risk lane, with the reason",
        description="`green`: the officer releases the task's items; `yellow`: a "
        "documentary check is ordered; `red`: a physical check (joining the declaration's "
        "appointment). A task the green lane released can be called in while the "
        "declaration is open. The change is recorded with the reason.",
        request=LaneInputSerializer,
        responses={200: ReviewSerializer, **OFFICER_ERRORS, **TASK_NOT_FOUND, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        access_review(request.user, pk)
        body = valid(LaneInputSerializer, request)
        try:
            lane_override(user=request.user, review_id=pk, lane=body["lane"], reason=body["reason"])
        except DecisionInvalid as error:
            raise invalid_as_api_error(error, "lane_invalid") from None
        task = access_review(request.user, pk)
        return Response(ReviewSerializer(task, context={"request": request}).data)
