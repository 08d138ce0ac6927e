"""The unread count in the navbar, for traders and officers."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``notifications_unread`` (``None`` for users without notifications) and
    ``portal_poll_seconds`` (how often pages ask for news)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(user, "trader", None) is None and getattr(user, "officer", None) is None:
        return {}
    return {
        "notifications_unread": unread_count(user),
        "portal_poll_seconds": settings.PORTAL_POLL_SECONDS,
    }
