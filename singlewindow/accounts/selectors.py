"""Reads about accounts: who is privileged, whether a second factor is needed, tokens."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken


def user_is_privileged(user: Any) -> bool:
    """Officers, supervisors and administrators: the accounts that can release goods or
    change where goods are checked. They get two-factor and the inactivity expiry
    (issue 8; OWASP ASVS 4.0 V2.7-V2.8 and V3.3.2 for such accounts)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(getattr(user, profile, None) is not None for profile in ("officer", "supervisor"))


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` must pass a second factor: privileged accounts when
    ``TWO_FACTOR_REQUIRED`` (on when ``DJANGO_DEBUG=0``), and anyone who enrolled a device
    (a user who chose two-factor on the demo gets it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.TWO_FACTOR_REQUIRED and user_is_privileged(user):
        return True
    return user_has_two_factor(user)


def user_has_two_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (usable, expired and revoked alike)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    address the outermost trusted proxy saw (counted from the right of
    ``X-Forwarded-For``, RFC 7239 section 5.2: entries further left are client-supplied
    and can be forged). The same rule as DRF's ``NUM_PROXIES``."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR") or None
