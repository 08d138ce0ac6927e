"""API credentials: ``auth/token/`` (username + password [+ two-factor code] -> an
expiring token) and the user's own tokens (``auth/tokens/``: list, create, revoke)."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from declarations.api.base import ApiView
from declarations.api.parsing import JSONBodyParser
from declarations.serializers import ErrorsSerializer

from . import selectors, services
from .lockout import lockout_response
from .models import AccessEventKind, ApiToken


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=16, required=False, help_text="Two-factor code, for accounts that have it."
    )
    name = serializers.CharField(max_length=100, required=False)


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    name = serializers.CharField()
    expires_at = serializers.DateTimeField()
    read_only = serializers.BooleanField()


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it: never the key, which only its creation returns."""

    expires_in_days = serializers.IntegerField(
        write_only=True, required=False, min_value=1, max_value=365
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "read_only",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "expires_in_days",
        ]
        read_only_fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def validate_expires_in_days(self, value: int) -> int:
        if value > settings.API_TOKEN_MAX_DAYS:
            raise serializers.ValidationError(
                _("A token lasts at most %(days)d days.") % {"days": settings.API_TOKEN_MAX_DAYS}
            )
        return value


class AuthTokenView(ApiView):
    """``POST {"username", "password"[, "otp"][, "name"]}`` -> ``{"token", "expires_at", ...}``.

    The token lasts ``API_TOKEN_ISSUE_HOURS``. Accounts with two-factor give the current
    code as ``otp``. Wrong credentials: 400; after ``AXES_FAILURE_LIMIT`` failures for the
    account or the address: 429 with ``Retry-After`` until the cool-off ends.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONBodyParser, FormParser]
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain an expiring API token",
        request=CredentialsSerializer,
        responses={200: IssuedTokenSerializer, 400: ErrorsSerializer, 429: ErrorsSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        http_request = request._request
        # Through the HttpRequest, so django-axes counts the failure and marks the lock on
        # the request its middleware reads.
        user = authenticate(http_request, username=data["username"], password=data["password"])
        if getattr(http_request, "axes_locked_out", False):
            return lockout_response(http_request, None)  # type: ignore[return-value]
        if user is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to sign in with these credentials.")]},
                code="invalid_credentials",
            )
        if selectors.two_factor_required(user):
            self._check_second_factor(request, user, data.get("otp", ""))
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        hours = settings.API_TOKEN_ISSUE_HOURS
        token, key = services.token_create(
            user,
            name=data.get("name") or f"auth/token {timezone.now():%Y-%m-%d %H:%M}",
            expires_at=timezone.now() + timedelta(hours=hours),
            request=http_request,
        )
        return Response(
            {
                "token": key,
                "name": token.name,
                "expires_at": token.expires_at,
                "read_only": token.read_only,
            }
        )

    @staticmethod
    def _check_second_factor(request: Request, user: Any, code: str) -> None:
        if not selectors.user_has_two_factor(user):
            raise exceptions.ValidationError(
                {"otp": [_("Enrol two-factor in the portal before using the API.")]},
                code="two_factor_not_enrolled",
            )
        if not code:
            raise exceptions.ValidationError(
                {"otp": [_("This account needs its two-factor code.")]}, code="otp_required"
            )
        if match_token(user, code) is None:
            services.access_event_record(
                AccessEventKind.TWO_FACTOR_FAILED, request=request._request, user=user
            )
            raise exceptions.ValidationError(
                {"otp": [_("The two-factor code is wrong or expired.")]}, code="otp_invalid"
            )


class TokenCollectionView(ApiView):
    """``GET``: the user's tokens; ``POST {"name", "expires_in_days", "read_only"}``: a new
    one, whose key is in the answer (201) and never again."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> Any:
        return selectors.tokens_of(self.request.user)

    @extend_schema(
        operation_id="auth_tokens_list",
        summary="List my API tokens",
        responses=ApiTokenSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ApiTokenSerializer(page, many=True).data)

    @extend_schema(
        operation_id="auth_tokens_create",
        summary="Create an API token",
        responses={201: IssuedTokenSerializer, 400: ErrorsSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        days = data.get("expires_in_days") or settings.API_TOKEN_DEFAULT_DAYS
        token, key = services.token_create(
            request.user,
            name=data["name"],
            expires_at=timezone.now() + timedelta(days=days),
            read_only=data.get("read_only", False),
            request=request._request,
        )
        body = {"token": key, **ApiTokenSerializer(token).data}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenDetailView(ApiView):
    """``DELETE``: revoke one of the user's tokens (204; 404 for anyone else's)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer

    @extend_schema(operation_id="auth_tokens_revoke", summary="Revoke an API token")
    def delete(self, request: Request, pk: int) -> Response:
        token = get_object_or_404(selectors.tokens_of(request.user), pk=pk)
        services.token_revoke(token, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
