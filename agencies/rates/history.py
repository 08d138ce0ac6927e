"""The history of customs exchange rates: every creation, change and deletion as an
``ExchangeRateChange`` (who, when, old -> new), written by the code that makes it, as for
routing rules and risk profiles (one field diff: ``agencies.routing.history``)."""

from typing import Any

from django.db import transaction

from ..routing.history import field_changes
from .models import ExchangeRate, ExchangeRateChange

RECORDED_FIELDS = ("currency", "rate", "valid_from", "valid_to", "source", "active")


def rate_snapshot(rate: ExchangeRate) -> dict[str, str]:
    """The rate's recorded fields as the strings people read in its history."""
    return {
        name: "" if getattr(rate, name) is None else str(getattr(rate, name))
        for name in RECORDED_FIELDS
    }


def exchange_rate_save(
    rate: ExchangeRate, *, actor: Any, before: dict[str, str] | None
) -> ExchangeRateChange | None:
    """Save a validated ``rate`` (``full_clean`` done by the caller, e.g. the admin form)
    and record the change against ``before`` (``rate_snapshot`` of the stored row;
    ``None``: new). ``None`` when nothing changed."""
    with transaction.atomic():
        rate.save()
        # As stored (a rate typed "1.2" reads "1.20000000"), so only real changes count.
        after = rate_snapshot(ExchangeRate.objects.get(pk=rate.pk))
        changes = field_changes(before, after)
        if before is not None and not changes:
            return None
        return ExchangeRateChange.objects.create(
            exchange_rate=rate,
            rate_label=str(rate)[:300],
            actor=actor,
            action=ExchangeRateChange.Action.CREATED
            if before is None
            else ExchangeRateChange.Action.CHANGED,
            changes=changes,
        )


def exchange_rate_delete(rate: ExchangeRate, *, actor: Any) -> None:
    """Delete a rate, keeping its last state in the history."""
    with transaction.atomic():
        before = rate_snapshot(rate)
        ExchangeRateChange.objects.create(
            exchange_rate=rate,
            rate_label=str(rate)[:300],
            actor=actor,
            action=ExchangeRateChange.Action.DELETED,
            changes={name: [old, ""] for name, old in before.items() if old},
        )
        rate.delete()
