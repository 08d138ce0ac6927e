"""What a locked-out person is told (django-axes' ``AXES_LOCKOUT_CALLABLE``).

Axes locks an account, and separately a client address, after ``AXES_FAILURE_LIMIT``
failed sign-ins within ``AXES_COOLOFF_TIME`` (OWASP ASVS 4.0 V2.2.1). Every attempt during
the lock restarts the cool-off (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``), so the
time to retry is the cool-off counted from now. Browsers get a page, the API (paths under
``/api/``) its JSON error shape; both 429 with ``Retry-After`` (RFC 9110 section 10.2.3).
"""

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from declarations.api.errors import error_entry


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    retry_at = timezone.now() + cool_off if cool_off else None
    minutes = max(1, (seconds + 59) // 60)
    if retry_at is not None:
        message = ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute, after "
            "%(time)s UTC.",
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes, after "
            "%(time)s UTC.",
            minutes,
        ) % {"minutes": minutes, "time": f"{retry_at:%H:%M}"}
    else:
        message = _(
            "Too many failed sign-in attempts. This account is locked: ask an administrator "
            "to unlock it."
        )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"errors": [error_entry("locked_out", message)], "warnings": []}, status=429
        )
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"message": message, "retry_at": retry_at},
            status=429,
        )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
