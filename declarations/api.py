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
- ``GET  declarations/{id}/status/``  the compact clearance status
- ``POST auth/token/``                exchange username + password for an API token

Every error answer, here and in ``agencies.api``, is JSON of one shape (see
``exception_handler``): ``{"errors": [{"code", "severity", "pointer", "path", "message"},
...], "warnings": [...]}``, the warnings empty unless a declaration document was refused by
validation. ``pointer`` is a WCO error pointer, empty for fields that are no WCO element;
``path`` is the JSON pointer of the body field (``/reason``), or ``?limit`` for a query
parameter (whose name is then the ``pointer``). Lists are paged with ``?limit=&offset=``
(``ApiPagination``).
"""

import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
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
    declaration_links,
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


def error_entry(code: str, message: str, *, path: str = "", pointer: str = "") -> dict[str, str]:
    """One entry of ``errors`` about something other than a WCO document field.

    ``pointer`` is the WCO error pointer, so it stays empty for a request field such as a
    decision's ``reason`` (``path`` ``/reason``) and for the request as a whole (both
    empty); a query parameter is named in both (``InvalidQuery``).
    """
    return {
        "code": _CODE_ALIASES.get(code, code),
        "severity": str(Severity.ERROR),
        "pointer": pointer,
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
    def at(
        cls,
        code: IssueCode,
        message: str,
        parts: tuple[str | int, ...] = (),
        *,
        wco_document: bool = True,
    ) -> "InvalidInput":
        """One error about the body (``parts=()``) or the field at ``parts``: of a WCO
        document (with its WCO pointer), or of another body (``wco_document=False``: no
        WCO pointer, only the JSON pointer in ``path``)."""
        pointer = wco_pointer(parts) if wco_document else ""
        return cls([Issue(code, pointer, json_pointer(parts), message)])


class InvalidQuery(exceptions.ValidationError):
    """A request refused for its query parameters (filters, paging), HTTP 400: ``detail``
    maps each parameter to its messages; each entry names the parameter, as ``pointer``
    (``limit``) and as ``path`` (``?limit``)."""


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
    """The ``errors`` list of a DRF exception: one entry per message. A body field's error
    has its JSON pointer as ``path`` (``/reason``), a query parameter's its name
    (``InvalidQuery``); errors about the whole request have both empty."""
    entries = []
    for parts, detail in _flatten(exc.detail):
        code = getattr(detail, "code", None) or exc.default_code
        if isinstance(exc, InvalidQuery) and parts:
            name = str(parts[0])
            entries.append(error_entry(code, str(detail), pointer=name, path=f"?{name}"))
        else:
            entries.append(error_entry(code, str(detail), path=json_pointer(parts)))
    return entries


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST framework's exception handler for the whole API (``REST_FRAMEWORK`` setting).

    Turns every client error into ``{"errors": [{"code", "severity", "pointer", "path",
    "message"}], "warnings": []}`` with the status of the DRF exception (400 ParseError /
    ValidationError / InvalidQuery, 401/403 NotAuthenticated, 403 PermissionDenied,
    404 NotFound, 405, 406, 409, 415, 429 Throttled with Retry-After). A declaration
    refused by validation (``DeclarationInvalid``) answers 400 with the issues of
    ``datamodel``, its warnings among them. Anything else is a bug and stays a 500.
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
        # Every error body has both keys, so a client reads them the same way whatever
        # the status; only a refused declaration has warnings to give.
        response.data = {"errors": api_errors(exc), "warnings": []}
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


def check_json_values(data: Any, *, wco_document: bool = True) -> None:
    """Refuse documents nested deeper than ``MAX_JSON_DEPTH`` and texts holding characters
    XML cannot carry; iterative, so no document can exhaust the stack. ``wco_document``:
    whether ``data`` is a WCO DM document (errors then carry the WCO pointer)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, parts = stack.pop()
        if len(parts) > MAX_JSON_DEPTH:
            raise InvalidInput.at(
                IssueCode.TOO_LARGE,
                f"The document is nested more than {MAX_JSON_DEPTH} levels deep.",
                parts[:MAX_JSON_DEPTH],
                wco_document=wco_document,
            )
        if isinstance(value, dict):
            for key, child in value.items():
                if _NOT_TEXT.search(key):
                    # The key itself cannot go into the answer: it may not encode as UTF-8.
                    raise InvalidInput.at(
                        IssueCode.MALFORMED,
                        "An element name here holds control characters or lone surrogates.",
                        parts,
                        wco_document=wco_document,
                    )
                stack.append((child, (*parts, key)))
        elif isinstance(value, list):
            stack.extend((child, (*parts, index)) for index, child in enumerate(value))
        elif isinstance(value, str) and _NOT_TEXT.search(value):
            raise InvalidInput.at(
                IssueCode.MALFORMED,
                "This text holds control characters or lone surrogates.",
                parts,
                wco_document=wco_document,
            )


class JSONBodyParser(BaseParser):
    """``application/json`` bodies, strictly: UTF-8 only, at most DATA_UPLOAD_MAX_MEMORY_SIZE
    bytes, no NaN/Infinity, no integer of more than 4300 digits, nesting at most
    ``MAX_JSON_DEPTH``, no control characters in texts. Every refusal is a 400 ``malformed``
    or ``too_large`` error, never a server error. Returns the parsed value, whatever its
    type (the service says what a declaration must look like); fractions as ``Decimal``.

    Errors inside the value carry a WCO pointer only when the view takes a WCO DM document
    (``ApiView.wco_document_body``); a decision's ``reason`` is no WCO element.
    """

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
        view = (parser_context or {}).get("view")
        check_json_values(data, wco_document=getattr(view, "wco_document_body", False))
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


# A paging value: ASCII digits, perhaps after a minus sign (int() would also take "+5",
# " 5", "5_000" and other digits of Unicode).
_PAGING_VALUE = re.compile(r"\A-?[0-9]+\Z")
# More digits than this is beyond any page: no need to turn them into an integer.
_PAGING_DIGITS = 18


class ApiPagination(LimitOffsetPagination):
    """``?limit=&offset=`` pages of at most ``max_limit`` items.

    A ``limit`` or ``offset`` that is not an integer, a negative one, and a ``limit`` of 0
    are refused (400, ``InvalidQuery``) rather than silently replaced by the defaults. A
    larger ``limit`` is cut to ``max_limit`` (unbounded, it would reach the database as an
    out-of-range integer); an ``offset`` past the end is brought back to the end, so the
    page is empty and its ``previous`` link leads to the last page.
    """

    max_limit = 200
    template = None  # JSON only: no browsable API controls

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any]:
        # Both parameters are checked before anything is counted, and both are reported.
        self.request = request
        limit, offset = self._paging(request)
        self.limit = min(limit, self.max_limit)
        self.count = self.get_count(queryset)
        self.offset = min(offset, self.count)
        if self.offset >= self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The paging parameters in the OpenAPI schema, with their lower bounds."""
        parameters = super().get_schema_operation_parameters(view)
        least = {self.limit_query_param: 1, self.offset_query_param: 0}
        for parameter in parameters:
            parameter["schema"]["minimum"] = least[parameter["name"]]
            if parameter["name"] == self.limit_query_param:
                parameter["description"] = (
                    f"Number of results to return per page; at most {self.max_limit} "
                    "(a larger limit is cut)."
                )
        return parameters

    def _paging(self, request: Request) -> tuple[int, int]:
        """``(limit, offset)`` as asked (not yet capped); ``InvalidQuery`` naming every
        parameter that is not a whole number of at least 1 (limit) or 0 (offset)."""
        values: dict[str, int] = {}
        errors: dict[str, Any] = {}
        for name, default, least in (
            (self.limit_query_param, self.default_limit, 1),
            (self.offset_query_param, 0, 0),
        ):
            raw = request.query_params.get(name)
            try:
                values[name] = default if raw is None else paging_value(raw, least)
            except exceptions.ValidationError as error:
                errors[name] = error.detail
        if errors:
            raise InvalidQuery(errors)
        return values[self.limit_query_param], values[self.offset_query_param]


def paging_value(raw: str, least: int) -> int:
    """The whole number of a paging parameter, at least ``least``; ``sys.maxsize`` for one
    of more than ``_PAGING_DIGITS`` digits (the caller caps it). ``ValidationError``
    (``invalid``, ``min_value``) otherwise."""
    if not _PAGING_VALUE.match(raw):
        raise exceptions.ValidationError("Give a whole number.", code="invalid")
    digits = raw.removeprefix("-").lstrip("0")
    value = sys.maxsize if len(digits) > _PAGING_DIGITS else int(digits or "0")
    if value < least or (raw.startswith("-") and value > 0):
        raise exceptions.ValidationError(f"Give a number of at least {least}.", code="min_value")
    return value


class ApiView(GenericAPIView):
    """Base of every API view: JSON in (strict parser), JSON out, errors always as JSON,
    lists in bounded pages."""

    # Token first: its scheme is the WWW-Authenticate challenge, so a missing or wrong
    # credential answers 401 (with session authentication first, DRF would answer 403).
    authentication_classes = [TokenAuthentication, SessionAuthentication, BasicAuthentication]
    parser_classes = [JSONBodyParser]
    renderer_classes = [JSONRenderer]
    pagination_class = ApiPagination
    # Whether the JSON body is a WCO DM document, whose errors carry WCO pointers.
    wco_document_body = False

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


def query_filters(
    filter_class: type[serializers.Serializer], params: Mapping[str, Any]
) -> dict[str, Any]:
    """The query parameters ``filter_class`` declares, validated; other parameters are
    left alone (paging). ``InvalidQuery`` (400, naming each parameter) if one is invalid."""
    fields = filter_class().fields
    filters = filter_class(data={name: params[name] for name in fields if name in params})
    if not filters.is_valid():
        raise InvalidQuery(filters.errors)
    return dict(filters.validated_data)


# --- schema helpers -----------------------------------------------------------------------

ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorsSerializer, description="Invalid request; see `errors`."),
    401: OpenApiResponse(ErrorsSerializer, description="Not authenticated."),
    403: OpenApiResponse(ErrorsSerializer, description="Not a trader account."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorsSerializer, description="No such declaration here.")}


def json_only(responses: Mapping[int, Any]) -> dict[tuple[int, str], Any]:
    """Responses documented as JSON only, for a view that also renders XML: its errors
    are JSON whatever the client asked for (``ApiView.handle_exception``)."""
    return {(code, JSONRenderer.media_type): response for code, response in responses.items()}


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
        examples=[*DOCUMENT_EXAMPLES, INVALID_EXAMPLE],
        responses={
            (201, JSONRenderer.media_type): DeclarationSerializer,
            (201, WcoXmlRenderer.media_type): OpenApiTypes.BINARY,
            **json_only(
                {
                    **ERROR_RESPONSES,
                    415: OpenApiResponse(ErrorsSerializer, description="Unsupported Content-Type."),
                }
            ),
        },
    )
    def post(self, request: Request) -> Response:
        declaration = submit_document(self.trader(), request_document(request))
        return _created(request, declaration)


def _created(request: Request, declaration: Declaration) -> Response:
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
        return _created(request, declaration)


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
