"""The trader's side of the agencies' API: the clearance status, the answer to
information requests and the cancellation (``declarations/{id}/status/``,
``declarations/{id}/response/``, ``declarations/{id}/cancel/``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from declarations.api.parsing import XML_PARSERS, JSONBodyParser
from declarations.api.schema import ERROR_RESPONSES
from declarations.selectors import access_declaration
from declarations.serializers import ErrorsSerializer

from ..serializers import ClearanceStatusSerializer, TraderResponseSerializer
from ..services import DecisionInvalid, declaration_cancel, declaration_cancel_xml, review_respond
from .base import CONFLICT, TraderActionApiView, invalid_as_api_error, valid

NOT_FOUND = {404: OpenApiResponse(ErrorsSerializer, "No such declaration here.")}


class DeclarationStatusView(TraderActionApiView):
    @extend_schema(
        operation_id="declarations_status",
        summary="The clearance status: merged, per agency, per goods item, and the "
        "inspection appointment",
        responses={200: ClearanceStatusSerializer, **ERROR_RESPONSES, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        declaration = access_declaration(request.user, pk, as_client=True)
        return Response(ClearanceStatusSerializer(declaration).data)


class DeclarationResponseView(TraderActionApiView):
    @extend_schema(
        operation_id="declarations_respond",
        summary="Answer the agencies' information requests",
        description="Every agency that asked for information gets the task back as pending; "
        "the answer is kept in the declaration's history. Nothing asked: 400 "
        "`response_invalid` at `/message`; a declaration no longer open: 409.",
        request=TraderResponseSerializer,
        responses={200: ClearanceStatusSerializer, **ERROR_RESPONSES, **NOT_FOUND, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        # Another company's declaration answers 404 before its body is looked at.
        access_declaration(request.user, pk)
        answer = valid(TraderResponseSerializer, request)
        try:
            declaration = review_respond(
                user=request.user,
                declaration_id=pk,
                message=answer["message"],
                document_ids=answer["documents"],
            )
        except DecisionInvalid as error:
            raise invalid_as_api_error(error, "response_invalid") from None
        declaration.refresh_from_db()
        return Response(ClearanceStatusSerializer(declaration).data)


class CancelSerializer(serializers.Serializer):
    """``{"reason": "..."}``: why the trader cancels the declaration."""

    reason = serializers.CharField(allow_blank=True, max_length=2000)


class DeclarationCancelView(TraderActionApiView):
    parser_classes = [JSONBodyParser, *XML_PARSERS]

    @extend_schema(
        operation_id="declarations_cancel",
        summary="Cancel a lodged declaration before clearance",
        description='`application/json`: `{"reason": "..."}`. `application/xml`: the UK '
        "CDS cancellation message (`customs/wrapper_cancel.xsd`: `FunctionCode` 13, "
        "`TypeCode` INV, this declaration's MRN in `ID`, the reason in "
        "`AdditionalInformation/StatementDescription`, `Amendment/ChangeReasonCode`), "
        "checked against that schema: each problem is an error with its WCO pointer and "
        "JSON path (400). Every open agency review is closed and the status becomes "
        "`cancelled`. A declaration already cleared, released, rejected or cancelled "
        "answers 409 `not_cancellable`; no reason: 400 at `/reason` (JSON) or at "
        "`/Declaration/AdditionalInformation` (XML).",
        request={
            "application/json": CancelSerializer,
            "application/xml": OpenApiTypes.BINARY,
        },
        responses={200: ClearanceStatusSerializer, **ERROR_RESPONSES, **NOT_FOUND, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        access_declaration(request.user, pk)
        if isinstance(request.data, bytes):
            declaration = declaration_cancel_xml(
                user=request.user, raw=request.data, declaration_id=pk
            )
        else:
            given = valid(CancelSerializer, request)
            try:
                declaration = declaration_cancel(
                    user=request.user, declaration_id=pk, reason=given["reason"]
                )
            except DecisionInvalid as error:
                raise invalid_as_api_error(error, "cancel_invalid") from None
        declaration.refresh_from_db()
        return Response(ClearanceStatusSerializer(declaration).data)
