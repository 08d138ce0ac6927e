"""The one clearance rule: agencies' item outcomes -> each goods item's status -> the
declaration's clearance status, and the review tasks it leaves nothing to decide.

Written once and used by every writer (decisions, information requests and answers,
inspections, routing). The pure functions take plain values so each branch is tested alone;
``clearance_merge`` reads the rows and applies them under the declaration's row lock.

Sources: WTO TFA Art. 7.3 (release may be separated from final determination: goods the
agencies released may go while others are refused) and Art. 8 (border agency cooperation);
US ACE PGA line-level dispositions (one outcome per agency and entry line); EU CHED part III
(decision per consignment, "acceptable if ..." conditions).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from declarations import history
from declarations.models import ClearanceStatus, Declaration, StatusEvent
from declarations.services import declaration_set_status

from .events import task_event
from .models import (
    OPEN_REVIEW_STATUSES,
    ItemOutcomeKind,
    ReviewStatus,
    ReviewTask,
)


class ItemStatus(TextChoices):
    """A goods item's status across every agency concerned with it."""

    OPEN = "open", gettext_lazy("Open")
    RELEASED = "released", gettext_lazy("Released")
    RELEASED_WITH_CONDITIONS = "released_with_conditions", gettext_lazy("Released with conditions")
    REFUSED = "refused", gettext_lazy("Refused")


def item_status(outcomes: Iterable[str | None]) -> ItemStatus:
    """One goods item from the outcome of each agency concerned (``None``: not decided).

    Refused if any agency refused it; released once every agency released it (with
    conditions if any of them set one); otherwise still open.
    """
    outcomes = list(outcomes)
    if ItemOutcomeKind.REFUSED in outcomes:
        return ItemStatus.REFUSED
    if not outcomes or None in outcomes:
        return ItemStatus.OPEN
    if ItemOutcomeKind.RELEASED_WITH_CONDITIONS in outcomes:
        return ItemStatus.RELEASED_WITH_CONDITIONS
    return ItemStatus.RELEASED


def review_status(outcomes: Sequence[str]) -> ReviewStatus:
    """An agency's own status from its outcomes for the items routed to it (all given).

    All refused -> refused; some refused -> partially released; any condition -> released
    with conditions; otherwise released.
    """
    if not outcomes:
        raise ValueError("an agency's status needs at least one item outcome")
    refused = sum(outcome == ItemOutcomeKind.REFUSED for outcome in outcomes)
    if refused == len(outcomes):
        return ReviewStatus.REFUSED
    if refused:
        return ReviewStatus.PARTIALLY_RELEASED
    if ItemOutcomeKind.RELEASED_WITH_CONDITIONS in outcomes:
        return ReviewStatus.RELEASED_WITH_CONDITIONS
    return ReviewStatus.RELEASED


def declaration_status(
    items: Iterable[ItemStatus], *, information_requested: bool, inspection_open: bool
) -> ClearanceStatus:
    """The declaration's one clearance status, in this order of precedence:

    every item refused -> rejected (final); an information request open -> awaiting
    trader; an inspection ordered without all its results -> inspection; items still open
    -> under review; some items refused -> partially released; a condition -> cleared with
    conditions; otherwise cleared.
    """
    items = list(items)
    if items and all(item == ItemStatus.REFUSED for item in items):
        return ClearanceStatus.REJECTED
    if information_requested:
        return ClearanceStatus.AWAITING_TRADER
    if inspection_open:
        return ClearanceStatus.INSPECTION
    if not items or ItemStatus.OPEN in items:
        return ClearanceStatus.UNDER_REVIEW
    if ItemStatus.REFUSED in items:
        return ClearanceStatus.PARTIALLY_RELEASED
    if ItemStatus.RELEASED_WITH_CONDITIONS in items:
        return ClearanceStatus.CLEARED_WITH_CONDITIONS
    return ClearanceStatus.CLEARED


@dataclass(frozen=True, slots=True)
class ItemClearance:
    """One goods item's merged status and what each agency concerned decided on it."""

    item_id: int
    sequence: int
    status: ItemStatus
    # agency name -> (outcome or None, condition, reason), in agency name order
    agencies: Mapping[str, tuple[str | None, str, str]]
    refused_by: tuple[str, ...]


def item_clearances(declaration: Declaration) -> list[ItemClearance]:
    """Every goods item of the declaration with its merged status, in item order."""
    tasks = list(
        declaration.review_tasks.select_related("agency").prefetch_related("items", "outcomes")
    )
    concerned: dict[int, list[ReviewTask]] = {}
    for task in tasks:
        if task.status == ReviewStatus.CLOSED:
            continue  # closed with nothing left to decide: its items were refused

        for item in task.items.all():
            concerned.setdefault(item.pk, []).append(task)
    result = []
    for item in declaration.items.order_by("sequence"):
        agencies: dict[str, tuple[str | None, str, str]] = {}
        for task in sorted(concerned.get(item.pk, []), key=lambda t: t.agency.name):
            outcome = next((o for o in task.outcomes.all() if o.item_id == item.pk), None)
            agencies[task.agency.name] = (
                (outcome.outcome, outcome.condition, outcome.reason) if outcome else (None, "", "")
            )
        result.append(
            ItemClearance(
                item_id=item.pk,
                sequence=item.sequence,
                status=item_status(decided for decided, _c, _r in agencies.values()),
                agencies=agencies,
                refused_by=tuple(
                    name
                    for name, (decided, _c, _r) in agencies.items()
                    if decided == ItemOutcomeKind.REFUSED
                ),
            )
        )
    return result


def clearance_merge(
    declaration: Declaration, *, actor: AbstractBaseUser | None = None, agency: str = ""
) -> ClearanceStatus:
    """Recompute and store the declaration's clearance status, and close the review tasks
    it leaves nothing to decide: every open task once the declaration is rejected
    ("declaration rejected by X"), and a task whose items other agencies all refused
    ("items refused by X"). Each change is recorded in the history.

    The caller holds the declaration's row lock (``select_for_update``) in the current
    transaction: every writer of review tasks takes that lock first, then the tasks
    (one lock order), so two officers deciding at once are serialised and the second merge
    sees the first decision.
    """
    items = item_clearances(declaration)
    by_item = {item.item_id: item for item in items}
    rejected = bool(items) and all(item.status == ItemStatus.REFUSED for item in items)
    still_open = []
    open_tasks = (
        declaration.review_tasks.select_related("agency")
        .prefetch_related("inspections", "items")
        .filter(status__in=OPEN_REVIEW_STATUSES)
    )
    for task in open_tasks:
        routed = [by_item[item.pk] for item in task.items.all()]
        if rejected:
            refusers = {name for item in items for name in item.refused_by}
            reason = gettext_noop("declaration rejected by %(agencies)s")
        elif routed and all(item.status == ItemStatus.REFUSED for item in routed):
            refusers = {name for item in routed for name in item.refused_by}
            reason = gettext_noop("items refused by %(agencies)s")
        else:
            still_open.append(task)
            continue
        line = history.text(reason, agencies=", ".join(sorted(refusers)))
        review_close(task, line, actor=actor)
    status = declaration_status(
        (item.status for item in items),
        information_requested=any(t.status == ReviewStatus.INFO_REQUESTED for t in still_open),
        inspection_open=any(
            inspection.result == "" for task in still_open for inspection in task.inspections.all()
        ),
    )
    declaration_set_status(declaration, status, actor=actor, agency=agency)
    return status


def review_close(
    task: ReviewTask, reason: history.Text, *, actor: AbstractBaseUser | None = None
) -> None:
    """Close an open review task that has nothing left to decide; its row is locked by the
    caller's declaration lock (the task is only written under it). ``reason``: text, or a
    ``declarations.history`` line (the history renders it in each reader's language; the
    task keeps it in the language of the request that closed it)."""
    now = timezone.now()
    line, reason = reason, history.render(reason)
    ReviewTask.objects.filter(pk=task.pk, status__in=OPEN_REVIEW_STATUSES).update(
        status=ReviewStatus.CLOSED, reason=reason, decided_at=now, due_at=None
    )
    task.status = ReviewStatus.CLOSED
    task.reason = reason
    task_event(
        task,
        StatusEvent.Kind.REVIEW_CLOSED,
        actor=actor,
        to_status=ReviewStatus.CLOSED,
        message=line,
    )
