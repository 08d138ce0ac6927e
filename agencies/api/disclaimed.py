"""Goods items disclaimed to the officer's agency over the API (under ``/api/v1/``), and
their call-in; the agency is the officer's, as for ``reviews/``.

- ``GET  disclaimed/``                  the items disclaimed to the agency, most recently
  lodged first; filters ``state`` (``open``: not called in, declaration open, the default;
  ``called_in``; ``all``), ``code`` (exemption code), ``origin``, ``q``; ``limit`` /
  ``offset`` pages
- ``GET  disclaimed/{id}/``             one of them (``id``: the goods item's)
- ``POST disclaimed/{id}/call-in/``     ``{"reason": "..."}``: the agency reviews the item
  after all (``agencies.services.callin``); 409 ``already_called_in``,
  ``declaration_closed``, ``item_released``, ``item_refused``

Officers only (403 otherwise); an item not disclaimed to the officer's agency answers 404.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from declarations.api.base import query_filters
from declarations.serializers import ErrorsSerializer

from ..routing.disclaimed import (
    STATES,
    DisclaimedItem,
    access_disclaimed,
    disclaimed_filtered,
    disclaimed_rows,
)
from ..selectors import display_name
from ..serializers import MAX_TEXT, DeclarationHeaderSerializer, TextField, _url
from ..services import DecisionInvalid
from ..services.callin import disclaimed_call_in
from .base import OFFICER_ERRORS, OfficerApiView, invalid_as_api_error, valid

ITEM_NOT_FOUND = {
    404: OpenApiResponse(ErrorsSerializer, "No such goods item disclaimed to your agency.")
}
CALL_IN_CONFLICT = {
    409: OpenApiResponse(
        ErrorsSerializer,
        "Already called in (`already_called_in`), the declaration is closed "
        "(`declaration_closed`), the item is already released (`item_released`: a check "
        "now is a post-release control) or refused (`item_refused`).",
    )
}


class DisclaimedFilter(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[(s, s) for s in STATES],
        required=False,
        help_text="open (default): not called in, declaration still open; called_in; all.",
    )
    code = serializers.RegexField(
        r"\A[A-Za-z0-9]{4}\Z", required=False, help_text="The exemption code (DE 2/3), e.g. Y900."
    )
    origin = serializers.RegexField(
        r"\A[A-Za-z]{2}\Z", required=False, help_text="ISO 3166-1 alpha-2 country of origin."
    )
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="LRN, MRN, trader name or EORI, or the start of an HS code.",
    )


class DocumentReferenceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The exemption code (DE 2/3).")
    reference = serializers.CharField(
        help_text="What the trader gave with it (AdditionalDocument ID, WCO D005); may be ''."
    )


class CallInSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True, help_text="Username of the officer.")
    by_name = serializers.CharField()
    reason = serializers.CharField()
    review = serializers.IntegerField(help_text="The agency's review task holding the item.")


class DisclaimedLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    call_in = serializers.CharField()
    review = serializers.CharField(allow_null=True)


class DisclaimedItemSerializer(serializers.Serializer):
    """A goods item the trader disclaimed to the agency: the exemption code(s) and the
    reference given with each, the rules disclaimed, and the agency's call-in (null until
    called in)."""

    id = serializers.IntegerField(source="item.pk", help_text="The goods item's id.")
    declaration = DeclarationHeaderSerializer(source="item.declaration")
    sequence = serializers.IntegerField(source="item.sequence", help_text="WCO DM 006.")
    hs_code = serializers.CharField(source="item.hs_code")
    description = serializers.CharField(source="item.description")
    origin_country = serializers.CharField(source="item.origin_country")
    customs_value = serializers.DecimalField(
        source="item.customs_value", max_digits=22, decimal_places=3, allow_null=True
    )
    currency = serializers.CharField(source="item.currency")
    exemption_codes = serializers.ListField(child=serializers.CharField())
    references = serializers.SerializerMethodField()
    rules = serializers.ListField(child=serializers.CharField())
    called_in = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    @extend_schema_field(DocumentReferenceSerializer(many=True))
    def get_references(self, row: DisclaimedItem) -> list[dict[str, str]]:
        return [{"code": code, "reference": reference} for code, reference in row.references]

    @extend_schema_field(CallInSerializer(allow_null=True))
    def get_called_in(self, row: DisclaimedItem) -> dict[str, Any] | None:
        call_in = row.call_in
        if call_in is None:
            return None
        return {
            "at": call_in.called_at,
            "by": call_in.called_by.get_username() if call_in.called_by_id else None,
            "by_name": display_name(call_in.called_by),
            "reason": call_in.reason,
            "review": call_in.task_id,
        }

    @extend_schema_field(DisclaimedLinksSerializer)
    def get_links(self, row: DisclaimedItem) -> dict[str, Any]:
        return {
            "self": _url(self.context, "disclaimed-detail", row.item.pk),
            "call_in": _url(self.context, "disclaimed-call-in", row.item.pk),
            "review": _url(self.context, "review-detail", row.call_in.task_id)
            if row.call_in
            else None,
        }


class CallInInputSerializer(serializers.Serializer):
    """``{"reason": "..."}``: why the agency calls the item in (required; the trader
    reads it)."""

    reason = TextField(allow_blank=True, max_length=MAX_TEXT)


def _row(request: Request, item_id: int) -> DisclaimedItem:
    item = access_disclaimed(request.user, item_id)
    [row] = disclaimed_rows([item], request.user.officer.agency_id)
    return row


class DisclaimedCollectionView(OfficerApiView):
    @extend_schema(
        operation_id="disclaimed_list",
        summary="Goods items disclaimed to your agency, most recently lodged first",
        parameters=[DisclaimedFilter],
        responses={200: DisclaimedItemSerializer(many=True), **OFFICER_ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = query_filters(DisclaimedFilter, request.query_params)
        page = self.paginate_queryset(disclaimed_filtered(request.user, filters))
        rows = disclaimed_rows(list(page), request.user.officer.agency_id)
        data = DisclaimedItemSerializer(rows, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class DisclaimedDetailView(OfficerApiView):
    @extend_schema(
        operation_id="disclaimed_retrieve",
        summary="One goods item disclaimed to your agency",
        responses={200: DisclaimedItemSerializer, **OFFICER_ERRORS, **ITEM_NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        row = _row(request, pk)
        return Response(DisclaimedItemSerializer(row, context={"request": request}).data)


class DisclaimedCallInView(OfficerApiView):
    @extend_schema(
        operation_id="disclaimed_call_in",
        summary="Call in a disclaimed goods item: your agency reviews it after all",
        description="Opens (or reuses, reopened) your agency's review task for the "
        "declaration with the item to review, records the reason in the history and tells "
        "the trader (notification `review.item_called_in`). Only before the item is "
        "released or refused and while the declaration is open.",
        request=CallInInputSerializer,
        responses={
            200: DisclaimedItemSerializer,
            **OFFICER_ERRORS,
            **ITEM_NOT_FOUND,
            **CALL_IN_CONFLICT,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        # An item not disclaimed to the agency answers 404 before its body is looked at.
        access_disclaimed(request.user, pk)
        body = valid(CallInInputSerializer, request)
        try:
            disclaimed_call_in(user=request.user, item_id=pk, reason=body["reason"])
        except DecisionInvalid as error:
            raise invalid_as_api_error(error, "call_in_invalid") from None
        row = _row(request, pk)
        return Response(DisclaimedItemSerializer(row, context={"request": request}).data)
