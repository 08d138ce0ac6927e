"""What a risk profile looks at: the checks that keep a profile from never matching, the
matching of one goods item, and the reproducible random draw.

Matching works on the same ``ItemFacts`` as routing (``agencies.routing.conditions``),
plus the declarant company and the net mass, so a profile reads the goods item routing
read.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from datamodel.codelists import iso_currencies, load_code_list
from datamodel.rules.context import is_country

from ..rates.conversion import RateTable
from ..routing.conditions import HS_PREFIX, HS_SUBHEADING_DIGITS, PROCEDURE, ItemFacts, hs_codes_on
from .models import LANE_ORDER, RiskLane, RiskProfile

# Nothing is released without a profile saying so: a goods item no profile of the agency
# matches is checked on its documents by an officer (the review as before the lanes).
DEFAULT_LANE = RiskLane.YELLOW


def profile_errors(profile: RiskProfile) -> dict[str, str]:
    """Normalise ``profile`` in place; ``{field: message}`` for every criterion that can
    never match. Sources as for routing rules: HS prefix against the HS nomenclature in
    force (code list ``hs``), ISO 3166-1 countries, DE 1/10 procedure codes (code list
    ``procedure-codes``), ISO 4217 currencies."""
    profile.hs_prefix = re.sub(r"[\s.]", "", profile.hs_prefix or "")
    profile.origin_country = (profile.origin_country or "").strip().upper()
    profile.procedure_code = (profile.procedure_code or "").strip()
    profile.value_currency = (profile.value_currency or "").strip().upper()
    errors: dict[str, str] = {}
    day = max(profile.valid_from or timezone.localdate(), timezone.localdate())
    if profile.hs_prefix:
        head = profile.hs_prefix[:HS_SUBHEADING_DIGITS]
        if not HS_PREFIX.match(profile.hs_prefix):
            errors["hs_prefix"] = _("Give 2 to 10 digits, e.g. 0901 or 610910.")
        elif not any(code.startswith(head) for code in hs_codes_on(day)):
            errors["hs_prefix"] = _(
                "No HS code in force on %(day)s starts with %(prefix)s: the profile would "
                "never match."
            ) % {"day": day.isoformat(), "prefix": head}
    if profile.origin_country and not is_country(profile.origin_country):
        errors["origin_country"] = _("%(code)s is not an ISO 3166-1 country code.") % {
            "code": profile.origin_country
        }
    if profile.procedure_code:
        procedures = load_code_list("procedure-codes").codes_on(day) or frozenset()
        parts = [profile.procedure_code[:2], profile.procedure_code[2:]]
        if not PROCEDURE.match(profile.procedure_code):
            errors["procedure_code"] = _("Give 2 digits (e.g. 40) or 4 digits (e.g. 4000).")
        elif any(part and part not in procedures for part in parts):
            errors["procedure_code"] = _("%(code)s is not a procedure code (DE 1/10).") % {
                "code": profile.procedure_code
            }
    amounts = (profile.value_per_kg_below, profile.value_per_kg_above)
    if any(a is not None for a in amounts) != bool(profile.value_currency):
        field = "value_currency" if profile.value_currency == "" else "value_per_kg_below"
        errors[field] = _("Give the currency with a value per kg, and only then.")
    elif profile.value_currency and profile.value_currency not in iso_currencies():
        errors["value_currency"] = _("%(code)s is not an ISO 4217 currency code.") % {
            "code": profile.value_currency
        }
    below, above = amounts
    if below is not None and above is not None and below <= above:
        errors["value_per_kg_below"] = _(
            "A value per kg below %(below)s and above %(above)s can never hold."
        ) % {"below": below, "above": above}
    if any(a is not None and a < 0 for a in amounts):
        errors["value_per_kg_below"] = _("The amount cannot be negative.")
    if not Decimal(0) <= (profile.random_rate or 0) <= Decimal(100):
        errors["random_rate"] = _("Give a percentage from 0 to 100.")
    if profile.lane == RiskLane.RED and profile.random_rate:
        errors["random_rate"] = _("Red is the last lane: nothing goes further up.")
    if profile.valid_from and profile.valid_to and profile.valid_to < profile.valid_from:
        errors["valid_to"] = _("The profile cannot end before it starts.")
    return errors


def value_per_kg(facts: ItemFacts) -> Decimal | None:
    """Customs value (WCO DM 108) / net mass in kg (WCO DM 128); ``None`` when either is
    missing or the mass is zero."""
    mass = facts.item.net_mass_kg if facts.item is not None else None
    if facts.customs_value is None or not mass:
        return None
    return facts.customs_value / mass


@dataclass(frozen=True, slots=True)
class ProfileMatch:
    """Whether a profile holds for a goods item; ``rate_missing``: the currencies with no
    customs exchange rate on the day, so its value per kg could not be compared (the
    profile then does not hold, and the item gets no lane below yellow:
    ``agencies.risk.services.lane_choose``)."""

    holds: bool
    rate_missing: str = ""


def profile_match(
    profile: RiskProfile,
    facts: ItemFacts,
    company_id: int | None,
    on: date,
    traders: set[int],
    rates: RateTable | None = None,
) -> ProfileMatch:
    """Whether ``profile`` (in force on ``on``) holds for one goods item of a declaration
    lodged by ``company_id``; ``traders``: the profile's company ids (read once).

    The value per kg is converted into the profile's currency at the customs exchange
    rate in force on ``on`` (``rates``; the one conversion routing thresholds use,
    ``agencies.rates.conversion``). Without a rate the criterion cannot hold, and the
    match says which currency lacked one."""
    if not profile.in_force_on(on):
        return ProfileMatch(False)
    if profile.hs_prefix and not facts.hs_code.startswith(profile.hs_prefix):
        return ProfileMatch(False)
    if profile.origin_country and profile.origin_country != facts.origin_country.upper():
        return ProfileMatch(False)
    code = profile.procedure_code
    if code and facts.procedure_code[: len(code)] != code:
        return ProfileMatch(False)
    if traders and company_id not in traders:
        return ProfileMatch(False)
    if profile.value_per_kg_below is not None or profile.value_per_kg_above is not None:
        per_kg = value_per_kg(facts)
        if per_kg is None:
            return ProfileMatch(False)
        converted = (rates or RateTable(on)).convert(per_kg, facts.currency, profile.value_currency)
        if converted.amount is None:
            return ProfileMatch(False, converted.missing)
        per_kg = converted.amount
        if profile.value_per_kg_below is not None and not per_kg < profile.value_per_kg_below:
            return ProfileMatch(False)
        if profile.value_per_kg_above is not None and not per_kg > profile.value_per_kg_above:
            return ProfileMatch(False)
    return ProfileMatch(True)


def profile_matches(
    profile: RiskProfile,
    facts: ItemFacts,
    company_id: int | None,
    on: date,
    traders: set[int],
    rates: RateTable | None = None,
) -> bool:
    """``profile_match(...).holds``."""
    return profile_match(profile, facts, company_id, on, traders, rates).holds


def most_severe(lanes: list[str]) -> str:
    """The most severe of ``lanes`` (red > yellow > green)."""
    return max(lanes, key=LANE_ORDER.index)


def lane_above(lane: str) -> str:
    """The next lane up (green -> yellow -> red; red stays red)."""
    return LANE_ORDER[min(LANE_ORDER.index(lane) + 1, len(LANE_ORDER) - 1)]


def draw_key(reference: str, agency_code: str) -> str:
    """What the random draw of a task is computed from: the seed
    (``settings.RISK_DRAW_SEED``), the declaration's MRN and the agency's code."""
    return f"{settings.RISK_DRAW_SEED}:{reference}:{agency_code}"


def draw(key: str) -> float:
    """A number in [0, 1) from ``key``: the first 8 bytes of its SHA-256 over 2**64. The
    same key always gives the same draw (a re-run or an audit reproduces it), and
    different keys are spread uniformly."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def minimum_rate(lane: str) -> Decimal:
    """The lane's minimum random rate in percent (``settings.RISK_MINIMUM_RANDOM_RATES``,
    e.g. 2 % of green goes to yellow); red has none."""
    return Decimal(str(settings.RISK_MINIMUM_RANDOM_RATES.get(str(lane), 0)))


@dataclass(frozen=True)
class LaneChoice:
    """A task's lane as chosen: ``assessed`` from the profiles, ``lane`` after the draw."""

    lane: str
    assessed: str
    reason: str
    matched: list[dict]
    key: str
    draw: float
    rate: Decimal

    @property
    def escalated(self) -> bool:
        return self.lane != self.assessed
