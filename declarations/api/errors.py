"""The API's one error shape: every client error as ``{"errors": [...], "warnings": [...]}``."""

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from datamodel.dictionary import json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode, Severity

from ..services import (
    CONFLICT_CODES,
    DeclarationInvalid,
    DeclarationNotEditable,
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
    """A request refused with a list of ``datamodel`` issues: HTTP 400, or 409 when every
    error is a conflict with stored data (``CONFLICT_CODES``: the LRN is already used)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, issues: list[Issue]):
        super().__init__(detail=issues[0].message if issues else "Invalid input.")
        self.issues = issues
        errors = {issue.code for issue in issues if issue.severity == Severity.ERROR}
        if errors and errors <= CONFLICT_CODES:
            self.status_code = status.HTTP_409_CONFLICT

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


class BodyTooLarge(InvalidInput):
    """The request body is over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (HTTP 413, ``too_large``)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE

    def __init__(self, message: str = "The request body is too large."):
        super().__init__([Issue(IssueCode.TOO_LARGE, "", "", message)])


class InvalidQuery(exceptions.ValidationError):
    """A request refused for its query parameters (filters, paging), HTTP 400: ``detail``
    maps each parameter to its messages; each entry names the parameter, as ``pointer``
    (``limit``) and as ``path`` (``?limit``)."""


class NotEditable(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_editable"
    default_detail = "This declaration has been submitted and can no longer be changed."


class Conflict(exceptions.APIException):
    """The request conflicts with the current state (HTTP 409): ``code`` names the
    conflict (``already_decided``, ``claimed_by_other``, ``declaration_closed``, ...)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, message: str, code: str = "conflict"):
        super().__init__(detail=message, code=code)


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
    404 NotFound, 405, 406, 409, 413 body too large, 415, 429 Throttled with Retry-After).
    A declaration refused by validation (``DeclarationInvalid``) answers 400 with the
    issues of ``datamodel``, its warnings among them (409 for a duplicate LRN alone).
    Anything else is a bug and stays a 500.
    """
    if isinstance(exc, DeclarationInvalid):
        exc = InvalidInput(exc.issues)
    elif isinstance(exc, DeclarationNotEditable):
        exc = NotEditable()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge()
    elif isinstance(exc, TooManyFieldsSent):
        exc = InvalidInput.at(IssueCode.TOO_LARGE, "The request has too many fields.")
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
