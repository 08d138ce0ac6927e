"""Amendments and versions of a declaration for its trader:
``POST declarations/{id}/amendments/`` (the whole amended document, JSON or WCO DM XML
with function code 13) and ``GET declarations/{id}/versions/``."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from declarations.api.base import request_document
from declarations.api.parsing import XML_PARSERS, JSONBodyParser
from declarations.api.schema import DOCUMENT_REQUEST, ERROR_RESPONSES
from declarations.models import Declaration, DeclarationVersion
from declarations.selectors import access_declaration, declaration_versions
from declarations.serializers import ErrorsSerializer

from ..services import AmendmentResult, declaration_amend
from .base import TraderActionApiView

NOT_FOUND = {404: OpenApiResponse(ErrorsSerializer, "No such declaration here.")}
NOT_AMENDABLE = {
    409: OpenApiResponse(
        ErrorsSerializer,
        "The declaration is no longer open (cleared, released, rejected, cancelled): "
        "`not_amendable`; the amendment changes nothing (it is the current version): "
        "`nothing_changed`.",
    )
}


class ChangeSerializer(serializers.Serializer):
    """One data element changed: JSON and WCO pointers, goods item number (null: header),
    old and new value (null where absent)."""

    path = serializers.CharField()
    pointer = serializers.CharField()
    item = serializers.IntegerField(allow_null=True)
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    function_code = serializers.CharField()
    lodged_at = serializers.DateTimeField(source="created_at")
    lodged_by = serializers.SerializerMethodField()
    changes = ChangeSerializer(many=True)
    items = serializers.ListField(child=serializers.DictField())

    def get_lodged_by(self, version: DeclarationVersion) -> str:
        return version.created_by.get_username() if version.created_by else ""


class AmendmentSerializer(serializers.Serializer):
    declaration = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    review_again = serializers.ListField(child=serializers.CharField())
    closed = serializers.ListField(child=serializers.CharField())
    kept = serializers.ListField(child=serializers.CharField())
    changes = ChangeSerializer(many=True)


def amendment_answer(declaration: Declaration, result: AmendmentResult) -> Response:
    """201 with the new version number, who reviews again and the changes."""
    declaration.refresh_from_db()
    data: dict[str, Any] = {
        "declaration": declaration.pk,
        "version": result.version.number,
        "status": declaration.status,
        "review_again": result.review_again,
        "closed": result.closed,
        "kept": result.kept,
        "changes": result.version.changes,
    }
    return Response(AmendmentSerializer(data).data, status=status.HTTP_201_CREATED)


class DeclarationAmendmentView(TraderActionApiView):
    parser_classes = [JSONBodyParser, *XML_PARSERS]
    wco_document_body = True

    @extend_schema(
        operation_id="declarations_amend",
        summary="Amend a declaration still under review (function code 13)",
        description="The body is the whole amended declaration: canonical JSON, or WCO DM "
        "XML with `FunctionCode` 13 (and `ID` = the MRN, if given). It is validated as a "
        "new declaration would be, keeps the LRN and the declarant; a refusal lists each "
        "problem with its pointers (400). Routing is recomputed: only agencies whose goods "
        "items changed, or which are newly concerned, review again. Answers 201 with the "
        "new version number.",
        request=DOCUMENT_REQUEST,
        responses={
            201: AmendmentSerializer,
            **ERROR_RESPONSES,
            **NOT_FOUND,
            **NOT_AMENDABLE,
            415: OpenApiResponse(ErrorsSerializer, description="Unsupported Content-Type."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        declaration = access_declaration(request.user, pk)
        body = request_document(request)
        result = declaration_amend(
            user=request.user,
            declaration_id=pk,
            document=None if isinstance(body, bytes) else body,
            raw=body if isinstance(body, bytes) else None,
        )
        return amendment_answer(declaration, result)


class DeclarationVersionsView(TraderActionApiView):
    @extend_schema(
        operation_id="declarations_versions",
        summary="Every lodged version, with what it changed field by field",
        responses={200: VersionSerializer(many=True), **ERROR_RESPONSES, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        declaration = access_declaration(request.user, pk)
        versions = declaration_versions(declaration)
        return Response(VersionSerializer(versions, many=True).data)
