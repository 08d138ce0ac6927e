"""Sending one delivery attempt: an e-mail through Django's e-mail backend, or a webhook
POST signed in the Standard Webhooks format (https://www.standardwebhooks.com/, the
``standardwebhooks`` package), and the backoff between attempts.

Every attempt of a webhook carries the same ``webhook-id`` (the notification's ``uid``),
so a receiver that sees it twice (it answered too late, or a worker died after sending)
drops the copy. The signature covers ``id.timestamp.body`` with a fresh timestamp each
attempt, as the specification asks.
"""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks import Webhook

from .models import (
    Channel,
    CompanyWebhook,
    DeliveryAttempt,
    DeliveryStatus,
    NotificationDelivery,
    NotificationEvent,
)


class DeliveryFailed(Exception):
    """The attempt did not deliver; ``status_code`` is the receiver's answer, if any."""

    def __init__(self, message: str, status_code: int | None = None):
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """What an attempt left: the delivery's status and, if pending, seconds to the next."""

    status: str
    retry_in: float | None = None


def backoff_seconds(attempt: int) -> float:
    """Wait after failed attempt ``attempt`` (1-based): base x 2^(attempt-1), capped."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return min(base * 2 ** (attempt - 1), settings.NOTIFICATION_RETRY_MAX_SECONDS)


def webhook_payload(notification: NotificationEvent) -> dict[str, Any]:
    """The JSON body: Standard Webhooks' ``type``, ``timestamp`` (of the event) and
    ``data`` (the notification as the pull API shows it)."""
    return {
        "type": notification.code,
        "timestamp": notification.created_at.isoformat(),
        "data": notification_data(notification),
    }


def notification_data(notification: NotificationEvent) -> dict[str, Any]:
    """One notification as the API and the webhook show it."""
    data = notification.data
    return {
        "id": notification.pk,
        "event_id": str(notification.uid),
        "code": notification.code,
        "text": notification.text,
        "created_at": notification.created_at.isoformat(),
        "declaration": {
            "id": notification.declaration_id,
            "mrn": data.get("mrn", ""),
            "lrn": data.get("lrn", ""),
            "status": data.get("declaration_status", ""),
        },
        "agency": data.get("agency", ""),
        "message": data.get("message", ""),
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is not a delivery: the endpoint is the URL the company set.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _send_webhook(delivery: NotificationDelivery, now: datetime) -> int:
    notification = delivery.notification
    endpoint = CompanyWebhook.objects.filter(company_id=notification.company_id).first()
    if endpoint is None or not endpoint.enabled:
        raise DeliveryFailed("the company has no webhook endpoint any more")
    body = json.dumps(webhook_payload(notification), separators=(",", ":"))
    msg_id = f"msg_{notification.uid.hex}"
    signature = Webhook(endpoint.secret).sign(msg_id, now, body)
    request = urllib.request.Request(
        delivery.target,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "NationalSingleWindow-Webhooks/1",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}", status_code=error.code) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailed(f"{type(error).__name__}: {reason}"[:500]) from None


def _send_email(delivery: NotificationDelivery) -> None:
    notification = delivery.notification
    recipients = [address.strip() for address in delivery.target.split(",") if address.strip()]
    subject = f"[{settings.NOTIFICATION_EMAIL_SUBJECT_PREFIX}] {notification.text}"[:150]
    message = EmailMessage(
        subject=" ".join(subject.split()), body=notification.text, bcc=recipients
    )
    try:
        message.send()
    except Exception as error:  # SMTP and socket errors of every kind
        raise DeliveryFailed(f"{type(error).__name__}: {error}"[:500]) from None


def delivery_attempt(delivery_id: int, now: datetime | None = None) -> AttemptOutcome | None:
    """Make the next attempt of a pending delivery that is due, log it, and schedule the
    next one with exponential backoff (``backoff_seconds``) or give up after
    ``NOTIFICATION_MAX_ATTEMPTS``. ``None`` when there is nothing to do: delivered,
    failed, not due yet, or another worker holds the attempt.

    The claim is a conditional update moving ``next_attempt_at`` past the attempt's
    longest duration (a lease): a second worker, a re-driven or redelivered message,
    finds nothing due. A worker that dies mid-attempt leaves the lease to expire, and the
    re-drive tries again (with the same event id).
    """
    now = now or timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 30)
    claimed = NotificationDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + lease, attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = NotificationDelivery.objects.select_related("notification").get(pk=delivery_id)
    started = time.monotonic()
    status_code: int | None = None
    error = ""
    try:
        if delivery.channel == Channel.WEBHOOK:
            status_code = _send_webhook(delivery, now)
        else:
            _send_email(delivery)
    except DeliveryFailed as failure:
        error, status_code = str(failure), failure.status_code
    duration_ms = int((time.monotonic() - started) * 1000)
    number = delivery.attempts
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            at=now,
            ok=not error,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
        )
        if not error:
            outcome = AttemptOutcome(DeliveryStatus.DELIVERED)
            changes: dict[str, Any] = {"delivered_at": timezone.now(), "last_error": ""}
        elif number >= settings.NOTIFICATION_MAX_ATTEMPTS:
            outcome = AttemptOutcome(DeliveryStatus.FAILED)
            changes = {"last_error": error}
        else:
            wait = backoff_seconds(number)
            outcome = AttemptOutcome(DeliveryStatus.PENDING, wait)
            changes = {"last_error": error, "next_attempt_at": now + timedelta(seconds=wait)}
        NotificationDelivery.objects.filter(pk=delivery_id).update(status=outcome.status, **changes)
    return outcome
