"""The one error shape: every DRF error, Django's 404/403 and a refused declaration go
through ``declarations.api.errors.exception_handler`` as
``{"errors": [...], "warnings": [...]}``."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions

from datamodel.issues import Issue, IssueCode, Severity
from declarations.api.errors import InvalidQuery, exception_handler
from declarations.services import DeclarationInvalid, DeclarationNotEditable


def entry(code: str, message: str, path: str = "", pointer: str = "") -> dict[str, str]:
    """An error entry; a request field that is no WCO element has a ``path`` but no
    ``pointer``."""
    return {
        "code": code,
        "severity": "error",
        "pointer": pointer,
        "path": path,
        "message": message,
    }


@pytest.mark.parametrize(
    ("exc", "status", "errors"),
    [
        (exceptions.ParseError("Bad JSON."), 400, [entry("malformed", "Bad JSON.")]),
        (
            exceptions.ValidationError({"reason": ["Give the reason."]}),
            400,
            [entry("invalid", "Give the reason.", "/reason")],
        ),
        (
            exceptions.ValidationError(
                {
                    "non_field_errors": ["Expected an object."],
                    "items": [{}, {"hs_code": ["Too short."]}],
                    "party": {"name": ["Required."]},
                }
            ),
            400,
            [
                entry("invalid", "Expected an object."),
                entry("invalid", "Too short.", "/items/1/hs_code"),
                entry("invalid", "Required.", "/party/name"),
            ],
        ),
        (
            exceptions.ValidationError(["One.", "Two."]),
            400,
            [entry("invalid", "One."), entry("invalid", "Two.")],
        ),
        (
            exceptions.NotAuthenticated(),
            401,
            [entry("not_authenticated", "Authentication credentials were not provided.")],
        ),
        (
            exceptions.PermissionDenied(),
            403,
            [entry("permission_denied", "You do not have permission to perform this action.")],
        ),
        (exceptions.NotFound(), 404, [entry("not_found", "Not found.")]),
        (Http404("No such declaration"), 404, [entry("not_found", "No such declaration")]),
        (
            DjangoPermissionDenied(),
            403,
            [entry("permission_denied", "You do not have permission to perform this action.")],
        ),
        (
            exceptions.MethodNotAllowed("DELETE"),
            405,
            [entry("method_not_allowed", 'Method "DELETE" not allowed.')],
        ),
        (
            exceptions.NotAcceptable(),
            406,
            [entry("not_acceptable", "Could not satisfy the request Accept header.")],
        ),
        (
            exceptions.UnsupportedMediaType("text/plain"),
            415,
            [entry("unsupported_media_type", 'Unsupported media type "text/plain" in request.')],
        ),
        (
            DeclarationNotEditable(3),
            409,
            [
                entry(
                    "not_editable",
                    "This declaration has been submitted and can no longer be changed.",
                )
            ],
        ),
        (RequestDataTooBig(), 413, [entry("too_large", "The request body is too large.")]),
        (
            InvalidQuery({"limit": ["Give a whole number."]}),
            400,
            [entry("invalid", "Give a whole number.", "?limit", pointer="limit")],
        ),
    ],
)
def test_every_error_has_the_one_shape(
    exc: Exception, status: int, errors: list[dict[str, str]]
) -> None:
    response = exception_handler(exc, {})

    assert response is not None
    assert response.status_code == status
    assert response.data == {"errors": errors, "warnings": []}


def test_throttling_says_when_to_retry() -> None:
    response = exception_handler(exceptions.Throttled(wait=30), {})

    assert response is not None
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert [e["code"] for e in response.data["errors"]] == ["throttled"]
    assert response.data["warnings"] == []


def test_a_refused_declaration_lists_errors_and_warnings_apart() -> None:
    error = Issue(
        IssueCode.NOT_POSITIVE,
        "42A/67A/68A[1]/23A/65A/128",
        "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/Commodity/GoodsMeasure"
        "/NetNetWeightMeasure",
        "The net mass must be greater than zero.",
    )
    warning = Issue(
        IssueCode.VALUE_MISMATCH,
        "42A/109",
        "/Declaration/InvoiceAmount",
        "The item values do not add up.",
        Severity.WARNING,
    )

    response = exception_handler(DeclarationInvalid([error, warning]), {})

    assert response is not None
    assert response.status_code == 400
    assert response.data == {"errors": [error.as_dict()], "warnings": [warning.as_dict()]}


def test_a_bug_stays_a_server_error() -> None:
    context: dict[str, Any] = {}

    assert exception_handler(RuntimeError("bug"), context) is None
