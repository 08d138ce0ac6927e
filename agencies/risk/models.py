"""Risk profiles and the lane each review task is sent to (WCO Risk Management
Compendium, vol. 1 ch. 6 "selectivity"; the ASYCUDA green / yellow / red channels; WTO TFA
Art. 7.4: risk management concentrating controls on high-risk consignments and
expediting the release of low-risk ones).

A profile names criteria (blank = any; every filled one must hold) and the lane matching
goods items of an agency go to. ``agencies.risk.services`` picks each task's lane at
routing time, records it (``LaneAssignment``) with the random draw that may send a task
one lane up, and lets officers override it (``LaneOverride``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import Company

from ..models import ChangeRecord, InForce


class RiskLane(models.TextChoices):
    """The three selectivity channels (ASYCUDA; WCO Risk Management Compendium): green,
    released with no control; yellow, documentary check; red, physical inspection.
    Declared in order of severity: a more severe lane wins (``LANE_ORDER``)."""

    GREEN = "green", _("Green: automatic release")
    YELLOW = "yellow", _("Yellow: documentary check")
    RED = "red", _("Red: physical inspection")


LANE_ORDER = (RiskLane.GREEN, RiskLane.YELLOW, RiskLane.RED)


class RiskProfile(InForce, models.Model):
    """Sends the goods items of ``agency`` that match every filled criterion to ``lane``.

    Criteria: ``hs_prefix`` (2-10 digits of the HS code, WCO DM 145); ``origin_country``
    (ISO 3166-1 alpha-2, WCO DM 063); ``procedure_code`` (DE 1/10: 2 digits, any previous
    procedure, or 4 digits); ``traders``: the declarant companies it concerns (trusted
    operators for a green profile, watched ones for a red one; WCO SAFE AEO: fewer
    controls for authorised operators); ``value_per_kg_below`` / ``value_per_kg_above``
    in ``value_currency``: the customs value (WCO DM 108) divided by the net mass (WCO DM
    128), the classic under- or over-valuation indicator. ``random_rate``: the percentage
    of tasks this profile sends to its lane that go one lane up at random, never below
    the lane's minimum (``settings.RISK_MINIMUM_RANDOM_RATES``). In force when ``active``
    and today lies within ``valid_from`` .. ``valid_to`` (inclusive).
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="risk_profiles"
    )
    name = models.CharField(_("name"), max_length=120)
    lane = models.CharField(_("lane"), max_length=10, choices=RiskLane.choices)
    hs_prefix = models.CharField(
        _("HS code prefix"),
        max_length=10,
        blank=True,
        help_text=_("2 to 10 digits the HS code starts with, e.g. 0901. Blank: any."),
    )
    origin_country = models.CharField(
        _("country of origin"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code, e.g. BR. Blank: any."),
    )
    procedure_code = models.CharField(
        _("procedure code"),
        max_length=4,
        blank=True,
        help_text=_("DE 1/10: 2 digits (e.g. 40) or 4 digits (e.g. 4000). Blank: any."),
    )
    traders = models.ManyToManyField(
        Company,
        blank=True,
        related_name="risk_profiles",
        verbose_name=_("traders"),
        help_text=_("Declarants this profile concerns (trusted or watched). Blank: any."),
    )
    value_per_kg_below = models.DecimalField(
        _("value per kg below"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Customs value / net mass under this amount (undervaluation)."),
    )
    value_per_kg_above = models.DecimalField(
        _("value per kg above"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Customs value / net mass over this amount."),
    )
    value_currency = models.CharField(
        _("currency of the amounts"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code of the value per kg amounts, e.g. EUR."),
    )
    random_rate = models.DecimalField(
        _("random rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_(
            "Percentage of the tasks sent to this lane that go one lane up at random; the "
            "lane's minimum applies when it is higher."
        ),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("risk profile")
        verbose_name_plural = _("risk profiles")
        ordering = ["agency", "lane", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Normalise the criteria and refuse those that can never match, at their field
        (``agencies.risk.criteria.profile_errors``)."""
        from .criteria import profile_errors

        errors = profile_errors(self)
        if errors:
            raise ValidationError(errors)


class RiskProfileChange(ChangeRecord):
    """One change to a risk profile (``agencies.risk.history``); the profile link is
    emptied when it is deleted, ``profile_label`` keeps its name."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    profile = models.ForeignKey(
        RiskProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    profile_label = models.CharField(_("profile"), max_length=300)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("risk profile change")
        verbose_name_plural = _("risk profile changes")

    def __str__(self) -> str:
        return f"{self.profile_label}: {self.action}"


class LaneAssignment(models.Model):
    """The lane of one review task, chosen at routing time, and why.

    ``assessed_lane``: what the profiles said (the most severe lane over the task's goods
    items; an item no profile matched counts as ``DEFAULT_LANE``); ``matched``: the
    profiles that matched, ``[{"id", "name", "lane", "items": [sequence, ...]}]``;
    ``draw`` in [0, 1) from ``draw_key`` (``agencies.risk.draw``), ``rate`` the percentage
    that applied: ``draw * 100 < rate`` sent the task one lane up (``escalated``).
    ``lane``: the lane in force, changed by an officer's override (``LaneOverride``).
    A task opened by an officer's call-in of a disclaimed item (``agencies.services.
    callin``) is yellow with no draw: ``draw_key`` empty, ``draw`` and ``rate`` 0.
    Unique per task: a re-run of the routing assigns nothing twice.
    """

    task = models.OneToOneField(
        "agencies.ReviewTask", on_delete=models.CASCADE, related_name="lane_assignment"
    )
    lane = models.CharField(_("lane"), max_length=10, choices=RiskLane.choices)
    assessed_lane = models.CharField(
        _("lane from the profiles"), max_length=10, choices=RiskLane.choices
    )
    reason = models.TextField(_("reason"))
    matched = models.JSONField(_("profiles matched"), default=list, blank=True)
    draw_key = models.CharField(_("draw key"), max_length=200)
    draw = models.FloatField(_("random draw"))
    rate = models.DecimalField(_("random rate (%)"), max_digits=5, decimal_places=2)
    escalated = models.BooleanField(_("sent up at random"), default=False)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lane assignment")
        verbose_name_plural = _("lane assignments")
        indexes = [models.Index(fields=["lane", "assigned_at"])]

    def __str__(self) -> str:
        return f"{self.task}: {self.lane}"


class LaneOverride(models.Model):
    """An officer's change of a task's lane, with the reason they must give."""

    assignment = models.ForeignKey(
        LaneAssignment, on_delete=models.CASCADE, related_name="overrides"
    )
    from_lane = models.CharField(_("from"), max_length=10, choices=RiskLane.choices)
    to_lane = models.CharField(_("to"), max_length=10, choices=RiskLane.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lane override")
        verbose_name_plural = _("lane overrides")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment.task}: {self.from_lane} -> {self.to_lane}"
