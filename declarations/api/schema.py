"""OpenAPI helpers: documented error responses and example documents."""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework.renderers import JSONRenderer

from ..serializers import (
    ErrorsSerializer,
)

# --- schema helpers -----------------------------------------------------------------------

_ERRORS_REF = {"$ref": "#/components/schemas/Errors"}
# Answers any operation may give besides those its view documents (the one error body):
# (status, description, whether it applies to the operation).
_GENERAL_ANSWERS = (
    (400, "Invalid query parameters; see `errors`.", "query"),
    (401, "Not authenticated (no, a wrong or an expired token).", "secured"),
    (404, "No such resource here (or an id that is not a number).", "path_params"),
    (406, "No renderer for the Accept header or the `format` asked for.", "all"),
    (409, "Conflicts with the stored state (a duplicate LRN, a decided task).", "body"),
    (413, "The request body is over the upload limit.", "body"),
    (415, "Unsupported Content-Type.", "body"),
    (429, "Too many requests; retry after the `Retry-After` seconds.", "all"),
)


def general_answers_hook(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook (``SPECTACULAR_SETTINGS``): document on every
    operation the error answers the API's shared machinery gives (400 for bad query
    parameters, 401, 404 for an id that is not found, 406, 409 / 413 / 415 for a request
    body, 429 throttling), each with the error
    body, unless the view documented it itself."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            applies = {
                "all": True,
                "query": any(p.get("in") == "query" for p in parameters),
                "secured": bool(operation.get("security")),
                "path_params": "{" in path,
                "body": "requestBody" in operation or method in ("post", "put", "patch"),
            }
            for status, description, when in _GENERAL_ANSWERS:
                if applies[when]:
                    operation["responses"].setdefault(
                        str(status),
                        {
                            "description": description,
                            "content": {"application/json": {"schema": _ERRORS_REF}},
                        },
                    )
    return result


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
