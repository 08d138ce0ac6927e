"""The one conversion between currencies that routing rules ("customs value above an
amount") and risk profiles ("value per kg below / above an amount") compare with, and the
checks on an exchange rate an administrator types.

An amount in currency X is ``amount / rate(X)`` in the national currency and
``amount / rate(X) * rate(Y)`` in currency Y, with the rates in force on the day that
counts (for a declaration, the day it was lodged: UCC Art. 85(1), the day of acceptance;
UCC IA Art. 146: the rate published for that period). The converted amount is compared
exactly, without rounding: the threshold is crossed or not by the figure itself.

Without a rate in force for a currency on that day the conversion says so
(``Converted.missing``) rather than guessing: each caller decides what a national system
does then (routing sends the item for review, ``agencies.services.routing``; a risk
profile gives no lane below a documentary check, ``agencies.risk.services``).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from datamodel.codelists import iso_currencies

from .models import ExchangeRate


@dataclass(frozen=True, slots=True)
class Converted:
    """An amount in the target currency, or ``None`` with ``missing``: the currencies
    (ISO 4217, joined by ", ") that had no rate in force on ``day``."""

    amount: Decimal | None
    missing: str = ""
    day: date | None = None


def rates_in_force(day: date) -> dict[str, Decimal]:
    """Currency -> rate of the active rates in force on ``day`` (one query). Should two
    active periods of a currency overlap (the admin refuses it, a direct write might not),
    the one starting later wins, then the one entered later."""
    rows = (
        ExchangeRate.objects.filter(active=True, valid_from__lte=day, valid_to__gte=day)
        .order_by("currency", "valid_from", "pk")
        .values_list("currency", "rate")
    )
    return dict(rows)


class RateTable:
    """The rates in force on ``day``: read from the database on the first conversion that
    needs one (one query, then kept), or given as ``rates`` (currency -> rate). One table
    serves a whole routing, preview or lane choice, however many rules and items."""

    def __init__(
        self,
        day: date,
        rates: Mapping[str, Decimal] | None = None,
        national: str | None = None,
    ) -> None:
        self.day = day
        self.national = (national or settings.NATIONAL_CURRENCY).upper()
        self._rates = {k.upper(): v for k, v in rates.items()} if rates is not None else None

    def rate(self, currency: str) -> Decimal | None:
        """Units of ``currency`` for one unit of the national currency (1 for itself)."""
        currency = currency.upper()
        if currency == self.national:
            return Decimal(1)
        if self._rates is None:
            self._rates = rates_in_force(self.day)
        return self._rates.get(currency)

    def convert(self, amount: Decimal, currency: str, target: str) -> Converted:
        """``amount`` in ``currency`` expressed in ``target``. A blank currency is the
        national currency (a question asked before filing may leave it out)."""
        currency = (currency or self.national).strip().upper()
        target = (target or self.national).strip().upper()
        if currency == target:
            return Converted(amount, day=self.day)
        source_rate, target_rate = self.rate(currency), self.rate(target)
        pairs = ((currency, source_rate), (target, target_rate))
        missing = [code for code, rate in pairs if rate is None]
        if source_rate is None or target_rate is None:
            return Converted(None, ", ".join(missing), self.day)
        return Converted(amount / source_rate * target_rate, day=self.day)


def missing_rate_text(currency: str, day: date | None) -> str:
    """``no exchange rate for USD on 2026-12-01``, in the active language."""
    return _("no exchange rate for %(currency)s on %(day)s") % {
        "currency": currency,
        "day": day.isoformat() if day else "",
    }


def rate_errors(rate: ExchangeRate) -> dict[str, str]:
    """Normalise ``rate`` in place and return ``{field: message}`` for what would make it
    unusable: a currency not in ISO 4217, the national currency itself, a rate not above
    zero, a period ending before it starts, or a period overlapping another active rate
    of the currency (one rate per currency and day: UCC IA Art. 146)."""
    rate.currency = (rate.currency or "").strip().upper()
    rate.source = (rate.source or "").strip()
    errors: dict[str, str] = {}
    national = settings.NATIONAL_CURRENCY
    if rate.currency not in iso_currencies():
        errors["currency"] = _("%(code)s is not an ISO 4217 currency code.") % {
            "code": rate.currency
        }
    elif rate.currency == national:
        errors["currency"] = _("%(code)s is the national currency: it needs no rate.") % {
            "code": rate.currency
        }
    if rate.rate is not None and rate.rate <= 0:
        errors["rate"] = _("A rate is above zero.")
    if rate.valid_from and rate.valid_to and rate.valid_to < rate.valid_from:
        errors["valid_to"] = _("The rate cannot end before it starts.")
    if not errors and rate.active and rate.valid_from and rate.valid_to:
        clash = (
            ExchangeRate.objects.filter(
                currency=rate.currency,
                active=True,
                valid_from__lte=rate.valid_to,
                valid_to__gte=rate.valid_from,
            )
            .exclude(pk=rate.pk)
            .order_by("valid_from")
            .first()
        )
        if clash is not None:
            errors["valid_from"] = _(
                "The rate of %(currency)s from %(start)s to %(end)s (%(source)s) is in force "
                "on some of these days: shorten or withdraw it first."
            ) % {
                "currency": clash.currency,
                "start": clash.valid_from.isoformat(),
                "end": clash.valid_to.isoformat(),
                "source": clash.source,
            }
    return errors
