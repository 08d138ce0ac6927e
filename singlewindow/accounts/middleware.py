"""Per-request guards on signed-in sessions, and the audit of permission denials."""

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.api.errors import error_entry

from . import selectors
from .models import AccessEventKind, AccountSecurity
from .services import access_event_record

SIGNED_IN_AT = "accounts_signed_in_at"
LAST_SEEN = "accounts_last_seen"
# Write the last-seen time at most this often (each write saves the session).
LAST_SEEN_RESOLUTION = timedelta(seconds=30)
# Pages an account that still owes its second factor may open.
TWO_FACTOR_OPEN_URLS = ("two_factor_verify", "two_factor_setup", "logout", "set_language")

Handler = Callable[[HttpRequest], HttpResponse]


class SessionGuardMiddleware:
    """For each signed-in session, in order:

    1. ended by "sign out everywhere" if it began before the user's cut-off;
    2. for officers, supervisors and administrators, ended after
       ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request (OWASP ASVS 4.0 V3.3.2);
    3. an account that needs two-factor and has not given its code yet reaches only the
       two-factor pages (browsers are sent there; the API answers 403).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            answer = self._guard(request, user)
            if answer is not None:
                return answer
        return self.get_response(request)

    def _guard(self, request: HttpRequest, user: object) -> HttpResponse | None:
        now = timezone.now()
        signed_in_at = _when(request.session.get(SIGNED_IN_AT))
        cut_off = (
            AccountSecurity.objects.filter(user=user)
            .values_list("sessions_valid_after", flat=True)
            .first()
        )
        if cut_off is not None and (signed_in_at is None or signed_in_at < cut_off):
            return self._end(request, _("You were signed out on all your devices."))
        if selectors.user_is_privileged(user):
            last_seen = _when(request.session.get(LAST_SEEN))
            idle = timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES)
            if last_seen is not None and now - last_seen > idle:
                access_event_record(AccessEventKind.SESSION_EXPIRED, request=request, user=user)
                return self._end(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES},
                )
            if last_seen is None or now - last_seen > LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now.isoformat()
        if selectors.two_factor_required(user) and not user.is_verified():  # type: ignore[attr-defined]
            return self._second_factor_owed(request, user)
        return None

    @staticmethod
    def _end(request: HttpRequest, message: str) -> HttpResponse:
        path = request.get_full_path()
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"errors": [error_entry("not_authenticated", message)], "warnings": []},
                status=401,
            )
        messages.info(request, message)
        return redirect(f"{reverse('login')}?{urlencode({'next': path})}")

    @staticmethod
    def _second_factor_owed(request: HttpRequest, user: object) -> HttpResponse | None:
        try:
            # Resolved here: the middleware runs before URL resolution.
            if resolve(request.path_info).url_name in TWO_FACTOR_OPEN_URLS:
                return None
        except Resolver404:
            pass
        if request.path.startswith("/api/"):
            message = _("Give your two-factor code in the portal before using the API.")
            return JsonResponse(
                {"errors": [error_entry("two_factor_required", message)], "warnings": []},
                status=403,
            )
        step = "two_factor_verify" if selectors.user_has_two_factor(user) else "two_factor_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class AccessDeniedAuditMiddleware:
    """Every 403 answer goes to the access audit: who was refused what, when, from where."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            access_event_record(
                AccessEventKind.PERMISSION_DENIED,
                request=request,
                user=getattr(request, "audit_user", None),
                detail=_reason(response),
            )
        return response


def _reason(response: HttpResponse) -> str:
    data = getattr(response, "data", None)
    if isinstance(data, dict):
        errors = data.get("errors") or []
        if errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
    return ""


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
