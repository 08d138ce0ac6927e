"""The history of risk profiles: every creation, change and deletion as a
``RiskProfileChange`` (who, when, old -> new), written by the code that makes the change."""

from typing import Any

from django.db import transaction

from ..routing.history import field_changes
from .models import RiskProfile, RiskProfileChange

RECORDED_FIELDS = (
    "agency",
    "name",
    "lane",
    "hs_prefix",
    "origin_country",
    "procedure_code",
    "traders",
    "value_per_kg_below",
    "value_per_kg_above",
    "value_currency",
    "random_rate",
    "valid_from",
    "valid_to",
    "active",
)


def profile_snapshot(profile: RiskProfile) -> dict[str, str]:
    """The profile's recorded fields as the strings people read in its history; the
    traders as their EORI numbers, sorted."""
    values: dict[str, str] = {}
    for name in RECORDED_FIELDS:
        if name == "traders":
            eoris = profile.traders.values_list("eori", flat=True) if profile.pk else []
            values[name] = ", ".join(sorted(eoris))
            continue
        value: Any = getattr(profile, name)
        values[name] = "" if value is None else str(value)
    return values


def risk_profile_recorded(
    profile: RiskProfile, *, actor: Any, before: dict[str, str] | None
) -> RiskProfileChange | None:
    """Record the change of a saved ``profile`` (its traders saved too) against
    ``before`` (``profile_snapshot`` of the stored profile; ``None``: new). ``None`` when
    nothing changed."""
    # As stored (an amount typed "2" reads "2.00"), so only real changes are recorded.
    after = profile_snapshot(RiskProfile.objects.select_related("agency").get(pk=profile.pk))
    changes = field_changes(before, after)
    if before is not None and not changes:
        return None
    return RiskProfileChange.objects.create(
        profile=profile,
        profile_label=str(profile)[:300],
        actor=actor,
        action=RiskProfileChange.Action.CREATED
        if before is None
        else RiskProfileChange.Action.CHANGED,
        changes=changes,
    )


def risk_profile_delete(profile: RiskProfile, *, actor: Any) -> None:
    """Delete a profile, keeping its last state in the history."""
    with transaction.atomic():
        before = profile_snapshot(profile)
        RiskProfileChange.objects.create(
            profile=profile,
            profile_label=str(profile)[:300],
            actor=actor,
            action=RiskProfileChange.Action.DELETED,
            changes={name: [old, ""] for name, old in before.items() if old},
        )
        profile.delete()
