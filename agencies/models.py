"""Border agencies, their officers, the routing rules and the review tasks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration, DeclarationType, GoodsItem, StatusEvent


class Agency(models.Model):
    """A border agency that reviews declarations (customs, plant and animal health, ...).

    ``is_customs``: customs reviews every declaration whatever the routing rules say
    (WCO Single Window guidance: customs is the lead agency at the border).
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_customs = models.BooleanField(_("customs authority"), default=False)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    """A user who reviews the queue of exactly one agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"


class RoutingRule(models.Model):
    """Sends goods items that match every filled-in condition to ``agency`` for review.

    Conditions (blank = any): ``hs_prefix`` is the start of the HS code (WCO DM 145,
    digits only, e.g. ``30`` for chapter 30 or ``0901`` for heading 09.01);
    ``origin_country`` is ISO 3166-1 alpha-2 (WCO DM 066); ``declaration_type`` is IM/EX.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="routing_rules")
    hs_prefix = models.CharField(
        _("HS code prefix"),
        max_length=10,
        blank=True,
        help_text=_("Digits the HS code starts with, e.g. 30 or 0901. Blank: any."),
    )
    origin_country = models.CharField(
        _("country of origin"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code, e.g. CN. Blank: any."),
    )
    declaration_type = models.CharField(
        _("declaration type"),
        max_length=2,
        choices=DeclarationType.choices,
        blank=True,
        help_text=_("Blank: imports and exports."),
    )
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["agency", "hs_prefix"]

    def __str__(self) -> str:
        parts = [
            f"HS {self.hs_prefix}*" if self.hs_prefix else "",
            f"origin {self.origin_country}" if self.origin_country else "",
            self.declaration_type,
        ]
        return f"{' '.join(p for p in parts if p) or 'all goods'} -> {self.agency}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    INFO_REQUESTED = "info_requested", _("Information requested")


class ReviewMessageKind(models.TextChoices):
    """The two sides of an information request thread on a review task."""

    INFORMATION_REQUEST = "information_request", _("Information request")
    TRADER_ANSWER = "trader_answer", _("Trader's answer")


class ReviewTask(models.Model):
    """One agency's review of one declaration, covering the goods items routed to it.

    Unique per (declaration, agency): running the fan-out twice creates nothing new.
    """

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="review_tasks"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="review_tasks")
    items = models.ManyToManyField(GoodsItem, related_name="review_tasks")
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reason = models.TextField(_("reason or message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The history events about this task: its agency's decisions and the trader's answers
    # to its information requests. A link rather than a match on ``StatusEvent.agency``:
    # one answer goes to every agency that asked (their names joined in one text), and an
    # agency's name may change or hold a comma.
    events = models.ManyToManyField(StatusEvent, related_name="review_tasks", blank=True)

    class Meta:
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "agency"], name="one_review_per_agency")
        ]
        indexes = [models.Index(fields=["agency", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.agency} review of {self.declaration}"
