"""The access audit listens to Django's and django-axes' authentication signals: sign-ins,
failures, sign-outs and locks happen inside Django's and axes' own code, and signals are the
hook those libraries give. Each receiver only appends an audit row."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest
from django.utils import timezone

from .middleware import LAST_SEEN, SIGNED_IN_AT
from .models import AccessEventKind
from .services import access_event_record


def _http_request(request: Any) -> HttpRequest | None:
    # DRF's Request wraps the HttpRequest; the audit reads META and path from the inner one.
    return getattr(request, "_request", request)


def on_logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request = _http_request(request)
    session = getattr(request, "session", None)
    # A session sign-in (not the API's token endpoint): note when it began, for "sign out
    # everywhere", and start the inactivity clock.
    if session is not None and session.get(SESSION_KEY):
        now = timezone.now().isoformat()
        session[SIGNED_IN_AT] = session[LAST_SEEN] = now
    access_event_record(AccessEventKind.SIGNED_IN, request=request, user=user)


def on_logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        access_event_record(AccessEventKind.SIGNED_OUT, request=_http_request(request), user=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    access_event_record(
        AccessEventKind.SIGN_IN_FAILED,
        request=_http_request(request),
        username=str(credentials.get("username", "")),
    )


def on_locked_out(
    sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any
) -> None:
    access_event_record(
        AccessEventKind.LOCKED_OUT, request=_http_request(request), username=username or ""
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts-audit-logged-in")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts-audit-logged-out")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts-audit-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="accounts-audit-locked-out")
