"""``POST declarations/``: a new declaration, or an amendment or cancellation of a lodged
one named by its MRN, as the message's function code says (``datamodel.messages``;
``agencies.services.messages``). ``GET`` is the declaration list, as
``declarations.api.declarations.DeclarationCollectionView``, which this view extends:
amendments and cancellations are the agencies' services (imports point one way)."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from datamodel.messages import MessageKind
from declarations.api.declarations import DeclarationCollectionView, declaration_created
from declarations.api.idempotency import IDEMPOTENCY_PARAMETER
from declarations.api.parsing import WcoXmlRenderer
from declarations.api.schema import (
    DOCUMENT_EXAMPLES,
    DOCUMENT_REQUEST,
    ERROR_RESPONSES,
    INVALID_EXAMPLE,
    json_only,
)
from declarations.serializers import DeclarationSerializer, ErrorsSerializer

from ..serializers import ClearanceStatusSerializer
from ..services import declaration_message_lodge
from .amendments import amendment_answer
from .base import ConflictMappingMixin


class DeclarationMessageView(ConflictMappingMixin, DeclarationCollectionView):
    @extend_schema(
        operation_id="declarations_submit",
        summary="Lodge a declaration for every border agency, or amend or cancel one by MRN",
        description=(
            "The body is the canonical WCO DM JSON document (`application/json`, "
            '`{"Declaration": {...}}`) or WCO DM XML (`application/xml`). Its '
            "`Declaration/FunctionCode` says what it is:\n\n"
            "- **9**, an original: validated as a whole (a refusal lists every problem, "
            "each with its WCO pointer `pointer` and JSON pointer `path`); the declarant "
            "(`Declaration/Declarant/ID`) must be the EORI of the trader's company. 201 "
            "with the stored declaration (its WCO DM XML with `Accept: application/xml`).\n"
            "- **13**, an amendment of the declaration whose MRN is in `Declaration/ID`: "
            "the whole amended declaration, as `POST declarations/{id}/amendments/` takes "
            "it. 201 with the new version number.\n"
            "- **13 with `TypeCode` INV**, the UK CDS cancellation (XML, "
            "`customs/wrapper_cancel.xsd`): the MRN in `Declaration/ID`, the reason in "
            "`AdditionalInformation/StatementDescription`, `Amendment/ChangeReasonCode`. "
            "200 with the clearance status, `cancelled`.\n\n"
            "Any other function code (14 is UN/EDIFACT 'advance notification', no "
            "cancellation) is refused at `/Declaration/FunctionCode` (`not_an_original`). "
            "An MRN not of the trader's company answers 404; a declaration no longer open "
            "409 (`not_amendable`, `not_cancellable`; `nothing_changed` for an amendment that "
            "is the current version). Errors are always JSON."
        ),
        request=DOCUMENT_REQUEST,
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[*DOCUMENT_EXAMPLES, INVALID_EXAMPLE],
        responses={
            (201, JSONRenderer.media_type): OpenApiResponse(
                DeclarationSerializer,
                description="Lodged (an original): the stored declaration. An amendment "
                "answers 201 with its version, in JSON (`declaration`, `version`, `status`, "
                "`review_again`, `kept`, `closed`, `changes`).",
            ),
            (201, WcoXmlRenderer.media_type): OpenApiTypes.BINARY,
            **json_only(
                {
                    200: OpenApiResponse(
                        ClearanceStatusSerializer, description="Cancelled (13 + INV)."
                    ),
                    **ERROR_RESPONSES,
                    404: OpenApiResponse(
                        ErrorsSerializer, description="No declaration of yours has this MRN."
                    ),
                    409: OpenApiResponse(
                        ErrorsSerializer,
                        description="The declaration is no longer open to the amendment or "
                        "cancellation, or the first request with this Idempotency-Key is "
                        "still being answered.",
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
        return super().post(request)

    def lodge(self, request: Request, body: Any) -> Response:
        outcome = declaration_message_lodge(user=request.user, body=body)
        if outcome.kind != MessageKind.ORIGINAL:
            # The answer to an amendment or a cancellation is JSON whatever was asked:
            # there is no declaration to write as XML in it.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        if outcome.kind == MessageKind.AMENDMENT:
            assert outcome.amendment is not None
            return amendment_answer(outcome.declaration, outcome.amendment)
        if outcome.kind == MessageKind.CANCELLATION:
            outcome.declaration.refresh_from_db()
            return Response(ClearanceStatusSerializer(outcome.declaration).data)
        return declaration_created(request, outcome.declaration)
