"""Customs exchange rates, kept by administrators as the customs administration publishes
them, and their history.

The rate of a period is the one published for it: UCC Art. 53(1)(a) (Regulation (EU)
No 952/2013: the rate "determined by the competent authorities") and UCC IA Art. 146
(Regulation (EU) 2015/2447: the rate published for the period, applied for that period,
e.g. a month); the UK publishes HMRC's monthly exchange rates the same way. The rates are
data: the product holds no figure of its own (demo data may add one, labelled as such).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..models import ChangeRecord, InForce


class ExchangeRate(InForce, models.Model):
    """One published rate of ``currency`` (ISO 4217) against the national currency
    (``settings.NATIONAL_CURRENCY``), in force from ``valid_from`` to ``valid_to``
    (inclusive).

    ``rate`` is quoted as customs administrations publish it: units of ``currency`` for
    one unit of the national currency (HMRC: "currency units per £1"; the EU: "1 EUR =").
    An amount in ``currency`` is ``amount / rate`` in the national currency. ``source``
    says which publication the figure comes from. ``active`` withdraws a rate typed in
    error without deleting it. Periods of the active rates of a currency do not overlap
    (``agencies.rates.conversion.rate_errors``); should they, the latest ``valid_from``
    wins, so the lookup is always the same.
    """

    currency = models.CharField(
        _("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. USD.")
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=20,
        decimal_places=8,
        help_text=_("Units of this currency for one unit of the national currency."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The publication the rate comes from, e.g. the monthly exchange rates."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to withdraw a rate typed in error.")
    )

    class Meta:
        verbose_name = _("customs exchange rate")
        verbose_name_plural = _("customs exchange rates")
        ordering = ["currency", "-valid_from", "-pk"]
        indexes = [models.Index(fields=["currency", "valid_from", "valid_to"])]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="exchange_rate_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} ({self.valid_from} – {self.valid_to})"

    def clean(self) -> None:
        """Refuse a rate that could not be used, at its field
        (``agencies.rates.conversion.rate_errors``)."""
        from .conversion import rate_errors

        errors = rate_errors(self)
        if errors:
            raise ValidationError(errors)


class ExchangeRateChange(ChangeRecord):
    """One change to an exchange rate (``agencies.rates.history``); ``exchange_rate`` is
    emptied when the rate is deleted, ``rate_label`` keeps what it was."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    exchange_rate = models.ForeignKey(
        ExchangeRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    rate_label = models.CharField(_("exchange rate"), max_length=300)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("exchange rate change")
        verbose_name_plural = _("exchange rate changes")

    def __str__(self) -> str:
        return f"{self.rate_label}: {self.action}"
