"""DRF authentication with the accounts' own API tokens (``Authorization: Token <key>``),"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from .models import AccessEventKind, ApiToken
from .services import access_event_record, token_hash, token_mark_used

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` -> ``(user, ApiToken)``.

    401 for an unknown, expired or revoked key or an inactive user (the refusal of a known
    token is audited); 403 when a read-only token asks for anything but GET, HEAD or
    OPTIONS. A use is noted at most every ``API_TOKEN_USE_AUDIT_SECONDS``.
    """

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from error
        token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        refusal = self._refusal(token)
        if refusal:
            access_event_record(
                AccessEventKind.TOKEN_REFUSED,
                request=request._request,
                user=token.user,
                detail=f"{token.name} ({token.prefix}…): {refusal}",
            )
            raise exceptions.AuthenticationFailed(refusal)
        if token.read_only and request.method not in SAFE_METHODS:
            # DRF forgets the user when authentication raises; the audit of the 403 keeps it.
            request._request.audit_user = token.user
            raise exceptions.PermissionDenied(_("This token is read-only."))
        token_mark_used(token, request._request)
        return token.user, token

    @staticmethod
    def _refusal(token: ApiToken) -> str:
        if token.revoked_at is not None:
            return _("This token has been revoked.")
        if token.expires_at <= timezone.now():
            return _("This token expired on %(when)s UTC.") % {
                "when": f"{token.expires_at:%Y-%m-%d %H:%M}"
            }
        if not token.user.is_active:
            return _("This account is disabled.")
        return ""

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token scheme in the OpenAPI schema (drf-spectacular)."""

    target_class = "singlewindow.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=KEYWORD
        )
