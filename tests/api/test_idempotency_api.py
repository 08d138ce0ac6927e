"""``Idempotency-Key`` on ``POST /api/v1/declarations/``: a retry gets the first answer."""

import json
import uuid

import pytest

from declarations.models import Declaration, IdempotencyRecord, Trader
from tests.api.conftest import ApiAs
from tests.factories import valid_document

pytestmark = pytest.mark.django_db
URL = "/api/v1/declarations/"


def post(client, body: dict, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_two_identical_posts_with_one_key_lodge_one_declaration(
    api_as: ApiAs, trader_a: Trader
) -> None:
    client = api_as(trader_a.user)
    key = str(uuid.uuid4())
    first = post(client, valid_document(), key)
    again = post(client, valid_document(), key)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Declaration.objects.filter(company=trader_a.company).count() == 1
    # Without the key, the same body is a new request: its LRN is now taken
    assert post(client, valid_document(), None).status_code == 409


def test_the_same_key_with_another_body_answers_422(api_as: ApiAs, trader_a: Trader) -> None:
    client = api_as(trader_a.user)
    assert post(client, valid_document(), "k-1").status_code == 201
    other = post(client, valid_document(LocalReferenceNumber="LRN-OTHER-1"), "k-1")
    assert other.status_code == 422
    assert other.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert Declaration.objects.filter(company=trader_a.company).count() == 1


def test_a_refusal_is_replayed_too_and_keys_are_per_company(
    api_as: ApiAs, trader_a: Trader, trader_b: Trader
) -> None:
    bad = valid_document(TypeCode="ZZZ")
    first = post(api_as(trader_a.user), bad, "k-2")
    assert first.status_code == 400
    assert post(api_as(trader_a.user), bad, "k-2").content == first.content
    # The other company's same key is its own
    other = post(api_as(trader_b.user), valid_document(), "k-2")
    assert other.status_code == 400  # declarant is company A: refused, but not as a replay
    assert "Idempotent-Replayed" not in other
    assert IdempotencyRecord.objects.filter(key="k-2").count() == 2


def test_a_key_still_in_progress_answers_409_and_a_bad_key_400(
    api_as: ApiAs, trader_a: Trader
) -> None:
    IdempotencyRecord.objects.create(
        company=trader_a.company, key="busy", fingerprint="x" * 64, status_code=None
    )
    client = api_as(trader_a.user)
    # (another body: 422 comes first; the same fingerprint while running: 409)
    from declarations.idempotency import request_fingerprint

    body = json.dumps(valid_document()).encode()
    IdempotencyRecord.objects.filter(key="busy").update(
        fingerprint=request_fingerprint("POST", URL, "application/json", body)
    )
    running = client.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="busy")
    assert running.status_code == 409
    assert post(client, valid_document(), "bad key with blanks").status_code == 400
    assert not Declaration.objects.exists()
