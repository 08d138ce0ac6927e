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
    # The agency's service standard: a review task is due this many hours after it is
    # queued, the clock stopped while the trader is asked for information (WTO TFA
    # Art. 7.6: publish and measure average release times).
    service_hours = models.PositiveIntegerField(
        _("service time (hours)"),
        default=24,
        help_text=_("Hours an officer has to decide a review task once it is queued."),
    )

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
    is_supervisor = models.BooleanField(
        _("supervisor"),
        default=False,
        help_text=_("Supervisors reassign their agency's tasks and are told of overdue ones."),
    )

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
    """One agency's status on one declaration (``agencies.clearance.review_status``).

    Open: ``pending`` (to decide), ``info_requested`` (the trader must answer; the service
    clock stops). Decided, derived from the item outcomes: ``released``,
    ``released_with_conditions``, ``partially_released``, ``refused``. ``closed``: nothing
    left to decide (the declaration was rejected, or other agencies refused every item).
    """

    PENDING = "pending", _("Pending review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    RELEASED = "released", _("Released")
    RELEASED_WITH_CONDITIONS = "released_with_conditions", _("Released with conditions")
    PARTIALLY_RELEASED = "partially_released", _("Partially released")
    REFUSED = "refused", _("Refused")
    CLOSED = "closed", _("Closed")


# Tasks in these states still have something to decide and are in a queue.
OPEN_REVIEW_STATUSES = (ReviewStatus.PENDING, ReviewStatus.INFO_REQUESTED)


class ItemOutcomeKind(models.TextChoices):
    """An agency's outcome for one goods item (US ACE PGA line dispositions; EU CHED
    part III "acceptable for ... / not acceptable")."""

    RELEASED = "released", _("Released")
    RELEASED_WITH_CONDITIONS = "released_with_conditions", _("Released with conditions")
    REFUSED = "refused", _("Refused")


class ReviewMessageKind(models.TextChoices):
    """The two sides of an information request thread on a review task."""

    INFORMATION_REQUEST = "information_request", _("Information request")
    TRADER_ANSWER = "trader_answer", _("Trader's answer")


class ReviewTask(models.Model):
    """One agency's review of one declaration, covering the goods items routed to it.

    Unique per (declaration, agency): running the fan-out twice creates nothing new.
    ``claimed_by``: the officer working on it (blank: in the shared queue). ``due_at``:
    when the agency's service time runs out; ``None`` while the clock is stopped (the
    trader is asked for information), the time left kept in ``time_left``.
    """

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="review_tasks"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="review_tasks")
    items = models.ManyToManyField(GoodsItem, related_name="review_tasks")
    status = models.CharField(
        _("status"), max_length=30, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reason = models.TextField(_("reason or message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_reviews",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    time_left = models.DurationField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
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

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVIEW_STATUSES


class ItemOutcome(models.Model):
    """One agency's outcome for one goods item routed to it: ``condition`` is required for
    ``released_with_conditions``, ``reason`` for ``refused`` (``agencies.services``)."""

    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="outcomes")
    item = models.ForeignKey(GoodsItem, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.CharField(_("outcome"), max_length=30, choices=ItemOutcomeKind.choices)
    condition = models.TextField(_("condition"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("item outcome")
        verbose_name_plural = _("item outcomes")
        constraints = [
            models.UniqueConstraint(fields=["task", "item"], name="one_outcome_per_task_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.outcome}"
