"""Border agencies, their officers, the routing rules and the review tasks."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
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


class RoutingRequirement(models.TextChoices):
    """How strongly a routing rule claims a goods item (US ACE PGA flags: ``R`` data
    required, ``M`` may be required and can be disclaimed).

    ``required``: the agency reviews every matching item. ``may_be_required``: the agency
    reviews it unless the trader disclaims it with one of the rule's exemption codes (UK
    CDS ``Y`` document codes, ACE PGA disclaim codes); a disclaimed item is recorded, with
    the code, so the agency is informed. ``customs`` is not a rule's: customs reviews every
    item (``Agency.is_customs``)."""

    REQUIRED = "required", _("required")
    MAY_BE_REQUIRED = "may_be_required", _("may be required")
    DISCLAIMED = "disclaimed", _("disclaimed")
    CUSTOMS = "customs", _("customs reviews every item")


class InForce:
    """For rules with ``active``, ``valid_from`` and ``valid_to`` (blank: open-ended):
    prepared ahead like the code lists, in force only between their dates."""

    def in_force_on(self, day: date) -> bool:
        return (
            self.active
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
        )


class ChangeRecord(models.Model):
    """One change to an administered rule, for its history: who, when, old -> new.

    ``changes`` is ``{field: [old, new]}`` (strings, as shown to people), written by the
    service that makes the change, never by a signal. Subclasses add the link to what
    changed, its label (kept when it is deleted) and ``action`` with their choices.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    changes = models.JSONField(_("old -> new"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]


class RoutingRule(InForce, models.Model):
    """Sends goods items that match every filled-in condition to ``agency`` for review.

    Conditions (blank = any; all filled ones must hold, ``agencies.routing.conditions``):
    ``hs_prefix``: 2-10 digits the HS code starts with (WCO DM 145), starting a code of the
    HS nomenclature in force; ``origin_country`` / ``export_country`` /
    ``destination_country``: ISO 3166-1 alpha-2 or a customs user-assigned code (WCO DM 063,
    062, 014); ``declaration_type``: IM/EX/CO (DE 1/1); ``procedure_code``: DE 1/10, the
    requested procedure (2 digits, any previous) or requested + previous (4 digits);
    ``value_above`` + ``value_currency``: customs value (WCO DM 108) above the amount;
    ``document_code``: the document (DE 2/3, category + type) the agency wants on the item,
    and ``exemption_codes`` the codes by which a trader disclaims it. A rule is in force
    when ``active`` and today lies within ``valid_from`` .. ``valid_to`` (inclusive).
    New and edited rules are saved inactive and activated after a preview (admin).
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="routing_rules")
    hs_prefix = models.CharField(
        _("HS code prefix"),
        max_length=10,
        blank=True,
        help_text=_("2 to 10 digits the HS code starts with, e.g. 30 or 0901. Blank: any."),
    )
    origin_country = models.CharField(
        _("country of origin"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code, e.g. CN. Blank: any."),
    )
    export_country = models.CharField(
        _("country of export"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code of the country the goods are dispatched from."),
    )
    destination_country = models.CharField(
        _("country of destination"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code of the country of destination."),
    )
    declaration_type = models.CharField(
        _("declaration type"),
        max_length=2,
        choices=DeclarationType.choices,
        blank=True,
        help_text=_("Blank: imports and exports."),
    )
    procedure_code = models.CharField(
        _("procedure code"),
        max_length=4,
        blank=True,
        help_text=_(
            "DE 1/10: requested procedure (2 digits, e.g. 40) or requested + previous "
            "(4 digits, e.g. 4000). Blank: any."
        ),
    )
    value_above = models.DecimalField(
        _("customs value above"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Matches items whose customs value exceeds this amount. Blank: any."),
    )
    value_currency = models.CharField(
        _("currency of the amount"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code of the amount, e.g. EUR."),
    )
    document_code = models.CharField(
        _("document required"),
        max_length=4,
        blank=True,
        help_text=_("DE 2/3 code of the document the agency needs, e.g. C640. Blank: none."),
    )
    exemption_codes = models.CharField(
        _("exemption codes"),
        max_length=200,
        blank=True,
        help_text=_(
            "DE 2/3 codes by which a trader disclaims the requirement, separated by "
            "commas, e.g. Y929, Y930."
        ),
    )
    requirement = models.CharField(
        _("requirement"),
        max_length=20,
        choices=RoutingRequirement.choices[:2],
        default=RoutingRequirement.REQUIRED,
        help_text=_(
            "Required: the agency reviews every matching item. May be required: unless the "
            "trader declares one of the exemption codes."
        ),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(
        _("active"),
        default=False,
        help_text=_("New and edited rules are saved inactive: preview, then activate."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["agency", "hs_prefix", "pk"]

    def __str__(self) -> str:
        return self.description or self.conditions_text()

    def conditions_text(self) -> str:
        """The conditions in words, e.g. ``HS 0901 from any origin``."""
        from .routing.conditions import rule_conditions_text

        return rule_conditions_text(self)

    def clean(self) -> None:
        """Normalise the conditions and refuse those that can never match, at their field
        (``agencies.routing.conditions.rule_errors``)."""
        from .routing.conditions import rule_errors

        errors = rule_errors(self)
        if errors:
            raise ValidationError(errors)

    def exemption_code_set(self) -> frozenset[str]:
        return frozenset(c.strip().upper() for c in self.exemption_codes.split(",") if c.strip())


class RoutingRuleChange(ChangeRecord):
    """One change to a routing rule (``agencies.routing.history``); ``rule`` is emptied
    when the rule is deleted, ``rule_label`` keeps what it was."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        ACTIVATED = "activated", _("activated")
        DEACTIVATED = "deactivated", _("deactivated")
        DELETED = "deleted", _("deleted")

    rule = models.ForeignKey(
        RoutingRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    rule_label = models.CharField(_("rule"), max_length=300)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("routing rule change")
        verbose_name_plural = _("routing rule changes")

    def __str__(self) -> str:
        return f"{self.rule_label}: {self.action}"


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


class RoutingReason(models.Model):
    """Why a goods item went (or, disclaimed, did not go) to an agency: one row per item,
    agency and rule (``rule`` empty: customs, which reviews every item).

    Written by ``declaration_route`` from the routing plan; ``task`` is the review task the
    item went to (empty when disclaimed). ``rule_label`` keeps the rule's wording at routing
    time; ``document_status`` says how the rule's document requirement stood
    (``agencies.routing.conditions.DocumentStatus``), ``document_code`` which code did it.
    ``rate_missing``: the currencies that had no customs exchange rate in force on
    ``rate_date``, so the rule's value threshold could not be compared and the item was
    sent for review (``agencies.services.routing.rule_matches``).
    """

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="routing_reasons"
    )
    item = models.ForeignKey(GoodsItem, on_delete=models.CASCADE, related_name="routing_reasons")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        ReviewTask, on_delete=models.CASCADE, null=True, blank=True, related_name="reasons"
    )
    rule = models.ForeignKey(
        RoutingRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule_label = models.CharField(_("rule"), max_length=300, blank=True)
    requirement = models.CharField(
        _("requirement"), max_length=20, choices=RoutingRequirement.choices
    )
    document_status = models.CharField(_("document"), max_length=20, blank=True)
    document_code = models.CharField(_("document code"), max_length=4, blank=True)
    rate_missing = models.CharField(_("no exchange rate for"), max_length=20, blank=True)
    rate_date = models.DateField(_("exchange rate date"), null=True, blank=True)

    class Meta:
        verbose_name = _("routing reason")
        verbose_name_plural = _("routing reasons")
        ordering = ["item__sequence", "agency__name", "pk"]
        indexes = [models.Index(fields=["declaration", "agency"])]

    def __str__(self) -> str:
        return f"{self.item} -> {self.agency}: {self.rule_label or self.requirement}"


class ItemCallIn(models.Model):
    """An agency calls in a goods item the trader disclaimed to it (US ACE PGA disclaim;
    UK CDS ``Y`` document codes): the agency was informed, and reviews the item after all.

    ``exemption_code``: the code the item was disclaimed with; ``task``: the agency's
    review task the item was added to (opened or reused); ``reason``: why, as the trader
    reads it; ``event``: the history line. Unique per item and agency: two officers
    calling in the same item at once make one call-in (``agencies.services.callin``).
    A call-in stands for the life of the declaration: a trader's amendment does not send
    the item away from the agency again.
    """

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="call_ins")
    item = models.ForeignKey(GoodsItem, on_delete=models.CASCADE, related_name="call_ins")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="call_ins")
    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="call_ins")
    exemption_code = models.CharField(_("exemption code"), max_length=4, blank=True)
    reason = models.TextField(_("reason"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("called in by"),
    )
    called_at = models.DateTimeField(_("called in at"), auto_now_add=True)
    event = models.ForeignKey(
        StatusEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("call-in of a disclaimed item")
        verbose_name_plural = _("call-ins of disclaimed items")
        ordering = ["called_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="one_call_in_per_item_agency")
        ]

    def __str__(self) -> str:
        return f"{self.item} called in by {self.agency}"
