"""Checks an agency orders on a declaration, and the one appointment a joint physical
inspection shares (Coordinated Border Management, WTO TFA Art. 8; EU Regulation 2017/625
Art. 49: documentary, identity and physical checks)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration


class InspectionKind(models.TextChoices):
    """The three levels of official control at a border (Regulation (EU) 2017/625 Art. 49)."""

    DOCUMENTARY = "documentary", _("Documentary check")
    IDENTITY = "identity", _("Identity check")
    PHYSICAL = "physical", _("Physical check")


class InspectionResult(models.TextChoices):
    """A check's result (CHED part II, box II.10-II.12: satisfactory / not satisfactory;
    "after intervention" when the trader corrected something on the spot)."""

    SATISFACTORY = "satisfactory", _("Satisfactory")
    SATISFACTORY_AFTER_INTERVENTION = (
        "satisfactory_after_intervention",
        _("Satisfactory after intervention"),
    )
    NOT_SATISFACTORY = "not_satisfactory", _("Not satisfactory")


class LaboratoryResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    NOT_SATISFACTORY = "not_satisfactory", _("Not satisfactory")


class InspectionAppointment(models.Model):
    """One opening of the goods at their location, shared by every agency that ordered a
    physical check of the declaration while it was open (a joint inspection).

    ``place``: the goods location of the declaration (WCO DM L010/L015, UCC DE 5/23);
    ``starts_at``-``ends_at``: the proposed time slot.
    """

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="inspection_appointments"
    )
    place = models.CharField(_("place"), max_length=256)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection appointment")
        verbose_name_plural = _("inspection appointments")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.declaration} at {self.place}, {self.starts_at:%Y-%m-%d %H:%M}"


class Inspection(models.Model):
    """A check one agency ordered on its review task; ``result`` blank until recorded.

    A physical check belongs to the declaration's appointment. A sample taken for a
    laboratory has its own ``laboratory_result``, which may stay ``pending`` after the
    check's result is in (the agency may release with a condition meanwhile).
    """

    task = models.ForeignKey(
        "agencies.ReviewTask", on_delete=models.CASCADE, related_name="inspections"
    )
    kind = models.CharField(_("check"), max_length=20, choices=InspectionKind.choices)
    sample = models.BooleanField(_("sample for a laboratory"), default=False)
    appointment = models.ForeignKey(
        InspectionAppointment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    ordered_at = models.DateTimeField(auto_now_add=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    result = models.CharField(
        _("result"), max_length=40, choices=InspectionResult.choices, blank=True
    )
    laboratory_result = models.CharField(
        _("laboratory result"), max_length=20, choices=LaboratoryResult.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["ordered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="physical") | models.Q(appointment__isnull=False),
                name="physical_check_has_appointment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.task.agency} ({self.result or 'open'})"
