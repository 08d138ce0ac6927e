"""REST API of supporting documents.

- ``GET  declarations/{id}/documents/``  the documents the caller may open, each with its
  download URL (the declaration's company and its broker or client; officers of an agency
  concerned, an item's document only for an agency the item is routed to)
- ``POST declarations/{id}/documents/``  multipart: ``file``, ``type_code``, ``reference``,
  optional ``issue_date`` (ISO 8601 date) and ``item`` (goods item sequence) -> 201
- ``GET  documents/{id}/file/``          the file, as an attachment
"""

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from declarations.api.base import ApiView
from declarations.api.schema import ERROR_RESPONSES
from declarations.models import Declaration
from declarations.selectors import declarations_of_company, trader_of
from declarations.serializers import ErrorsSerializer

from .models import SupportingDocument
from .selectors import access_document, documents_visible
from .services import DocumentFacts, DocumentInvalid, document_attach
from .uploads import DocumentUploadHandler
from .views import document_response

NOT_FOUND = {404: OpenApiResponse(ErrorsSerializer, "No such declaration or document here.")}


class DocumentSerializer(serializers.ModelSerializer):
    """A supporting document as the API shows it; ``item`` is the goods item sequence
    (``null``: the whole declaration), ``download_url`` where to fetch the file."""

    item = serializers.IntegerField(source="item_sequence", allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SupportingDocument
        fields = [
            "id",
            "type_code",
            "reference",
            "issue_date",
            "item",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, document: SupportingDocument) -> str:
        url = reverse("api:document-file", args=[document.pk])
        return self.context["request"].build_absolute_uri(url)


class DocumentUploadSerializer(serializers.Serializer):
    """The multipart form of an upload (the file itself is checked by ``document_attach``)."""

    file = serializers.FileField(required=False, allow_empty_file=True)
    type_code = serializers.CharField(max_length=4, allow_blank=True, required=False)
    reference = serializers.CharField(max_length=35, allow_blank=True, required=False)
    issue_date = serializers.DateField(required=False, allow_null=True)
    item = serializers.IntegerField(required=False, allow_null=True, min_value=1)


def readable_declaration(user, pk: int) -> Declaration:
    """The declaration ``pk`` if the user may read its documents: its company (or client),
    or an officer of an agency with a review task on it; ``Http404`` otherwise."""
    declaration = declarations_of_company(user).filter(pk=pk).first()
    if declaration is None:
        officer = getattr(user, "officer", None)
        if officer is not None:
            declaration = Declaration.objects.filter(
                pk=pk, review_tasks__agency_id=officer.agency_id
            ).first()
    if declaration is None:
        raise Http404("No such declaration")
    return declaration


class DocumentCollectionView(ApiView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # The bounded handler before anything reads the body (the session CSRF check).
        request.upload_handlers = [DocumentUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        operation_id="declarations_documents_list",
        summary="The supporting documents of a declaration, each with its download URL",
        responses={200: DocumentSerializer(many=True), **ERROR_RESPONSES, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        declaration = readable_declaration(request.user, pk)
        documents = documents_visible(request.user, declaration)
        page = self.paginate_queryset(documents)
        data = DocumentSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="declarations_documents_create",
        summary="Attach a supporting document (PDF, PNG or JPEG; 10 MB a file, 50 MB a "
        "declaration)",
        description="The type is read from the file's bytes: a file that is not a PDF, PNG "
        "or JPEG is refused whatever its name (400 `document_invalid` at `/file`).",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, **ERROR_RESPONSES, **NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        if trader_of(request.user) is None:
            raise exceptions.PermissionDenied("Only trader accounts can attach documents.")
        data = DocumentUploadSerializer(data=request.data)
        if not data.is_valid():
            raise exceptions.ValidationError(data.errors)
        fields = data.validated_data
        try:
            document = document_attach(
                user=request.user,
                declaration_id=pk,
                upload=fields.get("file"),
                facts=DocumentFacts(
                    type_code=fields.get("type_code", ""),
                    reference=fields.get("reference", ""),
                    issue_date=fields.get("issue_date"),
                    item=fields.get("item"),
                ),
            )
        except DocumentInvalid as invalid:
            raise exceptions.ValidationError(
                {
                    field: [serializers.ErrorDetail(message, code="document_invalid")]
                    for field, message in invalid.errors.items()
                }
            ) from None
        body = DocumentSerializer(document, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DocumentFileView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_file",
        summary="Download a supporting document (as an attachment)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Any:
        return document_response(access_document(request.user, pk))
