"""Demo declarations in each merged clearance state (cancelled by the trader too), one
overdue task and one joint inspection, reached through the real services (submit, route,
decide, inspect, cancel) so the demo shows what the portal does, not rows typed in. Used
by ``seed_demo``; idempotent (a declaration whose LRN exists is left as it is)."""

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from declarations.models import Company, Declaration, Trader
from declarations.services import declaration_submit

from .inspections.services import inspection_order
from .models import Agency, ReviewTask
from .risk.history import risk_profile_recorded
from .risk.models import RiskProfile
from .services import ItemDecision, declaration_cancel, declaration_route, review_decide

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


def review_scenarios(
    officers: Officers, documents: dict[str, Any]
) -> list[tuple[str, list[dict[str, Any]], Callable[[Declaration], None]]]:
    """(LRN, goods items, what the agencies do) for each demo state; ``documents`` holds
    the goods items by name (``coffee``, ``medicaments``, ``laptops``,
    ``colombian_coffee``: green at every agency, cleared with no person)."""
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
        ("DEMO-2026-000018", [laptops], _cancelled),
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
