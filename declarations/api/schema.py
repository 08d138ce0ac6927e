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
