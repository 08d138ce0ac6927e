"""Obtaining an API token, and the API's 404 for unknown URLs."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ..serializers import (
    ErrorsSerializer,
)
from .parsing import JSONBodyParser

# --- authentication and fallbacks ---------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class AuthTokenView(ObtainAuthToken):
    """``POST {"username", "password"}`` -> ``{"token": "..."}``; send it afterwards as
    ``Authorization: Token <token>``. Wrong credentials: 400 with an ``errors`` entry."""

    parser_classes = [JSONBodyParser, FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain an API token",
        responses={200: TokenSerializer, 400: ErrorsSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_not_found(request: Request, *args: Any, **kwargs: Any) -> Response:
    """Any other URL under the API: 404 in the API's error shape (not an HTML page)."""
    raise exceptions.NotFound("No such API resource.")
