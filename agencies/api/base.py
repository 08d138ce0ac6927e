"""What the officers' API views share: the permission, the error mapping of the services'
exceptions (``DecisionInvalid`` -> 400 at the request fields, ``ReviewConflict`` -> 409),
and input validation."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from declarations.api.base import ApiView, TraderApiView
from declarations.api.errors import Conflict
from declarations.api.schema import ERROR_RESPONSES
from declarations.serializers import ErrorsSerializer

from ..services import DecisionInvalid, ReviewConflict, officer_of

OFFICER_ERRORS = {**ERROR_RESPONSES, 403: OpenApiResponse(ErrorsSerializer, "Not an officer.")}
TASK_NOT_FOUND = {404: OpenApiResponse(ErrorsSerializer, "No such task in your agency.")}
CONFLICT = {
    409: OpenApiResponse(
        ErrorsSerializer,
        "The task is claimed by someone else (`claimed_by_other`), already decided "
        "(`already_decided`), has checks without result (`inspection_open`), or the "
        "declaration is closed (`declaration_closed`).",
    )
}


def invalid_as_api_error(
    error: DecisionInvalid, code: str, items: list[Any] | None = None
) -> ValidationError:
    """A service's ``DecisionInvalid`` as a 400 whose entries point at the request fields
    (``{"reason": ...}`` -> ``/reason``; an item's problem -> ``/items/<index>/<field>``,
    the index of the request's entry with that sequence; an item left out -> ``/items``,
    its message naming the item). No WCO pointer: these are not WCO elements."""

    def entry(message: str) -> list[serializers.ErrorDetail]:
        return [serializers.ErrorDetail(message, code=code)]

    detail: dict[str, Any] = {field: entry(message) for field, message in error.errors.items()}
    if error.item_errors:
        index = {entry_.get("sequence"): n for n, entry_ in enumerate(items or [])}
        nested: dict[Any, Any] = {}
        for sequence, problems in sorted(error.item_errors.items()):
            for field, message in problems.items():
                if sequence in index:
                    nested.setdefault(index[sequence], {})[field] = entry(message)
                else:
                    nested.setdefault(api_settings.NON_FIELD_ERRORS_KEY, []).extend(
                        entry(f"{message} (item {sequence})")
                    )
        detail["items"] = nested
    return ValidationError(detail)


class IsOfficer(BasePermission):
    message = "Only agency officers can review declarations."

    def has_permission(self, request: Request, view: Any) -> bool:
        return officer_of(request.user) is not None


class ConflictMappingMixin:
    """Maps the services' ``ReviewConflict`` to a 409 in the API's error shape."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ReviewConflict):
            exc = Conflict(exc.message, exc.code)
        return super().handle_exception(exc)


class OfficerApiView(ConflictMappingMixin, ApiView):
    permission_classes = [IsAuthenticated, IsOfficer]


class TraderActionApiView(ConflictMappingMixin, TraderApiView):
    pass


def valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request body checked by ``serializer_class`` (400 with a pointer per error)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
