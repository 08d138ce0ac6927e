"""Helpers of the API tests: URLs, raw posts and the check of the one error shape."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from rest_framework.test import APIClient

ERROR_KEYS = {"code", "severity", "pointer", "path", "message"}


def url(name: str, pk: int | None = None) -> str:
    """``url("declaration-detail", 3)`` -> ``/api/v1/declarations/3/``."""
    return reverse(f"api:{name}", kwargs={"pk": pk} if pk is not None else None)


def errors_of(response: HttpResponse, status: int) -> list[dict[str, str]]:
    """The ``errors`` of an error answer, after checking its status and shape."""
    assert response.status_code == status, (response.status_code, response.content[:3000])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    # Every error body has both keys, whatever the status.
    assert set(body) == {"errors", "warnings"}, body
    assert body["errors"], body
    for entry in [*body["errors"], *body["warnings"]]:
        assert set(entry) == ERROR_KEYS, entry
        assert all(isinstance(value, str) for value in entry.values()), entry
    assert all(e["severity"] == "error" for e in body["errors"])
    assert all(w["severity"] == "warning" for w in body["warnings"])
    return body["errors"]


def codes_of(response: HttpResponse, status: int) -> set[str]:
    return {e["code"] for e in errors_of(response, status)}


def post_raw(
    client: APIClient, path: str, body: bytes | str, content_type: str = "application/json"
) -> Any:
    """POST ``body`` exactly as given (no encoding by the test client)."""
    return client.generic("POST", path, body, content_type=content_type)
