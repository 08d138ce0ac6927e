"""Demo declarations in each merged clearance state (cancelled by the trader too), one
overdue task and one joint inspection, reached through the real services (submit, route,
decide, inspect, cancel) so the demo shows what the portal does, not rows typed in. Used
by ``seed_demo``; idempotent (a declaration whose LRN exists is left as it is)."""

import copy
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from declarations.models import Company, Declaration, Trader
from declarations.services import declaration_submit

from .inspections.services import inspection_order
from .models import Agency, ReviewTask, RoutingRequirement, RoutingRule
from .rates.history import exchange_rate_save
from .rates.models import ExchangeRate
from .risk.history import risk_profile_recorded
from .risk.models import RiskProfile
from .services import ItemDecision, declaration_cancel, declaration_route, review_decide
from .services.callin import disclaimed_call_in

Officers = dict[str, AbstractBaseUser]  # agency code -> its demo officer


def _task(declaration: Declaration, code: str) -> ReviewTask:
    return declaration.review_tasks.get(agency__code=code)


def _release_all(officers: Officers, *codes: str) -> Callable[[Declaration], None]:
    def act(declaration: Declaration) -> None:
        for code in codes:
            review_decide(
                user=officers[code], review_id=_task(declaration, code).pk, decision="approved"
            )

    return act


def _partially_released(officers: Officers) -> Callable[[Declaration], None]:
    def act(declaration: Declaration) -> None:
        _release_all(officers, "customs")(declaration)
        review_decide(
            user=officers["plant-animal-health"],
            review_id=_task(declaration, "plant-animal-health").pk,
            decision="decide",
            items=[
                ItemDecision(
                    1,
                    "released_with_conditions",
                    condition="Release to approved premises only; do not sell before the "
                    "laboratory result.",
                )
            ],
        )
        review_decide(
            user=officers["medicines"],
            review_id=_task(declaration, "medicines").pk,
            decision="rejected",
            reason="No marketing authorisation for this product.",
        )

    return act


def _cleared_with_conditions(officers: Officers) -> Callable[[Declaration], None]:
    def act(declaration: Declaration) -> None:
        _release_all(officers, "customs")(declaration)
        review_decide(
            user=officers["standards"],
            review_id=_task(declaration, "standards").pk,
            decision="decide",
            items=[
                ItemDecision(
                    1,
                    "released_with_conditions",
                    condition="Hold at the importer's premises until the CE marking is checked.",
                )
            ],
        )

    return act


def _rejected(officers: Officers) -> Callable[[Declaration], None]:
    def act(declaration: Declaration) -> None:
        review_decide(
            user=officers["medicines"],
            review_id=_task(declaration, "medicines").pk,
            decision="rejected",
            reason="Falsified medicine alert: batch number on the recall list.",
        )

    return act


def _awaiting_trader(officers: Officers) -> Callable[[Declaration], None]:
    def act(declaration: Declaration) -> None:
        review_decide(
            user=officers["plant-animal-health"],
            review_id=_task(declaration, "plant-animal-health").pk,
            decision="info_requested",
            reason="Send the phytosanitary certificate issued in Brazil.",
        )

    return act


def _joint_inspection(officers: Officers) -> Callable[[Declaration], None]:
    def act(declaration: Declaration) -> None:
        for code in ("customs", "plant-animal-health"):
            inspection_order(
                user=officers[code],
                review_id=_task(declaration, code).pk,
                kind="physical",
                sample=code == "plant-animal-health",
            )

    return act


def _overdue(declaration: Declaration) -> None:
    # Time cannot pass in a seed: the customs task is back-dated past its service time,
    # the way it would stand after a weekend nobody worked the queue.
    task = _task(declaration, "customs")
    hours = task.agency.service_hours
    ReviewTask.objects.filter(pk=task.pk).update(
        created_at=timezone.now() - timedelta(hours=hours + 3),
        due_at=timezone.now() - timedelta(hours=3),
    )


# The demo trader's reason for the cancelled demo declaration (shown in its history and
# in the "cancelled" notification).
DEMO_CANCELLATION_REASON = (
    "Lodged twice by mistake: the same laptops are declared under DEMO-2026-000012."
)


def _cancelled(declaration: Declaration) -> None:
    # The trader who lodged it cancels it before any decision (UCC Art. 174), as the
    # cancel button, the JSON API and the CDS cancellation message do.
    declaration_cancel(
        user=declaration.created_by,
        declaration_id=declaration.pk,
        reason=DEMO_CANCELLATION_REASON,
    )


def _green_lane(declaration: Declaration) -> None:
    # Nothing to do: every agency's lane is green, the system released it at routing.
    return None


# The demo's risk profiles (agency code, name, lane, criteria): the demo company is a
# trusted operator for its coffee from Colombia, at customs and at plant and animal health.
DEMO_RISK_PROFILES = tuple(
    (code, "Trusted operator: Example Importers, coffee from Colombia", "green", "0901", "CO")
    for code in ("customs", "plant-animal-health")
)


def seed_risk_profiles(agencies: dict[str, Agency], trusted: Company) -> list[RiskProfile]:
    """Create or update the demo risk profiles (their creation is in their history)."""
    profiles = []
    for code, name, lane, hs_prefix, origin in DEMO_RISK_PROFILES:
        profile, created = RiskProfile.objects.update_or_create(
            agency=agencies[code],
            name=name,
            defaults={"lane": lane, "hs_prefix": hs_prefix, "origin_country": origin},
        )
        profile.traders.set([trusted])
        if created:
            risk_profile_recorded(profile, actor=None, before=None)
        profiles.append(profile)
    return profiles


# A may-be-required rule the trader can disclaim: string instruments may be made of
# protected wood (CITES: document C400, the CITES certificate); Y900 declares that the goods
# are not CITES species (UK CDS / EU TARIC document codes, code list ``document-codes``).
DEMO_CITES_RULE = {
    "hs_prefix": "9202",
    "document_code": "C400",
    "exemption_codes": "Y900",
    "requirement": RoutingRequirement.MAY_BE_REQUIRED,
    "description": "CITES: string instruments (protected wood species)",
}
CALL_IN_REASON = (
    "Brazilian origin: we check the wood species of the fingerboards against the CITES list."
)


def seed_cites_rule(agencies: dict[str, Agency]) -> RoutingRule:
    """The plant and animal health agency's CITES rule on string instruments."""
    rule, _created = RoutingRule.objects.update_or_create(
        agency=agencies["plant-animal-health"],
        hs_prefix=DEMO_CITES_RULE["hs_prefix"],
        origin_country="",
        declaration_type="",
        defaults={**DEMO_CITES_RULE, "active": True},
    )
    return rule


# Demo only: an invented figure, labelled as such wherever the rate is shown (its source).
# The product holds no exchange rate of its own; administrators type the published ones.
DEMO_RATE_SOURCE = "DEMO ONLY: an invented figure for the demo, not a published customs rate"


def seed_exchange_rates(today: date | None = None) -> list[ExchangeRate]:
    """A demo EUR rate for the current month (created once per month, in its history)."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    rate = ExchangeRate.objects.filter(currency="EUR", valid_from=first).first()
    if rate is None:
        rate = ExchangeRate(
            currency="EUR",
            rate=Decimal("1.25"),
            valid_from=first,
            valid_to=following - timedelta(days=1),
            source=DEMO_RATE_SOURCE,
        )
        rate.full_clean()
        exchange_rate_save(rate, actor=None, before=None)
    return [rate]


def _left_to_the_officers(declaration: Declaration) -> None:
    # Nothing yet: the agencies' officers have it in their queues (and, disclaimed,
    # among the plant and animal health agency's disclaimed items).
    return None


def _call_in(officers: Officers) -> Callable[[Declaration], None]:
    def act(declaration: Declaration) -> None:
        disclaimed_call_in(
            user=officers["plant-animal-health"],
            item_id=declaration.items.get(sequence=1).pk,
            reason=CALL_IN_REASON,
        )

    return act


def review_scenarios(
    officers: Officers, documents: dict[str, Any]
) -> list[tuple[str, list[dict[str, Any]], Callable[[Declaration], None]]]:
    """(LRN, goods items, what the agencies do) for each demo state; ``documents`` holds
    the goods items by name (``coffee``, ``medicaments``, ``laptops``,
    ``colombian_coffee``: green at every agency, cleared with no person; ``guitars``:
    disclaimed to plant and animal health by Y900, once left alone, once called in)."""
    coffee, meds, laptops = documents["coffee"], documents["medicaments"], documents["laptops"]
    return [
        ("DEMO-2026-000010", [coffee], _release_all(officers, "customs", "plant-animal-health")),
        ("DEMO-2026-000011", [coffee, meds], _partially_released(officers)),
        ("DEMO-2026-000012", [laptops], _cleared_with_conditions(officers)),
        ("DEMO-2026-000013", [meds], _rejected(officers)),
        ("DEMO-2026-000014", [coffee], _awaiting_trader(officers)),
        ("DEMO-2026-000015", [coffee], _joint_inspection(officers)),
        ("DEMO-2026-000016", [laptops], _overdue),
        ("DEMO-2026-000017", [documents["colombian_coffee"]], _green_lane),
        ("DEMO-2026-000018", [documents["guitars"]], _left_to_the_officers),
        ("DEMO-2026-000019", [documents["guitars"]], _call_in(officers)),
        ("DEMO-2026-000021", [laptops], _cancelled),
    ]


def seed_review_states(
    trader: Trader,
    officers: Officers,
    documents: dict[str, Any],
    make_document: Callable[[str, list[dict[str, Any]]], dict[str, Any]],
) -> list[Declaration]:
    """Lodge and route each scenario's declaration, then let the agencies act on it.
    Returns the declarations created by this run."""
    created = []
    for lrn, items, act in review_scenarios(officers, documents):
        if Declaration.objects.filter(company=trader.company, lrn=lrn).exists():
            continue
        numbered = [
            dict(copy.deepcopy(item), SequenceNumeric=str(n)) for n, item in enumerate(items, 1)
        ]
        declaration = declaration_submit(trader=trader, document=make_document(lrn, numbered))
        declaration_route(declaration.pk)  # at once, worker or not (idempotent)
        act(declaration)
        declaration.refresh_from_db()
        created.append(declaration)
    return created


def supervisors(agencies: dict[str, Agency]) -> list[tuple[str, Agency]]:
    """The demo supervisors: one for customs (username, agency)."""
    return [("supervisor.customs", agencies["customs"])]
