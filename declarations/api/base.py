"""The base API views, permissions, paging and query filters shared by every endpoint."""

import re
import sys
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from datamodel.issues import IssueCode
from singlewindow.accounts.authentication import ApiTokenAuthentication

from ..models import Trader
from ..selectors import trader_of
from .errors import InvalidInput, InvalidQuery
from .parsing import JSONBodyParser

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


class ApiContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, but a ``?format=`` no renderer has answers 406 Not Acceptable
    (as an unmatched ``Accept`` does), not 404: the resource exists."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            raise exceptions.NotAcceptable(
                "No such format here: ask for json (or xml where a declaration is given)."
            ) from None


class ApiView(GenericAPIView):
    """Base of every API view: JSON in (strict parser), JSON out, errors always as JSON,
    lists in bounded pages."""

    # Token first: its scheme is the WWW-Authenticate challenge, so a missing or wrong
    # credential answers 401 (with session authentication first, DRF would answer 403).
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    parser_classes = [JSONBodyParser]
    renderer_classes = [JSONRenderer]
    pagination_class = ApiPagination
    content_negotiation_class = ApiContentNegotiation
    # No OPTIONS metadata: DRF would describe each view from a serializer some views do
    # not have (a 500); the OpenAPI schema is the API's description. OPTIONS answers 405.
    metadata_class = None
    # Whether the JSON body is a WCO DM document, whose errors carry WCO pointers.
    wco_document_body = False

    def check_permissions(self, request: Request) -> None:
        # Rate limits before the permission check: DRF checks them after, so requests
        # without credentials (401) would never be slowed per address.
        self.check_throttles(request)
        self._throttles_checked = True
        super().check_permissions(request)

    def check_throttles(self, request: Request) -> None:
        if not getattr(self, "_throttles_checked", False):
            super().check_throttles(request)

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
