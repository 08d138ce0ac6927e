"""Declarations, their goods items as rows, the clearance status and its history."""

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from . import history
from .fields import ExactDecimalField


class Company(models.Model):
    """A trading company (economic operator), identified by its EORI-style operator ID.

    ``eori``: up to 17 characters, ISO 3166-1 alpha-2 country prefix + up to 15 alphanumerics
    (EU Regulation 1352/2013 EORI format; WCO DM R123 declarant identifier).
    """

    eori = models.CharField(_("EORI number"), max_length=17, unique=True)
    name = models.CharField(_("name"), max_length=70)
    country = models.CharField(_("country"), max_length=2)

    class Meta:
        verbose_name = _("trading company")
        verbose_name_plural = _("trading companies")

    def __str__(self) -> str:
        return f"{self.name} ({self.eori})"


class Trader(models.Model):
    """A user who files declarations on behalf of one trading company."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trader"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="traders")

    class Meta:
        verbose_name = _("trader")
        verbose_name_plural = _("traders")

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class ClearanceStatus(models.TextChoices):
    """The one status a trader sees (see ``agencies.services.merged_clearance_status``)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    AWAITING_TRADER = "awaiting_trader", _("Awaiting trader")
    INSPECTION = "inspection", _("Inspection")
    CLEARED = "cleared", _("Cleared")
    CLEARED_WITH_CONDITIONS = "cleared_with_conditions", _("Cleared with conditions")
    PARTIALLY_RELEASED = "partially_released", _("Partially released")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# The trader may cancel a declaration lodged and not yet cleared, released or rejected
# (UCC Art. 174: invalidation at the declarant's request before release).
CANCELLABLE_STATUSES = (
    ClearanceStatus.SUBMITTED,
    ClearanceStatus.UNDER_REVIEW,
    ClearanceStatus.AWAITING_TRADER,
    ClearanceStatus.INSPECTION,
)

# Declarations in these states still take agency decisions and trader responses.
OPEN_STATUSES = (
    ClearanceStatus.UNDER_REVIEW,
    ClearanceStatus.AWAITING_TRADER,
    ClearanceStatus.INSPECTION,
)


class DeclarationType(models.TextChoices):
    """WCO DM D013 first two characters (UCC Annex B DE 1/1; codelist declaration-types)."""

    IMPORT = "IM", _("Import")
    EXPORT = "EX", _("Export")
    SPECIAL_FISCAL = "CO", _("Special fiscal territories")


class Declaration(models.Model):
    """One declaration lodged once for every border agency.

    ``document`` holds the canonical WCO-DM-shaped document produced by ``datamodel``
    (``{"Declaration": {...}}``, element names as in WCO DEC-DMS 2); for a draft it holds
    what the trader typed so far, unvalidated. The goods items are also stored as
    ``GoodsItem`` rows so they can be queried and routed.
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="declarations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lrn = models.CharField(_("LRN"), max_length=35, blank=True)
    mrn = models.CharField(_("MRN"), max_length=18, blank=True, unique=True, null=True)
    type_code = models.CharField(
        _("declaration type"), max_length=2, choices=DeclarationType.choices, blank=True
    )
    status = models.CharField(
        _("clearance status"),
        max_length=30,
        choices=ClearanceStatus.choices,
        default=ClearanceStatus.DRAFT,
        db_index=True,
    )
    # DjangoJSONEncoder: a draft keeps fractions the JSON parser read as ``Decimal`` (every
    # digit the trader typed) as decimal strings, which the validation reads as numbers.
    document = models.JSONField(_("WCO DM document"), default=dict, encoder=DjangoJSONEncoder)
    # Warnings of the validation that accepted the document (datamodel Issue.as_dict()
    # shapes), kept so the trader and the officers see what was let through.
    warnings = models.JSONField(_("validation warnings"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When every review task of the declaration had been created (fan-out finished).
    routed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            # WCO DM D026 (LRN) is unique per declarant company; drafts may lack one yet.
            # The same letters in another case are the same LRN (``lrn-1`` = ``LRN-1``): a
            # trader's reference is read aloud and retyped, and customs systems match it
            # case-insensitively, so the database refuses the second one whatever its case.
            models.UniqueConstraint(
                "company",
                Lower("lrn"),
                condition=~Q(lrn=""),
                name="unique_lrn_per_company",
            )
        ]
        indexes = [models.Index(fields=["company", "-created_at"])]

    def __str__(self) -> str:
        return self.mrn or self.lrn or f"draft #{self.pk}"


class GoodsItem(models.Model):
    """One GovernmentAgencyGoodsItem (WCO DM 68A) of a submitted declaration, as a row.

    Masses in kg (WCO DM 126 gross, 128 net), ``customs_value`` in ``currency``
    (WCO DM 108, ISO 4217); amounts are kept exactly on every database
    (``ExactDecimalField``).
    """

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="items")
    sequence = models.PositiveIntegerField(_("item number"))
    hs_code = models.CharField(_("HS code"), max_length=10, db_index=True)
    description = models.CharField(_("description"), max_length=512, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=2, blank=True)
    net_mass_kg = ExactDecimalField(
        _("net mass (kg)"), max_digits=22, decimal_places=6, null=True, blank=True
    )
    gross_mass_kg = ExactDecimalField(
        _("gross mass (kg)"), max_digits=22, decimal_places=6, null=True, blank=True
    )
    quantity = ExactDecimalField(
        _("quantity"), max_digits=22, decimal_places=6, null=True, blank=True
    )
    quantity_unit = models.CharField(_("unit"), max_length=5, blank=True)
    customs_value = ExactDecimalField(
        _("customs value"), max_digits=22, decimal_places=3, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("goods item")
        verbose_name_plural = _("goods items")
        ordering = ["declaration", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "sequence"], name="unique_item_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.declaration} item {self.sequence} ({self.hs_code})"


class StatusEvent(models.Model):
    """One line of the history a trader sees: who did what to the declaration, and when."""

    class Kind(models.TextChoices):
        DRAFT_SAVED = "draft_saved", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted")
        ROUTED = "routed", _("Sent to agencies")
        AGENCY_DECISION = "agency_decision", _("Agency decision")
        TRADER_RESPONSE = "trader_response", _("Trader response")
        STATUS_CHANGED = "status_changed", _("Status changed")
        REVIEW_CLAIMED = "review_claimed", _("Review claimed")
        REVIEW_RELEASED = "review_released", _("Review returned to the queue")
        REVIEW_ASSIGNED = "review_assigned", _("Review assigned")
        REVIEW_ESCALATED = "review_escalated", _("Review overdue, escalated")
        REVIEW_CLOSED = "review_closed", _("Review closed")
        INSPECTION_ORDERED = "inspection_ordered", _("Inspection ordered")
        INSPECTION_RESULT = "inspection_result", _("Inspection result")
        CANCELLED = "cancelled", _("Cancelled by the trader")
        COPIED = "copied", _("Copied as a new draft")
        AMENDED = "amended", _("Amended by the trader")
        LANE_CHANGED = "lane_changed", _("Risk lane changed")
        ITEM_CALLED_IN = "item_called_in", _("Disclaimed item called in")

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Agency names as they were (one, or every agency an answer went to): a text column,
    # so a long list of names always fits.
    agency = models.TextField(blank=True)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    # What happened, in English; ``message_text`` keeps a line the system composed as
    # message ids (``declarations.history``), so each reader gets it in their language.
    message = models.TextField(blank=True)
    message_text = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.declaration} {self.kind} at {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """``message`` may be given as a ``declarations.history`` tree: it is kept in
        ``message_text`` and its English rendering in ``message``."""
        if isinstance(self.message, dict):
            self.message_text = self.message
            self.message = history.english(self.message)
        super().save(*args, **kwargs)

    @property
    def text(self) -> str:
        """The line in the active language (``message`` as written for free text)."""
        if self.message_text is not None:
            return history.render(self.message_text)
        return self.message


class DeclarationVersion(models.Model):
    """One lodged version of a declaration: version 1 is the original (WCO DM 017 function
    code 9), each amendment (function code 13, UCC Art. 173) the next number.

    ``document``: the canonical WCO DM document as lodged; ``items``: the goods item rows
    as they were (``[{"sequence": 1, "hs_code": ..., "quantity": "..."}]``, amounts as
    decimal strings); ``changes``: what this version changed against the one before, one
    entry per data element (``datamodel.diff.document_changes``: ``path``, ``pointer``,
    ``item`` sequence or ``None`` for the header, ``old``, ``new``); empty for version 1.
    Rows are only ever added, never changed (the history of what was lodged).
    """

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    function_code = models.CharField(_("function code"), max_length=2, default="9")
    document = models.JSONField(_("WCO DM document"), encoder=DjangoJSONEncoder)
    items = models.JSONField(_("goods items"), default=list, encoder=DjangoJSONEncoder)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("lodged at"))

    class Meta:
        verbose_name = _("declaration version")
        verbose_name_plural = _("declaration versions")
        ordering = ["declaration", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "number"], name="unique_declaration_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.declaration} version {self.number}"


# Who works on a task inside an agency is the agency's business: these events are in the
# officers' history of a task, not in the history the trader reads.
AGENCY_INTERNAL_KINDS = (
    StatusEvent.Kind.REVIEW_CLAIMED,
    StatusEvent.Kind.REVIEW_RELEASED,
    StatusEvent.Kind.REVIEW_ASSIGNED,
    StatusEvent.Kind.REVIEW_ESCALATED,
    # The lane and why are risk information (WCO Risk Management Compendium: profiles
    # are confidential); the trader sees the release or the check it led to.
    StatusEvent.Kind.LANE_CHANGED,
)


class RoutingOutbox(models.Model):
    """Durable record that a submitted declaration still has to be fanned out to agencies.

    Written in the submitting transaction; the fan-out task marks it done in its own
    transaction, and a periodic task re-drives rows that stay pending (lost message,
    Redis outage, worker crash). ``last_error`` keeps why the last send or fan-out failed;
    after ``ROUTING_MAX_ATTEMPTS`` re-drives, or when no agency can take a goods item, the
    row is marked ``failed_at`` and is no longer re-driven until an administrator retries it
    (admin action "Retry routing").
    """

    declaration = models.OneToOneField(
        Declaration, on_delete=models.CASCADE, related_name="routing_outbox"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField(_("routing failed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("routing outbox row")
        verbose_name_plural = _("routing outbox")

    def __str__(self) -> str:
        return f"routing of {self.declaration} ({self.state})"

    @property
    def state(self) -> str:
        return "done" if self.done_at else "failed" if self.failed_at else "pending"


class IdempotencyRecord(models.Model):
    """The first answer to an API request sent with an ``Idempotency-Key`` header, kept
    for ``IDEMPOTENCY_TTL_HOURS`` so a retry gets the same answer (IETF draft
    "The Idempotency-Key HTTP Header Field", draft-ietf-httpapi-idempotency-key-header).

    ``fingerprint``: SHA-256 of the method, path, Content-Type and body; the same key with
    another fingerprint is refused (422). ``status_code`` is ``None`` while the first
    request is still being answered (a concurrent retry gets 409).
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(blank=True, default=b"")
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'in progress'})"


class FormToken(models.Model):
    """A one-time token in a declaration form: the first POST with it is handled, a second
    (double click, the back button) is told kindly what became of the first."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"form token of {self.user_id} ({'used' if self.used_at else 'open'})"
