"""The ``Idempotency-Key`` request header of ``POST declarations/`` (IETF draft
draft-ietf-httpapi-idempotency-key-header): a client that retries after a timeout sends
the same key and gets the first answer (same status, same declaration, ``Idempotent-
Replayed: true``) for 24 hours; the key with another body answers 422; while the first
request is still being answered, 409."""

import re
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.request import Request

from ..idempotency import (
    Claim,
    IdempotencyInProgress,
    IdempotencyMismatch,
    idempotency_claim,
    idempotency_store,
    request_fingerprint,
)
from ..models import IdempotencyRecord
from .errors import Conflict

HEADER = "Idempotency-Key"
# Printable ASCII without blanks, as the draft's examples and Stripe's keys (UUIDs).
_KEY = re.compile(r"\A[\x21-\x7e]{1,255}\Z")

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A unique key per declaration (e.g. a UUID): a retry with the same key and "
    "body gets the first answer for 24 hours; another body with the key answers 422.",
)


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = (
        "This Idempotency-Key was used for another request body; use a new key for a new "
        "declaration."
    )


def idempotency_begin(request: Request, company_id: int) -> Claim | None:
    """The claim of the request's key, ``None`` without the header; 400 for a malformed
    key, 422 (another body), 409 (first request still running)."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.match(key):
        raise exceptions.ValidationError(
            {HEADER: "Give 1 to 255 visible ASCII characters, e.g. a UUID."}
        )
    fingerprint = request_fingerprint(
        request.method, request.path, request.content_type or "", request.body
    )
    try:
        return idempotency_claim(company_id, key, fingerprint)
    except IdempotencyMismatch:
        raise KeyReused() from None
    except IdempotencyInProgress:
        raise Conflict(
            "The first request with this Idempotency-Key is still being answered; retry "
            "in a moment.",
            code="idempotency_in_progress",
        ) from None


def idempotency_keep(record: IdempotencyRecord, response: Any) -> None:
    """Store the rendered first answer."""
    response.render()
    idempotency_store(
        record,
        response.status_code,
        bytes(response.content),
        response.get("Content-Type", ""),
        response.get("Location", ""),
    )


def idempotency_replay(record: IdempotencyRecord) -> HttpResponse:
    """The first answer again, marked as a replay."""
    response = HttpResponse(
        bytes(record.content), status=record.status_code, content_type=record.content_type
    )
    if record.location:
        response["Location"] = record.location
    response["Idempotent-Replayed"] = "true"
    return response
