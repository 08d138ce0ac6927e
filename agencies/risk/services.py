"""Picking each review task's lane at routing time, acting on it, and officers' overrides.

``lanes_assign`` runs inside ``agencies.services.routing.declaration_route`` (same
transaction, declaration row locked, after the tasks are created): each task gets the most
severe lane of the profiles matching its goods items (an item no profile matches:
``DEFAULT_LANE``, yellow), then a reproducible random draw may send it one lane up. Then:

- green: the system releases every item of the task (``ItemOutcome`` released, no person,
  the reason recorded); the declaration clears with no person when every agency's lane is
  green (``agencies.clearance.clearance_merge``);
- yellow: an officer checks the documents; when a profile or the draw sent the task there,
  a documentary check is ordered by the system, so its result is recorded before the
  decision (the default yellow is the officer's ordinary review, nothing more);
- red: a physical check is ordered by the system (joining the declaration's appointment).

Sources: WCO Risk Management Compendium (selectivity, random selection to validate the
profiles); ASYCUDA green / yellow / red channels; WTO TFA Art. 7.4.
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop

from declarations import history
from declarations.models import Declaration, StatusEvent

from ..clearance import clearance_merge, item_clearances, review_status
from ..events import task_event
from ..inspections.models import InspectionKind
from ..inspections.services import inspection_create
from ..models import ItemOutcome, ItemOutcomeKind, ReviewStatus, ReviewTask
from ..rates.conversion import RateTable, missing_rate_text
from ..routing.conditions import ItemFacts
from ..selectors import access_review
from ..services.base import (
    DecisionInvalid,
    ReviewConflict,
    require_holder,
    require_open_declaration,
)
from .criteria import (
    DEFAULT_LANE,
    LaneChoice,
    draw,
    draw_key,
    lane_above,
    minimum_rate,
    most_severe,
    profile_match,
)
from .models import LaneAssignment, LaneOverride, RiskLane, RiskProfile

GREEN_RELEASE = _lazy("Green lane: released automatically, no control")
LANE_CHECK = {RiskLane.YELLOW: InspectionKind.DOCUMENTARY, RiskLane.RED: InspectionKind.PHYSICAL}


def profiles_in_force(agency_ids: Iterable[int], on: date) -> list[tuple[RiskProfile, set[int]]]:
    """The active profiles of these agencies in force on ``on``, each with its traders'
    company ids (one query for all of them)."""
    profiles = list(
        RiskProfile.objects.filter(agency_id__in=list(agency_ids), active=True).prefetch_related(
            "traders"
        )
    )
    return [(p, {c.pk for c in p.traders.all()}) for p in profiles if p.in_force_on(on)]


def lane_choose(
    agency_id: int,
    agency_code: str,
    facts: Sequence[ItemFacts],
    *,
    company_id: int | None,
    reference: str,
    profiles: Sequence[tuple[RiskProfile, set[int]]],
    on: date,
    rates: RateTable | None = None,
) -> LaneChoice:
    """The lane of an agency's task over its goods items ``facts``: each item takes the
    most severe lane of the agency's profiles it matches (none: ``DEFAULT_LANE``), the task
    the most severe over its items; then the draw (``draw(draw_key(reference, agency))``)
    sends it one lane up when ``draw * 100 < rate``, ``rate`` being the lane's minimum or
    the highest random rate of the profiles that chose that lane.

    An item whose value per kg a profile could not compare, no customs exchange rate
    being in force for its currency on ``on`` (``rates``), gets no lane below yellow: the
    system never releases on a criterion it could not evaluate (it errs toward review, as
    routing does), and the reason names the currency and the day."""
    rates = rates or RateTable(on)
    matched: dict[int, dict] = {}
    item_lanes: list[str] = []
    unmatched: list[int] = []
    unrated: dict[str, list[int]] = {}  # currencies without a rate -> items
    for item_facts in facts:
        sequence = item_facts.item.sequence if item_facts.item is not None else 0
        lanes = []
        missing = set()
        for profile, traders in profiles:
            if profile.agency_id != agency_id:
                continue
            found = profile_match(profile, item_facts, company_id, on, traders, rates)
            if found.rate_missing:
                missing.add(found.rate_missing)
            if found.holds:
                lanes.append(profile.lane)
                entry = matched.setdefault(
                    profile.pk,
                    {"id": profile.pk, "name": profile.name, "lane": profile.lane, "items": []},
                )
                entry["items"].append(sequence)
        if not lanes:
            unmatched.append(sequence)
        lane = most_severe(lanes) if lanes else DEFAULT_LANE
        if missing:
            lane = most_severe([lane, RiskLane.YELLOW])
            for currencies in sorted(missing):
                unrated.setdefault(currencies, []).append(sequence)
        item_lanes.append(lane)
    assessed = most_severe(item_lanes) if item_lanes else DEFAULT_LANE
    rate = max(
        [minimum_rate(assessed)]
        + [
            profile.random_rate
            for profile, _traders in profiles
            if profile.pk in matched and profile.lane == assessed
        ]
    )
    key = draw_key(reference, agency_code)
    value = draw(key)
    lane = lane_above(assessed) if value * 100 < rate else assessed
    deciding = [m for m in matched.values() if m["lane"] == assessed]
    parts = [
        _("profile “%(name)s” (items %(items)s)")
        % {"name": m["name"], "items": ", ".join(str(s) for s in m["items"])}
        for m in deciding
    ]
    if unmatched and assessed == DEFAULT_LANE:
        parts.append(
            _("no risk profile matched items %(items)s (default: documentary check)")
            % {"items": ", ".join(str(s) for s in unmatched)}
        )
    if assessed == RiskLane.YELLOW:
        parts.extend(
            _("%(missing)s (items %(items)s): no lane below a documentary check")
            % {
                "missing": missing_rate_text(currencies, on),
                "items": ", ".join(str(s) for s in sequences),
            }
            for currencies, sequences in sorted(unrated.items())
        )
    reason = _("%(lane)s: %(why)s") % {"lane": RiskLane(assessed).label, "why": "; ".join(parts)}
    if lane != assessed:
        reason += " " + _("Sent up to %(lane)s at random (draw %(draw).4f < %(rate)s %%).") % {
            "lane": RiskLane(lane).label,
            "draw": value,
            "rate": rate,
        }
    return LaneChoice(lane, assessed, reason, list(matched.values()), key, value, rate)


def lanes_assign(
    declaration: Declaration,
    tasks: Sequence[ReviewTask],
    facts_of: dict[int, list[ItemFacts]],
    on: date,
) -> dict[int, LaneChoice]:
    """Choose, record and act on the lane of each new task of ``declaration`` (row locked
    by the caller, in its transaction); ``facts_of``: task id -> the facts of the items
    routed to it. The caller merges the clearance afterwards. Returns task id -> choice."""
    profiles = profiles_in_force((t.agency_id for t in tasks), on)
    rates = RateTable(on)
    reference = declaration.mrn or f"declaration-{declaration.pk}"
    choices = {
        task.pk: lane_choose(
            task.agency_id,
            task.agency.code,
            facts_of[task.pk],
            company_id=declaration.company_id,
            reference=reference,
            profiles=profiles,
            on=on,
            rates=rates,
        )
        for task in tasks
    }
    LaneAssignment.objects.bulk_create(
        LaneAssignment(
            task=task,
            lane=choice.lane,
            assessed_lane=choice.assessed,
            reason=choice.reason,
            matched=choice.matched,
            draw_key=choice.key,
            draw=choice.draw,
            rate=choice.rate,
            escalated=choice.escalated,
        )
        for task in tasks
        for choice in [choices[task.pk]]
    )
    for task in tasks:
        choice = choices[task.pk]
        # What the trader reads says which lane, not which profile (profiles are
        # confidential); the officers read the whole reason on the assignment.
        if choice.lane == RiskLane.GREEN:
            items = [f.item for f in facts_of[task.pk] if f.item is not None]
            items_release(task, items, actor=None, reason=str(GREEN_RELEASE))
        elif choice.lane == RiskLane.RED or choice.matched or choice.escalated:
            public = _("ordered by the risk lane (%(lane)s)") % {"lane": choice.lane}
            inspection_create(declaration, task, LANE_CHECK[choice.lane], actor=None, reason=public)
    return choices


def items_release(
    task: ReviewTask, items: Sequence, *, actor: AbstractBaseUser | None, reason: str
) -> None:
    """Release ``items`` of ``task`` (locked by the caller) with ``reason``: by the system
    (``actor`` ``None``, the green lane) or by an officer overriding to green."""
    ItemOutcome.objects.bulk_create(
        ItemOutcome(task=task, item=item, outcome=ItemOutcomeKind.RELEASED, decided_by=actor)
        for item in items
    )
    status = review_status([ItemOutcomeKind.RELEASED] * len(items))
    now = timezone.now()
    ReviewTask.objects.filter(pk=task.pk).update(
        status=status, reason=reason, decided_at=now, decided_by=actor, due_at=None, time_left=None
    )
    task.status = status
    task_event(
        task, StatusEvent.Kind.AGENCY_DECISION, actor=actor, to_status=status, message=reason
    )


def _lock_for_override(
    user: AbstractBaseUser, review_id: int
) -> tuple[Declaration, ReviewTask, LaneAssignment]:
    task = access_review(user, review_id)
    declaration = Declaration.objects.select_for_update(no_key=True).get(pk=task.declaration_id)
    task = (
        ReviewTask.objects.select_for_update(of=("self",), no_key=True)
        .select_related("agency", "claimed_by")
        .get(pk=task.pk)
    )
    require_open_declaration(declaration)
    assignment = LaneAssignment.objects.select_for_update().filter(task=task).first()
    if assignment is None:
        raise ReviewConflict("no_lane", _("This task was routed before risk lanes existed."))
    released_by_system = (
        task.status == ReviewStatus.RELEASED
        and task.decided_by_id is None
        and assignment.lane == RiskLane.GREEN
    )
    if not task.is_open and not released_by_system:
        raise ReviewConflict(
            "already_decided",
            _("Your agency has already decided: %(status)s.")
            % {"status": task.get_status_display().lower()},
        )
    require_holder(task, user)
    return declaration, task, assignment


def lane_override(
    *, user: AbstractBaseUser, review_id: int, lane: str, reason: str
) -> LaneAssignment:
    """An officer moves their agency's task to another lane, giving the reason (recorded
    with the old and new lane, in the task's history).

    To green: the officer releases the task's items (those no other agency refused); to
    yellow: a documentary check is ordered; to red: a physical check. A task the green
    lane released may be called in (to yellow or red) while the declaration is open: its
    system release is withdrawn and the task is pending again.

    ``DecisionInvalid``: no reason, unknown lane, the lane it is in; ``ReviewConflict``:
    decided by an officer, declaration closed, held by someone else, checks without a
    result before a release; ``Http404``: another agency's task.
    """
    reason = (reason or "").strip()
    if lane not in RiskLane.values:
        raise DecisionInvalid({"lane": _("Choose green, yellow or red.")})
    if not reason:
        raise DecisionInvalid({"reason": _("Give the reason for changing the lane.")})
    with transaction.atomic():
        declaration, task, assignment = _lock_for_override(user, review_id)
        if assignment.lane == lane:
            raise DecisionInvalid({"lane": _("The task is already in this lane.")})
        if lane == RiskLane.GREEN and task.inspections.filter(result="").exists():
            raise ReviewConflict(
                "inspection_open", _("Record the result of every check ordered before releasing.")
            )
        if not task.is_open:
            # Called in after the green lane released it: withdraw the system's release.
            task.outcomes.all().delete()
            ReviewTask.objects.filter(pk=task.pk).update(
                status=ReviewStatus.PENDING,
                decided_at=None,
                due_at=timezone.now() + timedelta(hours=task.agency.service_hours),
            )
            task.status = ReviewStatus.PENDING
        if task.status == ReviewStatus.INFO_REQUESTED:
            raise ReviewConflict(
                "awaiting_trader", _("Wait for the trader's answer before changing the lane.")
            )
        old = assignment.lane
        LaneOverride.objects.create(
            assignment=assignment, from_lane=old, to_lane=lane, reason=reason, actor=user
        )
        assignment.lane = lane
        assignment.save(update_fields=["lane"])
        task_event(
            task,
            StatusEvent.Kind.LANE_CHANGED,
            actor=user,
            message=history.text(
                gettext_noop("%(old)s -> %(new)s: %(reason)s"),
                old=RiskLane(old).label,
                new=RiskLane(lane).label,
                reason=reason,
            ),
        )
        if lane == RiskLane.GREEN:
            refused = {c.item_id for c in item_clearances(declaration) if c.refused_by}
            items = [i for i in task.items.order_by("sequence") if i.pk not in refused]
            items_release(task, items, actor=user, reason=reason)
        else:
            kind = LANE_CHECK[lane]
            if not task.inspections.filter(kind=kind, result="").exists():
                inspection_create(declaration, task, kind, actor=user, reason=reason)
        if task.claimed_by_id is None:
            ReviewTask.objects.filter(pk=task.pk, claimed_by=None).update(
                claimed_by=user, claimed_at=timezone.now()
            )
        clearance_merge(declaration, actor=user, agency=task.agency.name)
    return assignment
