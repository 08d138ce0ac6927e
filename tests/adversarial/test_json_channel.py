"""Hostile JSON on every endpoint that takes a declaration (submit, draft, draft update,
draft submit): random values, a valid declaration edited at random places with random
Unicode, huge numbers, wrong types and deep nesting, duplicate member names, broken bytes.
Only the invariants are asserted: no 5xx, the one error shape, nothing half-saved."""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from declarations.services import declaration_save_draft
from tests.adversarial.conftest import post_hostile
from tests.adversarial.strategies import (
    edited_documents,
    hostile_values,
    json_text,
    with_duplicate_key,
)
from tests.factories import VALID_DOCUMENT

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/declarations/"
DRAFTS = "/api/v1/declarations/drafts/"
JSON = "application/json"
# Hypothesis runs many examples in one test (one database transaction): the fixtures are
# set up once, which is what these tests want.
FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@FIXTURES
@given(body=hostile_values, path=st.sampled_from([SUBMIT, DRAFTS]))
def test_random_json_values(hostile_client: APIClient, body: Any, path: str) -> None:
    post_hostile(hostile_client, path, json_text(body).encode(), JSON)


@FIXTURES
@given(document=edited_documents(VALID_DOCUMENT), path=st.sampled_from([SUBMIT, DRAFTS]))
def test_a_valid_declaration_edited_at_random(
    hostile_client: APIClient, document: Any, path: str
) -> None:
    post_hostile(hostile_client, path, json_text(document).encode(), JSON)


@FIXTURES
@given(
    key=st.sampled_from(["Declaration", "FunctionalReferenceID", "TypeCode", "x"]),
    value=hostile_values,
)
def test_duplicate_member_names_are_refused(
    hostile_client: APIClient, key: str, value: Any
) -> None:
    text = with_duplicate_key(json.dumps(VALID_DOCUMENT), key, json_text(value))

    response = post_hostile(hostile_client, SUBMIT, text.encode(), JSON)

    if key == "Declaration":  # the root object holds "Declaration" twice now
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "malformed"


@FIXTURES
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [b"\xef\xbb\xbf{}", b'{"a": 1e99999}', b"[" * 5000, b'{"a": NaN}', b"\x00" * 50]
        ),
    ),
    content_type=st.sampled_from([JSON, "application/json; charset=latin-1", "text/plain"]),
)
def test_broken_bytes(hostile_client: APIClient, raw: bytes, content_type: str) -> None:
    post_hostile(hostile_client, SUBMIT, raw, content_type)


@FIXTURES
@given(document=edited_documents(VALID_DOCUMENT), action=st.sampled_from(["put", "submit"]))
def test_a_draft_updated_or_submitted_with_hostile_json(
    hostile_client: APIClient, trader_a: Any, document: Any, action: str
) -> None:
    draft = declaration_save_draft(trader=trader_a, document={"Declaration": {}})
    body = json_text(document).encode()
    if action == "submit":
        post_hostile(hostile_client, f"/api/v1/declarations/{draft.pk}/submit/", body, JSON)
        return
    response = hostile_client.generic(
        "PUT", f"/api/v1/declarations/{draft.pk}/", body, content_type=JSON
    )
    assert response.status_code < 500, response.content[:500]
