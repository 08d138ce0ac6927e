"""The API's 404 for unknown URLs. (Obtaining a token: ``singlewindow.accounts.api``.)"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_not_found(request: Request, *args: Any, **kwargs: Any) -> Response:
    """Any other URL under the API: 404 in the API's error shape (not an HTML page)."""
    raise exceptions.NotFound("No such API resource.")
