"""Writes of notifications: record one per business event (with its deliveries, in the
caller's transaction), mark them read, set the company's webhook endpoint.

``notification_record`` is called by the service that writes the business event (the
declaration's services, the agencies' decisions, inspections, escalations), in the same
transaction and with the ``StatusEvent`` it wrote: the notification's unique ``key`` comes
from that event, so one business event is one notification however often the caller's
task is retried. Deliveries are outbox rows sent after commit (``delivery_dispatch``).
"""

import base64
import binascii
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation

from ..models import Declaration, StatusEvent
from .models import (
    Audience,
    Channel,
    CompanyWebhook,
    NotificationDelivery,
    NotificationEvent,
    NotificationRead,
)
from .selectors import notifications_for
from .texts import notification_text

logger = logging.getLogger(__name__)

DELIVER_TASK = "notifications.deliver"


def notification_record(
    event: StatusEvent,
    code: str,
    *,
    declaration: Declaration | None = None,
    audience: str = Audience.TRADER,
    agency: Any = None,
    **data: Any,
) -> NotificationEvent:
    """The notification of ``event`` for ``audience`` (the declaring company's users, or
    ``agency``'s officers or supervisors), written once: a second call for the same event,
    audience and agency returns the first row and sends nothing again.

    ``data`` (JSON values: ``message``, ``status``, ``version``...) fills the text of
    ``code`` (see ``texts``); the declaration's MRN, LRN and status and the agency's name
    are added. E-mail and webhook deliveries are written with it and sent after commit.
    """
    declaration = declaration or event.declaration
    key = f"{event.pk}:{audience}:{agency.pk if agency is not None else ''}"
    existing = NotificationEvent.objects.filter(key=key).first()
    if existing is not None:
        return existing
    data = {
        "ref": declaration.mrn or declaration.lrn or f"#{declaration.pk}",
        "mrn": declaration.mrn or "",
        "lrn": declaration.lrn,
        "declaration_status": declaration.status,
        **({"agency": agency.name} if agency is not None else {}),
        **data,
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = notification_text(code, data)
    notification = NotificationEvent.objects.create(
        key=key,
        code=code,
        audience=audience,
        declaration=declaration,
        company_id=declaration.company_id,
        agency=agency,
        source=event,
        text=text,
        data=data,
    )
    _write_deliveries(notification)
    return notification


def _recipients(notification: NotificationEvent) -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if notification.audience == Audience.TRADER:
        users = users.filter(trader__company_id=notification.company_id)
    else:
        # Officers are reached through their profile's reverse relation (declarations does
        # not import agencies).
        users = users.filter(officer__agency_id=notification.agency_id)
        if notification.audience == Audience.SUPERVISORS:
            users = users.filter(officer__is_supervisor=True)
    return sorted(set(users.values_list("email", flat=True)))


def _write_deliveries(notification: NotificationEvent) -> None:
    now = timezone.now()
    deliveries = []
    recipients = _recipients(notification)
    if recipients:
        deliveries.append(
            NotificationDelivery(
                notification=notification,
                channel=Channel.EMAIL,
                target=", ".join(recipients),
                next_attempt_at=now,
            )
        )
    if notification.audience == Audience.TRADER:
        webhook = CompanyWebhook.objects.filter(
            company_id=notification.company_id, enabled=True
        ).first()
        if webhook is not None:
            deliveries.append(
                NotificationDelivery(
                    notification=notification,
                    channel=Channel.WEBHOOK,
                    target=webhook.url,
                    next_attempt_at=now,
                )
            )
    for delivery in NotificationDelivery.objects.bulk_create(deliveries):
        transaction.on_commit(lambda pk=delivery.pk: delivery_dispatch(pk))


def delivery_dispatch(delivery_id: int, countdown: int | None = None) -> bool:
    """Send the delivery task for a committed delivery; ``False`` if the broker is down
    (the row stays pending and ``redrive_deliveries`` resends it)."""
    from singlewindow.celery import app as celery_app

    try:
        celery_app.tasks[DELIVER_TASK].apply_async((delivery_id,), countdown=countdown)
    except Exception:  # kombu raises many kinds when Redis is unreachable
        logger.warning("delivery %s not sent; beat will re-drive it", delivery_id, exc_info=True)
        return False
    return True


def notifications_mark_read(user: AbstractBaseUser, ids: list[int] | None = None) -> int:
    """Mark the user's notifications ``ids`` (all of them when ``None``) as read; returns
    how many were unread. Only notifications the user may see are marked."""
    visible = notifications_for(user).exclude(reads__user=user)
    if ids is not None:
        visible = visible.filter(pk__in=ids)
    unread = visible.values_list("pk", flat=True)
    rows = [NotificationRead(notification_id=pk, user=user) for pk in unread]
    # ignore_conflicts: the same page open twice marks once (unique_read_per_user).
    NotificationRead.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


class WebhookInvalid(Exception):
    """The webhook settings sent are refused; ``errors`` maps a field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


SECRET_PREFIX = "whsec_"


def _secret_checked(secret: str) -> str:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 24 to 64 random bytes."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not secret.startswith(SECRET_PREFIX) or not 24 <= len(key) <= 64:
        raise WebhookInvalid(
            {
                "secret": "Give whsec_ followed by the base64 of 24 to 64 random bytes, or leave "
                "it out to have one made."
            }
        )
    return secret


def webhook_set(
    *, user: AbstractBaseUser, url: str, secret: str = "", enabled: bool = True
) -> tuple[CompanyWebhook, str]:
    """Set the endpoint of the user's company (a trader): events for the company are sent
    to ``url`` (https; http only where ``WEBHOOK_ALLOW_HTTP``), signed with ``secret``
    (Standard Webhooks, ``whsec_...``); without one a new secret is made. Returns the row
    and the secret, which the API shows this once.
    """
    trader = getattr(user, "trader", None)
    if trader is None:
        raise WebhookInvalid({"url": "Only a trader sets the company's webhook."})
    url = (url or "").strip()
    allowed = ("https://", "http://") if settings.WEBHOOK_ALLOW_HTTP else ("https://",)
    if not url.lower().startswith(allowed) or len(url) > 500:
        raise WebhookInvalid({"url": "Give the https:// URL of your endpoint."})
    secret = (
        _secret_checked(secret.strip())
        if secret
        else (SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode())
    )
    with transaction.atomic():
        webhook, _created = CompanyWebhook.objects.update_or_create(
            company_id=trader.company_id,
            defaults={"url": url, "secret": secret, "enabled": enabled, "updated_by": user},
        )
    return webhook, secret
