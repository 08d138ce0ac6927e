"""The OpenAPI schema renders, validates against the OpenAPI 3 specification, generates
without warnings, and its Swagger UI loads only the project's own files (strict CSP)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.validation import validate_schema

from tests.api.conftest import ApiAs

OPERATIONS = {
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/auth/tokens/", "get"),
    ("/api/v1/auth/tokens/", "post"),
    ("/api/v1/auth/tokens/{id}/", "delete"),
    ("/api/v1/declarations/", "get"),
    ("/api/v1/declarations/", "post"),
    ("/api/v1/declarations/drafts/", "post"),
    ("/api/v1/declarations/{id}/", "get"),
    ("/api/v1/declarations/{id}/", "put"),
    ("/api/v1/declarations/{id}/submit/", "post"),
    ("/api/v1/declarations/{id}/status/", "get"),
    ("/api/v1/declarations/{id}/response/", "post"),
    ("/api/v1/reviews/", "get"),
    ("/api/v1/requirements/", "get"),
    ("/api/v1/hs/", "get"),
    ("/api/v1/routing-rules/", "get"),
    ("/api/v1/risk-profiles/", "get"),
    ("/api/v1/reviews/{id}/lane/", "post"),
    ("/api/v1/reviews/{id}/", "get"),
    ("/api/v1/reviews/{id}/decision/", "post"),
    ("/api/v1/reviews/next/", "post"),
    ("/api/v1/reviews/{id}/claim/", "post"),
    ("/api/v1/reviews/{id}/release/", "post"),
    ("/api/v1/reviews/{id}/assign/", "post"),
    ("/api/v1/reviews/{id}/inspections/", "post"),
    ("/api/v1/inspections/{id}/result/", "post"),
    ("/api/v1/disclaimed/", "get"),
    ("/api/v1/disclaimed/{id}/", "get"),
    ("/api/v1/disclaimed/{id}/call-in/", "post"),
    ("/api/v1/notifications/", "get"),
    ("/api/v1/declarations/{id}/cancel/", "post"),
    ("/api/v1/declarations/{id}/amendments/", "post"),
    ("/api/v1/declarations/{id}/versions/", "get"),
    ("/api/v1/declarations/{id}/copy/", "post"),
    ("/api/v1/declarations/{id}/documents/", "get"),
    ("/api/v1/declarations/{id}/documents/", "post"),
    ("/api/v1/documents/{id}/file/", "get"),
    ("/api/v1/company/webhook/", "get"),
    ("/api/v1/company/webhook/", "put"),
    ("/api/v1/company/webhook/", "delete"),
}


@pytest.fixture
def schema(api_as: ApiAs) -> dict[str, Any]:
    """The schema as served to an anonymous client, in JSON."""
    response = api_as(None).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.content[:2000]
    return json.loads(response.content)


def test_the_schema_is_served_as_yaml(api_as: ApiAs) -> None:
    response = api_as(None).get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"openapi: 3." in response.content


def test_the_schema_is_valid_openapi(schema: dict[str, Any]) -> None:
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema


def test_the_schema_generates_without_warnings(tmp_path: Path) -> None:
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_every_endpoint_is_documented(schema: dict[str, Any]) -> None:
    documented = {
        (path, method)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }

    assert documented == OPERATIONS


def test_request_and_response_shapes_are_shown(schema: dict[str, Any]) -> None:
    paths, components = schema["paths"], schema["components"]["schemas"]
    submit = paths["/api/v1/declarations/"]["post"]
    decide = paths["/api/v1/reviews/{id}/decision/"]["post"]

    # The declaration document goes in as JSON; refusals come back as the error list
    assert "application/json" in submit["requestBody"]["content"]
    assert submit["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Declaration"
    }
    assert submit["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Errors"
    }
    assert set(components["Error"]["properties"]) == {
        "code",
        "severity",
        "pointer",
        "path",
        "message",
    }
    # The decision body, with its enum
    request_ref = decide["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    decision = components[request_ref.rsplit("/", 1)[1]]
    assert decision["required"] == ["decision"]
    enum_ref = decision["properties"]["decision"]["$ref"].rsplit("/", 1)[1]
    assert components[enum_ref]["enum"] == ["decide", "approved", "rejected", "info_requested"]
    # Paginated lists
    listed = paths["/api/v1/declarations/"]["get"]["responses"]["200"]["content"]
    page = components[listed["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
    # The three ways to authenticate
    assert set(schema["components"]["securitySchemes"]) == {"cookieAuth", "tokenAuth"}


def test_the_swagger_ui_loads_only_the_projects_own_files(client: Client, db: None) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert "swagger-ui-bundle.js" in page
    for source in sources:
        if source.startswith("/static/"):
            assert Path(_static_file(source)).is_file(), source


def test_the_swagger_ui_runs_under_the_strict_csp(client: Client, db: None) -> None:
    """``script-src 'self'`` blocks inline scripts: the Swagger UI must start from a file
    (``SpectacularSwaggerSplitView`` serves its start-up script at ``?script``)."""
    response = client.get("/api/docs/")

    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())
    assert inline == [], "inline <script> is blocked by the CSP; use SpectacularSwaggerSplitView"


def _static_file(url: str) -> str:
    from django.contrib.staticfiles import finders

    found = finders.find(url.removeprefix("/static/"))
    return found if isinstance(found, str) else ""
