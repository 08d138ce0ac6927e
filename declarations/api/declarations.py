"""REST API of declarations for traders, and the API's shared plumbing.

Endpoints (mounted under ``/api/v1/`` by ``singlewindow.api_urls``; trader accounts only,
everyone else gets 403):

- ``GET  declarations/``              the company's declarations, newest first (paginated;
  filters ``status``, ``type_code``, ``lrn``)
- ``POST declarations/``              lodge a declaration: the canonical WCO DM JSON document
  (``application/json``) or WCO DM XML (``application/xml``) -> 201 + the stored declaration
  (``Accept: application/xml``: its WCO DM XML)
- ``POST declarations/drafts/``       store an unvalidated draft -> 201
- ``GET  declarations/{id}/``         one declaration with document, goods items, each
  agency's review and the history; ``Accept: application/xml`` gives the WCO DM XML
- ``PUT  declarations/{id}/``         replace the document of a draft
- ``POST declarations/{id}/submit/``  validate and lodge a stored draft -> 201, answered
  as ``POST declarations/`` is
- ``GET  declarations/{id}/status/``  the clearance status (served by ``agencies.api.trader``)
- ``POST auth/token/``                exchange username + password for an API token

Every error answer, here and in ``agencies.api``, is JSON of one shape (see
``exception_handler``): ``{"errors": [{"code", "severity", "pointer", "path", "message"},
...], "warnings": [...]}``, the warnings empty unless a declaration document was refused by
validation. ``pointer`` is a WCO error pointer, empty for fields that are no WCO element;
``path`` is the JSON pointer of the body field (``/reason``), or ``?limit`` for a query
parameter (whose name is then the ``pointer``). Lists are paged with ``?limit=&offset=``
(``ApiPagination``).
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from datamodel.issues import IssueCode

from ..models import ClearanceStatus, Declaration, DeclarationType, Trader
from ..selectors import access_declaration, declarations_of_company
from ..serializers import (
    DeclarationDetailSerializer,
    DeclarationListSerializer,
    DeclarationSerializer,
    ErrorsSerializer,
    declaration_links,
)
from ..services import (
    declaration_copy,
    declaration_save_draft,
    declaration_submit,
    declaration_submit_xml,
)
from .base import TraderApiView, query_filters, request_document
from .errors import InvalidInput, NotEditable
from .idempotency import (
    IDEMPOTENCY_PARAMETER,
    idempotency_begin,
    idempotency_keep,
    idempotency_replay,
)
from .parsing import XML_PARSERS, XML_RENDERERS, JSONBodyParser, WcoXmlRenderer
from .schema import (
    DOCUMENT_EXAMPLES,
    DOCUMENT_REQUEST,
    ERROR_RESPONSES,
    INVALID_EXAMPLE,
    NOT_FOUND,
    json_only,
)


def submit_document(
    trader: Trader, body: Any, declaration: Declaration | None = None
) -> Declaration:
    """Lodge a JSON document or WCO DM XML bytes (``declaration_submit`` / ``_xml``)."""
    if isinstance(body, bytes):
        return declaration_submit_xml(trader=trader, raw=body, declaration=declaration)
    return declaration_submit(trader=trader, document=body, declaration=declaration)


# --- declarations -------------------------------------------------------------------------


class DeclarationFilter(serializers.Serializer):
    """Query filters of the declaration list."""

    status = serializers.ChoiceField(choices=ClearanceStatus.choices, required=False)
    type_code = serializers.ChoiceField(choices=DeclarationType.choices, required=False)
    lrn = serializers.CharField(max_length=35, required=False)


def filtered_declarations(user: Any, params: Mapping[str, Any]) -> QuerySet[Declaration]:
    """The user's company's declarations narrowed by the query filters (400 if invalid)."""
    return declarations_of_company(user).filter(**query_filters(DeclarationFilter, params))


class DeclarationCollectionView(TraderApiView):
    """``GET`` lists the company's declarations; ``POST`` lodges a new one and answers it in
    JSON or, asked with ``Accept: application/xml``, as its WCO DM XML."""

    parser_classes = [JSONBodyParser, *XML_PARSERS]
    renderer_classes = [JSONRenderer, *XML_RENDERERS]
    wco_document_body = True

    @extend_schema(
        operation_id="declarations_list",
        summary="The declarations of the trader's company, newest first",
        parameters=[DeclarationFilter],
        responses={
            (200, JSONRenderer.media_type): DeclarationListSerializer(many=True),
            **json_only(
                {
                    **ERROR_RESPONSES,
                    406: OpenApiResponse(ErrorsSerializer, description="The list is JSON only."),
                }
            ),
        },
    )
    def get(self, request: Request) -> Response:
        if request.accepted_renderer.format == WcoXmlRenderer.format:
            raise exceptions.NotAcceptable("The list of declarations is JSON only.")
        page = self.paginate_queryset(filtered_declarations(request.user, request.query_params))
        data = DeclarationListSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="declarations_submit",
        summary="Lodge a declaration for every border agency",
        description=(
            "The body is the canonical WCO DM JSON document (`application/json`, "
            '`{"Declaration": {...}}`) or a WCO DM XML declaration (`application/xml`, '
            "when XML import is installed). It is validated as a whole: a refusal lists every "
            "problem, each with its WCO pointer (`pointer`) and JSON pointer (`path`). The "
            "declarant (`Declaration/Declarant/ID`, 42A/57B/R123) must be the EORI of the "
            "trader's company (`declarant_not_submitter` otherwise). On success the "
            "declaration gets an MRN and is routed to the agencies concerned; the answer is "
            "the stored declaration in JSON, or its WCO DM XML with `Accept: "
            "application/xml`, whatever the format of the body. Errors are always JSON."
        ),
        request=DOCUMENT_REQUEST,
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[*DOCUMENT_EXAMPLES, INVALID_EXAMPLE],
        responses={
            (201, JSONRenderer.media_type): DeclarationSerializer,
            (201, WcoXmlRenderer.media_type): OpenApiTypes.BINARY,
            **json_only(
                {
                    **ERROR_RESPONSES,
                    409: OpenApiResponse(
                        ErrorsSerializer,
                        description="The first request with this Idempotency-Key is still "
                        "being answered.",
                    ),
                    415: OpenApiResponse(ErrorsSerializer, description="Unsupported Content-Type."),
                    422: OpenApiResponse(
                        ErrorsSerializer,
                        description="The Idempotency-Key was used for another body.",
                    ),
                }
            ),
        },
    )
    def post(self, request: Request) -> Response:
        claim = idempotency_begin(request, self.trader().company_id)
        if claim is not None and claim.replay:
            return idempotency_replay(claim.record)
        self._idempotency_record = claim.record if claim is not None else None
        return self.lodge(request, request_document(request))

    def lodge(self, request: Request, body: Any) -> Response:
        """Lodge the body as a new declaration. (The view mounted at this address,
        ``agencies.api.messages``, also takes amendments and cancellations of a lodged
        one: their services are the agencies'.)"""
        return declaration_created(request, submit_document(self.trader(), body))

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency_record", None)
        if record is not None:
            # The first answer, as sent (JSON or XML, success or refusal), for the retries.
            self._idempotency_record = None
            idempotency_keep(record, response)
        return response


def declaration_created(request: Request, declaration: Declaration) -> Response:
    """201 with the stored declaration, in JSON or (if the view renders it and the client
    asked) as the WCO DM XML of the stored document; ``Location`` is its URL either way."""
    # Re-read: with eager routing the fan-out already ran after the commit.
    declaration.refresh_from_db()
    location = declaration_links(declaration, request)["self"]
    if request.accepted_renderer.format == WcoXmlRenderer.format:
        data: Any = declaration.document  # WcoXmlRenderer writes it as WCO DM XML
    else:
        data = DeclarationSerializer(declaration, context={"request": request}).data
    return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


def _json_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput.at(
            IssueCode.MALFORMED, 'A draft is a JSON object: {"Declaration": {...}}.'
        )
    return body


class DraftCollectionView(TraderApiView):
    wco_document_body = True

    @extend_schema(
        operation_id="declarations_drafts_create",
        summary="Store an unvalidated draft declaration",
        description="The document as far as it goes; only the LRN, when given, is checked "
        "(unique within the company). Submit it later with `POST declarations/{id}/submit/`.",
        request={"application/json": OpenApiTypes.OBJECT},
        examples=DOCUMENT_EXAMPLES,
        responses={201: DeclarationSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        document = _json_object(request_document(request))
        declaration = declaration_save_draft(trader=self.trader(), document=document)
        return declaration_created(request, declaration)


class DeclarationDetailView(TraderApiView):
    """One declaration of the trader's company; another company's answers 404."""

    renderer_classes = [JSONRenderer, *XML_RENDERERS]
    wco_document_body = True

    @extend_schema(
        operation_id="declarations_retrieve",
        summary="One declaration with its document, goods items, agency reviews and history",
        description="`Accept: application/xml` (or `?format=xml`) returns the WCO DM XML of "
        "a submitted declaration.",
        responses={
            (200, JSONRenderer.media_type): DeclarationDetailSerializer,
            (200, WcoXmlRenderer.media_type): OpenApiTypes.BINARY,
            **json_only(
                {
                    **ERROR_RESPONSES,
                    **NOT_FOUND,
                    406: OpenApiResponse(ErrorsSerializer, description="XML asked of a draft."),
                }
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        declaration = access_declaration(request.user, pk, as_client=True)
        if request.accepted_renderer.format == WcoXmlRenderer.format:
            if declaration.status == ClearanceStatus.DRAFT:
                raise exceptions.NotAcceptable("A draft has no WCO DM XML form; ask for JSON.")
            return Response(declaration.document)
        return Response(DeclarationDetailSerializer(declaration, context={"request": request}).data)

    @extend_schema(
        operation_id="declarations_draft_update",
        summary="Replace the document of a draft",
        request={"application/json": OpenApiTypes.OBJECT},
        examples=DOCUMENT_EXAMPLES,
        responses={
            200: DeclarationSerializer,
            **ERROR_RESPONSES,
            **NOT_FOUND,
            409: OpenApiResponse(ErrorsSerializer, description="Not a draft any more."),
        },
    )
    def put(self, request: Request, pk: int) -> Response:
        declaration = access_declaration(request.user, pk)
        document = _json_object(request_document(request))
        declaration = declaration_save_draft(
            trader=self.trader(), document=document, declaration=declaration
        )
        declaration.refresh_from_db()
        return Response(DeclarationSerializer(declaration, context={"request": request}).data)


class DraftSubmitView(TraderApiView):
    renderer_classes = [JSONRenderer, *XML_RENDERERS]

    @extend_schema(
        operation_id="declarations_draft_submit",
        summary="Validate and lodge a stored draft",
        description="Answers as `POST declarations/` does: the stored declaration in JSON, "
        "or its WCO DM XML with `Accept: application/xml`.",
        request=None,
        examples=[INVALID_EXAMPLE],
        responses={
            (201, JSONRenderer.media_type): DeclarationSerializer,
            (201, WcoXmlRenderer.media_type): OpenApiTypes.BINARY,
            **json_only(
                {
                    **ERROR_RESPONSES,
                    **NOT_FOUND,
                    409: OpenApiResponse(ErrorsSerializer, description="Not a draft any more."),
                }
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = access_declaration(request.user, pk)
        if draft.status != ClearanceStatus.DRAFT:
            raise NotEditable()
        return declaration_created(request, submit_document(self.trader(), draft.document, draft))


class DeclarationCopyView(TraderApiView):
    @extend_schema(
        operation_id="declarations_copy",
        summary="Copy a declaration as a new draft (e.g. to lodge again after a rejection)",
        description="The draft has the document without its LRN (give a new one) and with "
        "function code 9; submit it with `POST declarations/{id}/submit/`.",
        request=None,
        responses={201: DeclarationSerializer, **ERROR_RESPONSES, **NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        source = access_declaration(request.user, pk)
        draft = declaration_copy(trader=self.trader(), declaration=source)
        return declaration_created(request, draft)
