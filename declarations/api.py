"""REST API of declarations for traders, and the API's shared plumbing.

Endpoints (mounted under ``/api/v1/`` by ``singlewindow.api_urls``; trader accounts only,
everyone else gets 403):

- ``GET  declarations/``              the company's declarations, newest first (paginated;
  filters ``status``, ``type_code``, ``lrn``)
- ``POST declarations/``              lodge a declaration: the canonical WCO DM JSON document
  (``application/json``) or WCO DM XML (``application/xml``) -> 201 + the stored declaration
- ``POST declarations/drafts/``       store an unvalidated draft -> 201
- ``GET  declarations/{id}/``         one declaration with document, goods items, each
  agency's review and the history; ``Accept: application/xml`` gives the WCO DM XML
- ``PUT  declarations/{id}/``         replace the document of a draft
- ``POST declarations/{id}/submit/``  validate and lodge a stored draft
- ``GET  declarations/{id}/status/``  the compact clearance status
- ``POST auth/token/``                exchange username + password for an API token

Every error answer, here and in ``agencies.api``, has one shape (see ``exception_handler``):
``{"errors": [{"code", "severity", "pointer", "path", "message"}, ...]}``, plus
``"warnings": [...]`` when a declaration document was refused by validation.
"""

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db.models import QuerySet
from django.http import Http404
from django.utils.http import parse_header_parameters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import BaseParser, FormParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from datamodel.dictionary import json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.xmlio import declaration_to_xml

from .models import ClearanceStatus, Declaration, DeclarationType, Trader
from .selectors import access_declaration, declarations_of_company, trader_of
from .serializers import (
    DeclarationDetailSerializer,
    DeclarationListSerializer,
    DeclarationSerializer,
    DeclarationStatusSerializer,
    ErrorsSerializer,
)
from .services import (
    DeclarationInvalid,
    DeclarationNotEditable,
    declaration_save_draft,
    declaration_submit,
    declaration_submit_xml,
)

logger = logging.getLogger(__name__)


# --- errors -------------------------------------------------------------------------------

# DRF's generic parse error is the validation layer's "malformed".
_CODE_ALIASES = {"parse_error": "malformed"}


def error_entry(code: str, parts: Iterable[str | int], message: str) -> dict[str, str]:
    """One entry of ``errors`` for a request field given as JSON path parts (not a WCO
    document field): ``pointer`` and ``path`` are both the JSON pointer, e.g. ``/reason``."""
    path = json_pointer(tuple(parts))
    return {
        "code": _CODE_ALIASES.get(code, code),
        "severity": str(Severity.ERROR),
        "pointer": path,
        "path": path,
        "message": message,
    }


class InvalidInput(exceptions.APIException):
    """A request refused with a list of ``datamodel`` issues (HTTP 400)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, issues: list[Issue]):
        super().__init__(detail=issues[0].message if issues else "Invalid input.")
        self.issues = issues

    @classmethod
    def at(cls, code: IssueCode, message: str, parts: tuple[str | int, ...] = ()) -> "InvalidInput":
        """One error about the body (``parts=()``) or the document field at ``parts``."""
        return cls([Issue(code, wco_pointer(parts), json_pointer(parts), message)])


class NotEditable(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_editable"
    default_detail = "This declaration has been submitted and can no longer be changed."


def _flatten(detail: Any, parts: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple, Any]]:
    """``(path parts, ErrorDetail)`` for every message of a DRF error detail."""
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            # Errors about the object as a whole belong to the object's own path.
            child = parts if key == api_settings.NON_FIELD_ERRORS_KEY else (*parts, key)
            yield from _flatten(value, child)
    elif isinstance(detail, list | tuple):
        for index, value in enumerate(detail):
            nested = isinstance(value, Mapping | list | tuple)
            yield from _flatten(value, (*parts, index) if nested else parts)
    else:
        yield parts, detail


def api_errors(exc: exceptions.APIException) -> list[dict[str, str]]:
    """The ``errors`` list of a DRF exception: one entry per message, field errors pointing
    at the field (``/reason``), errors about the whole request with an empty pointer."""
    return [
        error_entry(getattr(detail, "code", None) or exc.default_code, parts, str(detail))
        for parts, detail in _flatten(exc.detail)
    ]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST framework's exception handler for the whole API (``REST_FRAMEWORK`` setting).

    Turns every client error into ``{"errors": [{"code", "severity", "pointer", "path",
    "message"}]}`` with the status of the DRF exception (400 ParseError / ValidationError,
    401/403 NotAuthenticated, 403 PermissionDenied, 404 NotFound, 405, 406, 409, 415,
    429 Throttled with Retry-After). A declaration refused by validation
    (``DeclarationInvalid``) answers 400 ``{"errors": [...], "warnings": [...]}`` with the
    issues of ``datamodel``. Anything else is a bug and stays a 500.
    """
    if isinstance(exc, DeclarationInvalid):
        exc = InvalidInput(exc.issues)
    elif isinstance(exc, DeclarationNotEditable):
        exc = NotEditable()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        exc = InvalidInput.at(IssueCode.TOO_LARGE, "The request body is too large.")
    elif isinstance(exc, SuspiciousOperation):
        logger.warning("suspicious API request: %s", exc)
        exc = exceptions.ParseError("The request could not be read.")

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, InvalidInput):
        response.data = {
            "errors": [i.as_dict() for i in exc.issues if i.severity == Severity.ERROR],
            "warnings": [i.as_dict() for i in exc.issues if i.severity == Severity.WARNING],
        }
    else:
        response.data = {"errors": api_errors(exc)}
    return response


# --- request bodies -----------------------------------------------------------------------

# A WCO DM declaration nests about a dozen levels (7 element levels, arrays, value objects).
MAX_JSON_DEPTH = 32
# Characters XML 1.0 cannot carry (C0 controls but tab, CR, LF; lone surrogates; U+FFFE/F):
# refused in JSON too, so both formats hold the same texts and every text encodes as UTF-8.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _body_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 10 * 1024 * 1024


def read_body(stream: Any, parser_context: Mapping[str, Any] | None) -> bytes:
    """The raw request body, refused (400 ``too_large``) beyond DATA_UPLOAD_MAX_MEMORY_SIZE.

    Reads the stream itself rather than ``request.body`` so the limit answers in the API's
    error shape, and never reads more than the limit plus one byte.
    """
    limit = _body_limit()
    request = (parser_context or {}).get("request")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
    except ValueError:
        declared = 0
    too_large = InvalidInput.at(
        IssueCode.TOO_LARGE, f"The request body is larger than {limit} bytes."
    )
    if declared > limit:
        raise too_large
    raw = stream.read(limit + 1) if stream is not None else b""
    if len(raw) > limit:
        raise too_large
    return raw


class _NumberRejected(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NumberRejected(f"{name} is not a JSON number.")


def check_json_values(data: Any) -> None:
    """Refuse documents nested deeper than ``MAX_JSON_DEPTH`` and texts holding characters
    XML cannot carry; iterative, so no document can exhaust the stack."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, parts = stack.pop()
        if len(parts) > MAX_JSON_DEPTH:
            raise InvalidInput.at(
                IssueCode.TOO_LARGE,
                f"The document is nested more than {MAX_JSON_DEPTH} levels deep.",
                parts[:MAX_JSON_DEPTH],
            )
        if isinstance(value, dict):
            for key, child in value.items():
                if _NOT_TEXT.search(key):
                    # The key itself cannot go into the answer: it may not encode as UTF-8.
                    raise InvalidInput.at(
                        IssueCode.MALFORMED,
                        "An element name here holds control characters or lone surrogates.",
                        parts,
                    )
                stack.append((child, (*parts, key)))
        elif isinstance(value, list):
            stack.extend((child, (*parts, index)) for index, child in enumerate(value))
        elif isinstance(value, str) and _NOT_TEXT.search(value):
            raise InvalidInput.at(
                IssueCode.MALFORMED,
                "This text holds control characters or lone surrogates.",
                parts,
            )


class JSONBodyParser(BaseParser):
    """``application/json`` bodies, strictly: UTF-8 only, at most DATA_UPLOAD_MAX_MEMORY_SIZE
    bytes, no NaN/Infinity, no integer of more than 4300 digits, nesting at most
    ``MAX_JSON_DEPTH``, no control characters in texts. Every refusal is a 400 ``malformed``
    or ``too_large`` error, never a server error. Returns the parsed value, whatever its
    type (the service says what a declaration must look like); fractions as ``Decimal``."""

    media_type = "application/json"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = read_body(stream, parser_context)
        _, params = parse_header_parameters(media_type or "")
        charset = params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise exceptions.UnsupportedMediaType(
                media_type, detail="JSON must be sent as UTF-8 (RFC 8259)."
            )
        try:
            text = raw.decode("utf-8-sig")
            # Decimal, not float: amounts of n..16,3 keep every digit the trader sent
            # (datamodel turns JSON numbers into canonical decimal strings).
            data = json.loads(text, parse_constant=_reject_constant, parse_float=Decimal)
        except UnicodeDecodeError:
            raise InvalidInput.at(IssueCode.MALFORMED, "The body is not valid UTF-8.") from None
        except RecursionError:
            raise InvalidInput.at(
                IssueCode.TOO_LARGE, "The JSON body is nested too deeply."
            ) from None
        except json.JSONDecodeError as error:
            raise InvalidInput.at(
                IssueCode.MALFORMED,
                f"The body is not valid JSON: {error.msg} "
                f"(line {error.lineno}, column {error.colno}).",
            ) from None
        except ValueError as error:  # _NumberRejected, or an int over 4300 digits
            detail = error if isinstance(error, _NumberRejected) else "a number is too long."
            raise InvalidInput.at(
                IssueCode.MALFORMED, f"The body holds a number JSON cannot carry: {detail}"
            ) from None
        check_json_values(data)
        return data


class WcoXmlParser(BaseParser):
    """``application/xml`` bodies (WCO DM XML): the raw bytes, untouched and undecoded, for
    ``datamodel.xmlio.declaration_from_xml`` (the XML declares its own encoding). Only the
    size limit is applied here."""

    media_type = "application/xml"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return read_body(stream, parser_context)


class WcoXmlTextParser(WcoXmlParser):
    media_type = "text/xml"


class WcoXmlRenderer(BaseRenderer):
    """Renders a canonical document as WCO DM XML (``datamodel.xmlio.declaration_to_xml``)."""

    media_type = "application/xml"
    format = "xml"
    charset = None  # the XML declaration inside the bytes names the encoding

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return declaration_to_xml(data)


XML_PARSERS: list[type[BaseParser]] = [WcoXmlParser, WcoXmlTextParser]
XML_RENDERERS: list[type[BaseRenderer]] = [WcoXmlRenderer]


# --- base view and permission -------------------------------------------------------------


class IsTrader(BasePermission):
    """Only users filing for a trading company; officers and others get 403."""

    message = "Only trader accounts can use declarations."

    def has_permission(self, request: Request, view: Any) -> bool:
        return trader_of(request.user) is not None


class ApiPagination(LimitOffsetPagination):
    """``?limit=&offset=`` pages of at most ``max_limit`` (an unbounded ``limit`` would
    reach the database as an out-of-range integer)."""

    max_limit = 200


class ApiView(GenericAPIView):
    """Base of every API view: JSON in (strict parser), JSON out, errors always as JSON,
    lists in bounded pages."""

    # Token first: its scheme is the WWW-Authenticate challenge, so a missing or wrong
    # credential answers 401 (with session authentication first, DRF would answer 403).
    authentication_classes = [TokenAuthentication, SessionAuthentication, BasicAuthentication]
    parser_classes = [JSONBodyParser]
    renderer_classes = [JSONRenderer]
    pagination_class = ApiPagination

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # Error lists are JSON even when the client asked for the XML of a declaration.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class TraderApiView(ApiView):
    permission_classes = [IsAuthenticated, IsTrader]

    def trader(self) -> Trader:
        trader = trader_of(self.request.user)
        assert trader is not None  # IsTrader
        return trader


def request_document(request: Request) -> Any:
    """The parsed body: JSON value, or raw XML bytes. 400 ``malformed`` for an empty body,
    415 for a missing or unsupported Content-Type."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        raise InvalidInput.at(IssueCode.MALFORMED, "The request body is empty.")
    if not request.content_type:
        raise exceptions.UnsupportedMediaType(
            "", detail="Send Content-Type: application/json or application/xml."
        )
    return request.data


def submit_document(
    trader: Trader, body: Any, declaration: Declaration | None = None
) -> Declaration:
    """Lodge a JSON document or WCO DM XML bytes (``declaration_submit`` / ``_xml``)."""
    if isinstance(body, bytes):
        return declaration_submit_xml(trader=trader, raw=body, declaration=declaration)
    return declaration_submit(trader=trader, document=body, declaration=declaration)


# --- schema helpers -----------------------------------------------------------------------

ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorsSerializer, description="Invalid request; see `errors`."),
    401: OpenApiResponse(ErrorsSerializer, description="Not authenticated."),
    403: OpenApiResponse(ErrorsSerializer, description="Not a trader account."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorsSerializer, description="No such declaration here.")}

EXAMPLE_DOCUMENT = {
    "Declaration": {
        "FunctionCode": "9",
        "FunctionalReferenceID": "LRN-2026-000001",
        "TypeCode": "IMA",
        "GoodsItemQuantity": {"value": "1"},
        "InvoiceAmount": {"value": "5000", "currencyID": "EUR"},
        "Declarant": {"ID": "GB123456789000", "Name": "Example Importers Ltd"},
        "GoodsShipment": {
            "Importer": {"ID": "GB123456789000", "Name": "Example Importers Ltd"},
            "GovernmentAgencyGoodsItem": [
                {
                    "SequenceNumeric": "1",
                    "CustomsValueAmount": {"value": "5000", "currencyID": "EUR"},
                    "Commodity": {
                        "Description": "Roasted coffee, not decaffeinated",
                        "Classification": [{"ID": "090121", "IdentificationTypeCode": "HS"}],
                        "GoodsMeasure": {
                            "GrossMassMeasure": {"value": "1050", "unitCode": "KGM"},
                            "NetNetWeightMeasure": {"value": "1000", "unitCode": "KGM"},
                        },
                    },
                    "Origin": [{"CountryCode": "BR"}],
                }
            ],
        },
    }
}
DOCUMENT_REQUEST = {
    "application/json": OpenApiTypes.OBJECT,
    "application/xml": OpenApiTypes.BINARY,
}
DOCUMENT_EXAMPLES = [
    OpenApiExample("Import declaration", value=EXAMPLE_DOCUMENT, request_only=True),
]
INVALID_EXAMPLE = OpenApiExample(
    "Refused declaration",
    status_codes=["400"],
    response_only=True,
    value={
        "errors": [
            {
                "code": "not_positive",
                "severity": "error",
                "pointer": "42A/67A/68A[1]/23A/65A/128",
                "path": "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/Commodity"
                "/GoodsMeasure/NetNetWeightMeasure",
                "message": "The net mass must be greater than zero.",
            }
        ],
        "warnings": [],
    },
)


# --- declarations -------------------------------------------------------------------------


class DeclarationFilter(serializers.Serializer):
    """Query filters of the declaration list."""

    status = serializers.ChoiceField(choices=ClearanceStatus.choices, required=False)
    type_code = serializers.ChoiceField(choices=DeclarationType.choices, required=False)
    lrn = serializers.CharField(max_length=35, required=False)


def filtered_declarations(user: Any, params: Mapping[str, Any]) -> QuerySet[Declaration]:
    """The user's company's declarations narrowed by the query filters (400 if invalid)."""
    filters = DeclarationFilter(
        data={k: params[k] for k in DeclarationFilter().fields if k in params}
    )
    filters.is_valid(raise_exception=True)
    return declarations_of_company(user).filter(**filters.validated_data)


class DeclarationCollectionView(TraderApiView):
    """``GET`` lists the company's declarations; ``POST`` lodges a new one."""

    parser_classes = [JSONBodyParser, *XML_PARSERS]

    @extend_schema(
        operation_id="declarations_list",
        summary="The declarations of the trader's company, newest first",
        parameters=[DeclarationFilter],
        responses={200: DeclarationListSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
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
            "declaration gets an MRN and is routed to the agencies concerned."
        ),
        request=DOCUMENT_REQUEST,
        examples=[*DOCUMENT_EXAMPLES, INVALID_EXAMPLE],
        responses={
            201: DeclarationSerializer,
            **ERROR_RESPONSES,
            415: OpenApiResponse(ErrorsSerializer, description="Unsupported Content-Type."),
        },
    )
    def post(self, request: Request) -> Response:
        declaration = submit_document(self.trader(), request_document(request))
        return _created(request, declaration)


def _created(request: Request, declaration: Declaration) -> Response:
    # Re-read: with eager routing the fan-out already ran after the commit.
    declaration.refresh_from_db()
    data = DeclarationSerializer(declaration, context={"request": request}).data
    return Response(
        data, status=status.HTTP_201_CREATED, headers={"Location": data["links"]["self"]}
    )


def _json_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput.at(
            IssueCode.MALFORMED, 'A draft is a JSON object: {"Declaration": {...}}.'
        )
    return body


class DraftCollectionView(TraderApiView):
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
        return _created(request, declaration)


class DeclarationDetailView(TraderApiView):
    """One declaration of the trader's company; another company's answers 404."""

    renderer_classes = [JSONRenderer, *XML_RENDERERS]

    @extend_schema(
        operation_id="declarations_retrieve",
        summary="One declaration with its document, goods items, agency reviews and history",
        description="`Accept: application/xml` (or `?format=xml`) returns the WCO DM XML of "
        "a submitted declaration.",
        responses={
            (200, "application/json"): DeclarationDetailSerializer,
            (200, "application/xml"): OpenApiTypes.BINARY,
            **ERROR_RESPONSES,
            **NOT_FOUND,
            406: OpenApiResponse(ErrorsSerializer, description="XML asked of a draft."),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        declaration = access_declaration(request.user, pk)
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
    @extend_schema(
        operation_id="declarations_draft_submit",
        summary="Validate and lodge a stored draft",
        request=None,
        examples=[INVALID_EXAMPLE],
        responses={
            201: DeclarationSerializer,
            **ERROR_RESPONSES,
            **NOT_FOUND,
            409: OpenApiResponse(ErrorsSerializer, description="Not a draft any more."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = access_declaration(request.user, pk)
        if draft.status != ClearanceStatus.DRAFT:
            raise NotEditable()
        return _created(request, submit_document(self.trader(), draft.document, draft))


class DeclarationStatusView(TraderApiView):
    @extend_schema(
        operation_id="declarations_status",
        summary="The clearance status and each agency's review",
        responses={200: DeclarationStatusSerializer, **ERROR_RESPONSES, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        declaration = access_declaration(request.user, pk)
        return Response(DeclarationStatusSerializer(declaration).data)


# --- authentication and fallbacks ---------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class AuthTokenView(ObtainAuthToken):
    """``POST {"username", "password"}`` -> ``{"token": "..."}``; send it afterwards as
    ``Authorization: Token <token>``. Wrong credentials: 400 with an ``errors`` entry."""

    parser_classes = [JSONBodyParser, FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain an API token",
        responses={200: TokenSerializer, 400: ErrorsSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_not_found(request: Request, *args: Any, **kwargs: Any) -> Response:
    """Any other URL under the API: 404 in the API's error shape (not an HTML page)."""
    raise exceptions.NotFound("No such API resource.")
