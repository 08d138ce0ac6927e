"""Accounts' own tables: API tokens (stored hashed), the access audit and the per-user
session cut-off of "sign out everywhere".

Sign-in failures and locks are also kept by django-axes (``axes.AccessAttempt``,
``AccessFailureLog``); the access audit here is the one searchable history of who did what
with their credentials, when and from where (OWASP ASVS 4.0 V7.1-V7.2: log authentication
decisions with the source address, never the secret).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    UNLOCKED = "unlocked", _("Unlocked by an administrator")
    SIGNED_OUT = "signed_out", _("Signed out")
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("Signed out everywhere")
    SESSION_EXPIRED = "session_expired", _("Session expired after inactivity")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor enrolled")
    TWO_FACTOR_VERIFIED = "two_factor_verified", _("Two-factor code accepted")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Two-factor code refused")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor reset by an administrator")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_USED = "token_used", _("API token used")
    TOKEN_REFUSED = "token_refused", _("API token refused")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")


class AccessEvent(models.Model):
    """One authentication or authorisation decision: who (the account, or the username as
    typed when no account matched), what, when, from where (client address, user agent) and
    on which URL. Written by ``services.access_event_record``; never edited."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=32, choices=AccessEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"])]
        verbose_name = _("access event")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"


class ApiToken(models.Model):
    """A personal API credential: ``Authorization: Token <key>``.

    Only the SHA-256 of the key is stored (the key is 256 random bits, so a fast hash is
    enough: ASVS 4.0 V3.5.2 / V2.10.4); ``prefix`` is the key's first characters, shown so
    the owner can tell tokens apart. A token answers 401 once ``expires_at`` has passed or
    it is revoked; a ``read_only`` token may only read (GET, HEAD, OPTIONS).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("read-only"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: "timezone.datetime | None" = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class AccountSecurity(models.Model):
    """Per-user security state: sessions started before ``sessions_valid_after`` are ended
    at their next request ("sign out everywhere")."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_security"
    )
    sessions_valid_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("account security")

    def __str__(self) -> str:
        return f"security of {self.user}"
