"""Notification events, who has read them, their deliveries (e-mail, webhook) with every
attempt, and each company's webhook endpoint."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import Company, Declaration, StatusEvent


class NotificationCode(models.TextChoices):
    """Stable codes of the business events (the webhook ``type``; the API ``code``)."""

    ACCEPTED = "declaration.accepted", _("Declaration accepted")
    ROUTED = "declaration.routed", _("Sent to agencies")
    INFORMATION_REQUESTED = "review.information_requested", _("Information requested")
    INSPECTION_APPOINTMENT = "inspection.appointment", _("Inspection appointment")
    AGENCY_OUTCOME = "review.outcome", _("Agency outcome")
    CLEARED = "declaration.cleared", _("Cleared")
    CLEARED_WITH_CONDITIONS = "declaration.cleared_with_conditions", _("Cleared with conditions")
    PARTIALLY_RELEASED = "declaration.partially_released", _("Partially released")
    REJECTED = "declaration.rejected", _("Rejected")
    CANCELLED = "declaration.cancelled", _("Cancelled")
    AMENDED = "declaration.amended", _("Amendment accepted")
    TRADER_ANSWERED = "trader.answered", _("Trader answered")
    TRADER_AMENDED = "trader.amended", _("Trader amended")
    REVIEW_ESCALATED = "review.escalated", _("Review escalated")
    ITEM_CALLED_IN = "review.item_called_in", _("Disclaimed item called in")


class Audience(models.TextChoices):
    """Who a notification is for: the declaring company's users, an agency's officers, or
    only its supervisors."""

    TRADER = "trader", _("Trader")
    AGENCY = "agency", _("Agency officers")
    SUPERVISORS = "supervisors", _("Agency supervisors")


class NotificationEvent(models.Model):
    """One business event, stored once, for one audience.

    ``key`` makes it once: ``<status event id>:<audience>:<agency id>``, written in the
    transaction of the status event that caused it, so a retried task or a repeated
    request cannot write a second row. ``uid`` is the Standard Webhooks ``webhook-id`` of
    every delivery attempt. ``text`` is the message in the site's language at the time;
    ``data`` holds what the text was made of (MRN, LRN, status, agency, message).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=80, unique=True)
    code = models.CharField(_("code"), max_length=50, choices=NotificationCode.choices)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="notifications"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="notifications")
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    source = models.ForeignKey(
        StatusEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"))
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["company", "audience", "-id"]),
            models.Index(fields=["agency", "audience", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} #{self.pk} ({self.declaration})"


class NotificationRead(models.Model):
    """That ``user`` has seen the notification on the portal (the unread count)."""

    notification = models.ForeignKey(
        NotificationEvent, on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "user"], name="unique_read_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} read by {self.user_id}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class NotificationDelivery(models.Model):
    """The outbox row of one notification on one channel: written with the notification,
    sent after commit, retried with exponential backoff until delivered or given up.

    ``next_attempt_at`` is when the next attempt is due; a worker claims the row by moving
    it forward (a conditional update, see ``delivery.delivery_attempt``), so two workers
    never send the same attempt. ``target`` is the URL or the e-mail addresses as they
    were when the event happened.
    """

    notification = models.ForeignKey(
        NotificationEvent, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    target = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="unique_delivery_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} of {self.notification_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One attempt at a delivery, kept: when, the HTTP status (webhook), the error, how long."""

    delivery = models.ForeignKey(
        NotificationDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    ok = models.BooleanField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField()

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="unique_attempt_number")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id} ({'ok' if self.ok else self.error})"


class CompanyWebhook(models.Model):
    """The company's webhook endpoint: events for the company are POSTed there, signed with
    ``secret`` in the Standard Webhooks format (``whsec_`` + base64 of the key)."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="webhook")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("company webhook")
        verbose_name_plural = _("company webhooks")

    def __str__(self) -> str:
        return f"{self.company}: {self.url}"
