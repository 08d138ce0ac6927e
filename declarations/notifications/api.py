"""REST API of notifications (mounted under ``/api/v1/`` by ``singlewindow.api_urls``):

- ``GET notifications/?since=<id>&limit=<n>``: the user's notifications after ``since``
  (an id from an earlier answer; 0 or absent: from the first), oldest first, at most
  ``limit`` (default 100, at most 200), with ``next_since`` to ask for the next ones, for
  systems that cannot receive webhooks. Traders get their company's, officers their
  agency's.
- ``GET / PUT / DELETE company/webhook/``: the trader's company's webhook endpoint
  (``url``, ``secret``, ``enabled``); ``PUT`` answers the secret (made when not given).
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ..api.base import ApiView, TraderApiView, paging_value
from ..api.errors import InvalidQuery
from ..api.schema import ERROR_RESPONSES
from .delivery import notification_data
from .models import CompanyWebhook
from .selectors import notifications_for
from .services import WebhookInvalid, webhook_set

DEFAULT_LIMIT = 100
MAX_LIMIT = 200


class IsRecipient(BasePermission):
    """Traders and officers: the users who receive notifications."""

    message = "Only trader and officer accounts receive notifications."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return getattr(user, "trader", None) is not None or getattr(user, "officer", None)


class NotificationSerializer(serializers.Serializer):
    """One notification (the ``data`` of its webhook)."""

    id = serializers.IntegerField()
    event_id = serializers.UUIDField(help_text="The webhook-id of its deliveries.")
    code = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    declaration = serializers.DictField()
    agency = serializers.CharField()
    message = serializers.CharField()


class NotificationPageSerializer(serializers.Serializer):
    results = NotificationSerializer(many=True)
    next_since = serializers.IntegerField()


def _query_int(request: Request, name: str, default: int, least: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return paging_value(raw, least)
    except exceptions.ValidationError as error:
        raise InvalidQuery({name: error.detail}) from None


class NotificationListView(ApiView):
    permission_classes = [IsAuthenticated, IsRecipient]
    pagination_class = None

    @extend_schema(
        operation_id="notifications_list",
        summary="Notifications after an id, oldest first (pull)",
        parameters=[
            OpenApiParameter("since", OpenApiTypes.INT, description="Last id already seen."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"At most {MAX_LIMIT}."),
        ],
        responses={200: NotificationPageSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        since = _query_int(request, "since", 0, 0)
        limit = min(_query_int(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
        notifications = list(
            notifications_for(request.user).filter(pk__gt=since).order_by("pk")[:limit]
        )
        return Response(
            {
                "results": [notification_data(n) for n in notifications],
                "next_since": notifications[-1].pk if notifications else since,
            }
        )


class WebhookSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    secret = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="whsec_<base64>; left out: a new one is made and answered once.",
    )
    enabled = serializers.BooleanField(required=False, default=True)


def _webhook_answer(webhook: CompanyWebhook | None, secret: str = "") -> dict[str, Any]:
    if webhook is None:
        return {"url": None, "enabled": False, "updated_at": None}
    answer: dict[str, Any] = {
        "url": webhook.url,
        "enabled": webhook.enabled,
        "updated_at": webhook.updated_at.isoformat(),
    }
    if secret:
        answer["secret"] = secret
    return answer


class CompanyWebhookView(TraderApiView):
    """The company's webhook endpoint: events are POSTed there, signed in the Standard
    Webhooks format (headers ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``;
    the same ``webhook-id`` on every retry)."""

    @extend_schema(
        operation_id="company_webhook_retrieve",
        summary="The company's webhook endpoint (the secret is never shown again)",
        responses={200: OpenApiTypes.OBJECT, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        webhook = CompanyWebhook.objects.filter(company_id=self.trader().company_id).first()
        return Response(_webhook_answer(webhook))

    @extend_schema(
        operation_id="company_webhook_set",
        summary="Set the company's webhook endpoint and signing secret",
        request=WebhookSerializer,
        responses={200: OpenApiTypes.OBJECT, **ERROR_RESPONSES},
    )
    def put(self, request: Request) -> Response:
        given = WebhookSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            webhook, secret = webhook_set(user=request.user, **given.validated_data)
        except WebhookInvalid as invalid:
            raise exceptions.ValidationError(invalid.errors) from None
        return Response(_webhook_answer(webhook, secret))

    @extend_schema(
        operation_id="company_webhook_delete",
        summary="Stop sending webhooks to the company",
        responses={204: None, **ERROR_RESPONSES},
    )
    def delete(self, request: Request) -> Response:
        CompanyWebhook.objects.filter(company_id=self.trader().company_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
