"""API tokens: issued by ``auth/token/`` with an expiry, made and revoked by their owner,
stored hashed, refused (401) once expired or revoked, read-only scope (403 on writes)."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Officer
from declarations.models import Trader
from singlewindow.accounts.models import AccessEvent, AccessEventKind, ApiToken
from singlewindow.accounts.services import token_create, token_hash, token_revoke
from tests.api.helpers import codes_of, errors_of
from tests.factories import PASSWORD, VALID_DOCUMENT

pytestmark = pytest.mark.django_db

DECLARATIONS = "/api/v1/declarations/"
TOKENS = "/api/v1/auth/tokens/"


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_auth_token_issues_an_expiring_token(trader_a: Trader, settings: Any) -> None:
    before = timezone.now()

    response = APIClient().post(
        reverse("api:auth-token"), {"username": "trader.a", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    stored = ApiToken.objects.get(user=trader_a.user)
    assert stored.key_hash == token_hash(body["token"])
    lifetime = stored.expires_at - before
    assert timedelta(hours=settings.API_TOKEN_ISSUE_HOURS) - lifetime < timedelta(minutes=1)
    assert with_token(body["token"]).get(DECLARATIONS).status_code == 200
    assert AccessEvent.objects.filter(kind=AccessEventKind.TOKEN_CREATED, user=trader_a.user)


def test_an_expired_token_answers_401(trader_a: Trader) -> None:
    token, key = token_create(trader_a.user, name="ERP link")
    assert with_token(key).get(DECLARATIONS).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = with_token(key).get(DECLARATIONS)
    assert codes_of(response, 401) == {"authentication_failed"}
    assert "expired" in errors_of(response, 401)[0]["message"]
    assert AccessEvent.objects.filter(kind=AccessEventKind.TOKEN_REFUSED, user=trader_a.user)


def test_a_revoked_token_answers_401(trader_a: Trader) -> None:
    token, key = token_create(trader_a.user, name="ERP link")
    assert with_token(key).get(DECLARATIONS).status_code == 200

    assert token_revoke(token)
    assert not token_revoke(token)  # a second revoke changes nothing

    response = with_token(key).get(DECLARATIONS)
    assert "revoked" in errors_of(response, 401)[0]["message"]


def test_a_read_only_token_reads_but_does_not_lodge(trader_a: Trader) -> None:
    _token, key = token_create(trader_a.user, name="dashboard", read_only=True)
    client = with_token(key)

    assert client.get(DECLARATIONS).status_code == 200
    response = client.post(DECLARATIONS, VALID_DOCUMENT, format="json")
    assert codes_of(response, 403) == {"permission_denied"}
    assert AccessEvent.objects.filter(kind=AccessEventKind.PERMISSION_DENIED, user=trader_a.user)


def test_the_owner_lists_creates_and_revokes_tokens_over_the_api(trader_a: Trader) -> None:
    client = APIClient()
    client.force_login(trader_a.user)

    created = client.post(
        TOKENS, {"name": "ERP", "expires_in_days": 7, "read_only": True}, format="json"
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["read_only"] is True and body["prefix"] == body["token"][: len(body["prefix"])]
    listed = client.get(TOKENS).json()["results"]
    assert [t["name"] for t in listed] == ["ERP"] and "token" not in listed[0]
    assert client.delete(f"{TOKENS}{body['id']}/").status_code == 204
    assert with_token(body["token"]).get(DECLARATIONS).status_code == 401


def test_nobody_revokes_or_sees_another_users_token(trader_a: Trader, trader_b: Trader) -> None:
    token, key = token_create(trader_a.user, name="ERP")
    client = APIClient()
    client.force_login(trader_b.user)

    assert client.get(TOKENS).json()["results"] == []
    assert client.delete(f"{TOKENS}{token.pk}/").status_code == 404
    assert with_token(key).get(DECLARATIONS).status_code == 200


def test_a_token_lasts_at_most_the_longest_life(trader_a: Trader, settings: Any) -> None:
    client = APIClient()
    client.force_login(trader_a.user)
    settings.API_TOKEN_MAX_DAYS = 90

    response = client.post(TOKENS, {"name": "ERP", "expires_in_days": 365}, format="json")

    assert errors_of(response, 400)[0]["path"] == "/expires_in_days"


def test_the_security_page_creates_shows_once_and_revokes(trader_a: Trader) -> None:
    client = APIClient()
    client.force_login(trader_a.user)

    page = client.post(reverse("security"), {"name": "Nightly export", "days": 30})

    assert page.status_code == 200
    key = page.context["new_key"]
    assert key.startswith("nsw_") and key in page.content.decode()
    token = ApiToken.objects.get(user=trader_a.user, name="Nightly export")
    assert key not in client.get(reverse("security")).content.decode()  # shown only once
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 302
    assert with_token(key).get(DECLARATIONS).status_code == 401


def test_an_officer_with_two_factor_needs_the_code_for_a_token(
    officer_customs: Officer, settings: Any
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off after the wrong code below
    device = TOTPDevice.objects.create(user=officer_customs.user, confirmed=True)
    credentials = {"username": "officer.customs", "password": PASSWORD}
    api = APIClient()

    assert codes_of(api.post(reverse("api:auth-token"), credentials, format="json"), 400) == {
        "otp_required"
    }
    wrong = api.post(reverse("api:auth-token"), {**credentials, "otp": "000000"}, format="json")
    assert codes_of(wrong, 400) == {"otp_invalid"}
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    right = api.post(reverse("api:auth-token"), {**credentials, "otp": code}, format="json")
    assert right.status_code == 200, right.content
