"""Writes about accounts: the access audit, API tokens, sign-out everywhere, two-factor
enrolment and reset, unlocking. Each write in one transaction."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccessEvent, AccessEventKind, AccountSecurity, ApiToken
from .selectors import client_ip

# Key layout: "nsw_" + 43 URL-safe characters (32 random bytes). The prefix lets secret
# scanners recognise a leaked key (as GitHub's token formats do).
TOKEN_KEY_PREFIX = "nsw_"
TOKEN_PREFIX_SHOWN = 12
RECOVERY_CODE_COUNT = 10


def access_event_record(
    kind: AccessEventKind,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    detail: str = "",
) -> AccessEvent:
    """Append one row to the access audit. ``user`` defaults to the request's user when
    signed in; ``username`` to the user's (a failed sign-in passes the name as typed)."""
    if user is None and not username and request is not None:
        candidate = getattr(request, "user", None)
        if getattr(candidate, "is_authenticated", False):
            user = candidate
    if user is not None and not username:
        username = user.get_username()
    meta = request.META if request is not None else {}
    return AccessEvent.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        ip_address=client_ip(request) if request is not None else None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
        method=(request.method or "")[:10] if request is not None else "",
        path=request.path[:300] if request is not None else "",
        detail=detail[:300],
    )


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(
    user: Any,
    *,
    name: str,
    expires_at: datetime | None = None,
    read_only: bool = False,
    created_by: Any = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the row and the key, which is shown once and
    never stored. ``expires_at`` defaults to ``API_TOKEN_DEFAULT_DAYS`` from now and may
    not exceed ``API_TOKEN_MAX_DAYS`` (ASVS 4.0 V3.5.3: credentials expire)."""
    now = timezone.now()
    latest = now + timedelta(days=settings.API_TOKEN_MAX_DAYS)
    if expires_at is None:
        expires_at = now + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    expires_at = min(expires_at, latest)
    key = TOKEN_KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:TOKEN_PREFIX_SHOWN],
        key_hash=token_hash(key),
        read_only=read_only,
        created_by=created_by or user,
        created_at=now,
        expires_at=expires_at,
    )
    access_event_record(
        AccessEventKind.TOKEN_CREATED,
        request=request,
        user=user,
        detail=f"{token.name} ({token.prefix}…), expires {expires_at:%Y-%m-%d %H:%M} UTC"
        + (", read-only" if read_only else ""),
    )
    return token, key


@transaction.atomic
def token_revoke(token: ApiToken, *, request: HttpRequest | None = None) -> bool:
    """Revoke ``token`` (conditional update: a second revoke is a no-op, returns False)."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        access_event_record(
            AccessEventKind.TOKEN_REVOKED,
            request=request,
            user=token.user,
            detail=f"{token.name} ({token.prefix}…)",
        )
    return bool(revoked)


def token_mark_used(token: ApiToken, request: HttpRequest) -> None:
    """Note that ``token`` was used; at most one audit row per token per
    ``API_TOKEN_USE_AUDIT_SECONDS`` (every request would flood the audit): the conditional
    update makes concurrent requests write one row between them."""
    now = timezone.now()
    quiet_since = now - timedelta(seconds=settings.API_TOKEN_USE_AUDIT_SECONDS)
    ip = client_ip(request)
    with transaction.atomic():
        first = (
            ApiToken.objects.filter(pk=token.pk)
            .exclude(last_used_at__gte=quiet_since)
            .update(last_used_at=now, last_used_ip=ip)
        )
        if first:
            access_event_record(
                AccessEventKind.TOKEN_USED,
                request=request,
                user=token.user,
                detail=f"{token.name} ({token.prefix}…)",
            )


@transaction.atomic
def sessions_end_everywhere(user: Any, *, request: HttpRequest | None = None) -> None:
    """End every session of ``user`` (this one included, at its next request): sessions
    that began before now are refused by ``SessionGuardMiddleware``."""
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"sessions_valid_after": timezone.now()}
    )
    access_event_record(AccessEventKind.SIGNED_OUT_EVERYWHERE, request=request, user=user)


@transaction.atomic
def two_factor_begin(user: Any) -> TOTPDevice:
    """An unconfirmed TOTP device for enrolment (RFC 6238, 30 s steps, 6 digits), replacing
    any earlier unconfirmed one; confirmed devices are kept until the new one is confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def two_factor_confirm(
    device: TOTPDevice, code: str, *, request: HttpRequest | None = None
) -> list[str] | None:
    """Confirm the enrolment if ``code`` is the device's current code: the device becomes
    the user's only TOTP device and fresh recovery codes are issued (returned, shown once).
    None when the code is wrong."""
    if not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    codes = recovery_codes_issue(device.user)
    access_event_record(AccessEventKind.TWO_FACTOR_ENROLLED, request=request, user=device.user)
    return codes


@transaction.atomic
def recovery_codes_issue(user: Any) -> list[str]:
    """Replace the user's recovery codes by ``RECOVERY_CODE_COUNT`` new single-use ones
    (django-otp's static device; each is consumed when used)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_reset(user: Any, *, request: HttpRequest | None = None) -> None:
    """An administrator removes the user's authenticator and recovery codes (a lost
    phone); the user enrols again at the next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end_everywhere(user, request=request)
    access_event_record(
        AccessEventKind.TWO_FACTOR_RESET,
        request=request,
        user=user,
        detail=_by(request),
    )


def sign_in_unlock(username: str, *, request: HttpRequest | None = None) -> int:
    """An administrator lifts the lock of ``username`` (its django-axes attempts are
    removed); returns how many attempt rows went."""
    removed = axes_reset(username=username)
    access_event_record(
        AccessEventKind.UNLOCKED, request=request, user=None, username=username, detail=_by(request)
    )
    return removed


def _by(request: HttpRequest | None) -> str:
    user = getattr(request, "user", None)
    return f"by {user.get_username()}" if getattr(user, "is_authenticated", False) else ""
