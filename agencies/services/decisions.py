"""Officers' decisions on their agency's review tasks (per goods item, or all at once),
information requests, and the trader's answer to them."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from declarations import history
from declarations.documents.models import SupportingDocument
from declarations.models import Declaration, StatusEvent
from declarations.notifications.models import Audience, NotificationCode
from declarations.notifications.services import notification_record
from declarations.selectors import access_declaration

from ..clearance import clearance_merge, item_clearances, review_status
from ..events import task_event
from ..models import ItemOutcome, ItemOutcomeKind, ReviewStatus, ReviewTask
from .base import (
    DecisionInvalid,
    ReviewConflict,
    lock_review,
    require_holder,
    require_open_declaration,
)

# The decisions an officer can take (API ``decision``): per item, or a shorthand.
DECIDE = "decide"  # one outcome per goods item
APPROVE_ALL = "approved"  # every item released
REFUSE_ALL = "rejected"  # every item refused, one reason
REQUEST_INFORMATION = ReviewStatus.INFO_REQUESTED.value
DECISIONS = (DECIDE, APPROVE_ALL, REFUSE_ALL, REQUEST_INFORMATION)


@dataclass(frozen=True, slots=True)
class ItemDecision:
    """One goods item's outcome as the officer gave it (``sequence``: WCO DM 006)."""

    sequence: int
    outcome: str
    condition: str = ""
    reason: str = ""


def review_decide(
    *,
    user: AbstractBaseUser,
    review_id: int,
    decision: str,
    reason: str = "",
    items: Sequence[ItemDecision] = (),
) -> ReviewTask:
    """An officer decides their agency's review task, and the clearance status is merged.

    ``decision``: ``decide`` with one ``ItemDecision`` per goods item routed to the agency
    (items other agencies already refused may be left out); ``approved`` (all released)
    or ``rejected`` (all refused, ``reason`` required) as shorthands; ``info_requested``
    (``reason`` = what the trader must send; the service clock stops). The agency's
    status follows from its item outcomes (``clearance.review_status``). The decision is
    kept in the history, linked to the task.

    Raises ``Http404`` (another agency's task), ``DecisionInvalid`` (what was sent),
    ``ReviewConflict`` (claimed by someone else, already decided, checks without result,
    declaration closed).
    """
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise DecisionInvalid(
            {"decision": _("Choose to decide per item, approve, reject or request information.")}
        )
    if decision == REFUSE_ALL and not reason:
        raise DecisionInvalid({"reason": _("Give the reason for the refusal.")})
    if decision == REQUEST_INFORMATION and not reason:
        raise DecisionInvalid({"reason": _("Say what information the trader must send.")})
    with transaction.atomic():
        declaration, task = lock_review(user, review_id)
        require_holder(task, user)
        if decision == REQUEST_INFORMATION:
            _request_information(task, declaration, user, reason)
        else:
            if task.inspections.filter(result="").exists():
                raise ReviewConflict(
                    "inspection_open",
                    _("Record the result of every check you ordered before deciding."),
                )
            decided = _item_decisions(task, declaration, decision, reason, items)
            _record_outcomes(task, declaration, user, decided, reason)
        clearance_merge(declaration, actor=user, agency=task.agency.name)
    task.refresh_from_db()
    return task


def _request_information(
    task: ReviewTask, declaration: Declaration, user: AbstractBaseUser, message: str
) -> None:
    now = timezone.now()
    # The service clock stops while the trader is asked; the time left carries over.
    time_left = max(task.due_at - now, timedelta(0)) if task.due_at else None
    ReviewTask.objects.filter(pk=task.pk).update(
        status=ReviewStatus.INFO_REQUESTED,
        reason=message,
        claimed_by=user,
        claimed_at=task.claimed_at or now,
        due_at=None,
        time_left=time_left,
    )
    event = task_event(
        task,
        StatusEvent.Kind.AGENCY_DECISION,
        actor=user,
        to_status=ReviewStatus.INFO_REQUESTED,
        message=message,
    )
    notification_record(
        event,
        NotificationCode.INFORMATION_REQUESTED,
        declaration=declaration,
        agency=task.agency,
        message=message,
    )


def _item_decisions(
    task: ReviewTask,
    declaration: Declaration,
    decision: str,
    reason: str,
    items: Sequence[ItemDecision],
) -> list[ItemDecision]:
    """The outcome of every goods item routed to the task, checked: the shorthands expand
    to every item still open; ``decide`` needs an outcome per item, a condition for each
    release with conditions and a reason for each refusal."""
    routed = {item.sequence for item in task.items.all()}
    refused_elsewhere = {
        clearance.sequence
        for clearance in item_clearances(declaration)
        if clearance.sequence in routed and clearance.refused_by
    }
    if decision == APPROVE_ALL:
        return [
            ItemDecision(sequence, ItemOutcomeKind.RELEASED)
            for sequence in sorted(routed - refused_elsewhere)
        ]
    if decision == REFUSE_ALL:
        return [
            ItemDecision(sequence, ItemOutcomeKind.REFUSED, reason=reason)
            for sequence in sorted(routed)
        ]
    errors: dict[int, dict[str, str]] = {}
    given: dict[int, ItemDecision] = {}
    for item in items:
        problems = _item_problems(item, routed, given)
        if problems:
            errors.setdefault(item.sequence, {}).update(problems)
        else:
            given[item.sequence] = item
    # After an amendment the outcomes of unchanged items are kept: only the others are due.
    kept = set(task.outcomes.values_list("item__sequence", flat=True))
    missing = sorted(routed - refused_elsewhere - kept - set(given) - set(errors))
    for sequence in missing:
        errors[sequence] = {"outcome": _("Give an outcome for this goods item.")}
    if not items and not errors:
        raise DecisionInvalid({"items": _("Give an outcome for each goods item.")})
    if errors:
        raise DecisionInvalid({}, errors)
    return [given[sequence] for sequence in sorted(given)]


def _item_problems(
    item: ItemDecision, routed: set[int], given: dict[int, ItemDecision]
) -> dict[str, str]:
    if item.sequence not in routed:
        return {"sequence": _("This goods item is not routed to your agency.")}
    if item.sequence in given:
        return {"sequence": _("This goods item has two outcomes.")}
    if item.outcome not in ItemOutcomeKind.values:
        return {"outcome": _("Choose released, released with conditions or refused.")}
    if item.outcome == ItemOutcomeKind.RELEASED_WITH_CONDITIONS and not item.condition.strip():
        return {"condition": _("Write the condition of the release.")}
    if item.outcome == ItemOutcomeKind.REFUSED and not item.reason.strip():
        return {"reason": _("Give the reason for the refusal.")}
    return {}


def _record_outcomes(
    task: ReviewTask,
    declaration: Declaration,
    user: AbstractBaseUser,
    decided: list[ItemDecision],
    reason: str,
) -> None:
    items = {item.sequence: item for item in task.items.all()}
    # A decision replaces the outcomes it gives; those kept across an amendment stay.
    ItemOutcome.objects.filter(
        task=task, item__sequence__in=[decision.sequence for decision in decided]
    ).delete()
    ItemOutcome.objects.bulk_create(
        ItemOutcome(
            task=task,
            item=items[decision.sequence],
            outcome=decision.outcome,
            condition=decision.condition.strip()
            if decision.outcome == ItemOutcomeKind.RELEASED_WITH_CONDITIONS
            else "",
            reason=decision.reason.strip() if decision.outcome == ItemOutcomeKind.REFUSED else "",
            decided_by=user,
        )
        for decision in decided
    )
    status = review_status(list(task.outcomes.values_list("outcome", flat=True)))
    now = timezone.now()
    ReviewTask.objects.filter(pk=task.pk).update(
        status=status,
        reason=reason,
        decided_at=now,
        decided_by=user,
        claimed_by=user,
        claimed_at=task.claimed_at or now,
        due_at=None,
        time_left=None,
    )
    event = task_event(
        task,
        StatusEvent.Kind.AGENCY_DECISION,
        actor=user,
        to_status=status,
        message=reason or outcomes_summary(decided),
    )
    notification_record(
        event,
        NotificationCode.AGENCY_OUTCOME,
        declaration=declaration,
        agency=task.agency,
        status=str(status.label).lower(),
        message=event.message,
    )


def outcomes_summary(decided: Sequence[ItemDecision]) -> history.Text:
    """The outcomes as one history line (``declarations.history``, read in the reader's
    language): "item 1: released with conditions (...); ..."."""
    parts = []
    for decision in decided:
        text = history.text(
            gettext_noop("item %(sequence)s: %(outcome)s"),
            sequence=decision.sequence,
            outcome=history.label(ItemOutcomeKind(decision.outcome).label, lower=True),
        )
        detail = decision.condition.strip() or decision.reason.strip()
        parts.append(history.joined("", [text, f" ({detail})"]) if detail else text)
    return history.joined("; ", parts)


def review_respond(
    *,
    user: AbstractBaseUser,
    declaration_id: int,
    message: str,
    document_ids: Sequence[int] = (),
    attach: Callable[[], SupportingDocument] | None = None,
) -> Declaration:
    """The trader answers the open information requests on their declaration, with a
    message, supporting documents, or both: ``document_ids`` cites documents already
    attached to the declaration; ``attach`` (e.g. ``document_attach`` of a new upload) runs
    in the same transaction, so a refused file leaves no answer and an answer no file.

    Every review task in ``info_requested`` goes back to ``pending`` for its agency with
    its service clock running again (the time left when it stopped), the answer is kept
    in the history (linked to each of those tasks, so their officers read it), and the
    clearance status is merged again.
    Raises ``Http404`` (not the trader's), ``DecisionInvalid`` (empty message, nothing
    asked), ``ReviewConflict`` (the declaration is closed).
    """
    message = (message or "").strip()
    if not message and not document_ids and attach is None:
        raise DecisionInvalid({"message": _("Write your answer or attach a document.")})
    with transaction.atomic():
        declaration = access_declaration(user, declaration_id, lock=True)
        require_open_declaration(declaration)
        documents = list(declaration.documents.filter(pk__in=document_ids))
        if len(documents) != len(set(document_ids)):
            raise DecisionInvalid({"documents": _("Cite documents of this declaration.")})
        asked = list(
            declaration.review_tasks.select_for_update(of=("self",), no_key=True)
            .select_related("agency")
            .filter(status=ReviewStatus.INFO_REQUESTED)
        )
        if not asked:
            raise DecisionInvalid({"message": _("No agency is waiting for information.")})
        if attach is not None:
            # After every check: a refusal above stores no file.
            documents.append(attach())
        if documents:
            cited = _("Documents: %(list)s") % {
                "list": "; ".join(
                    f"{d.type_code} {d.reference} ({d.original_name})" for d in documents
                )
            }
            message = f"{message}\n{cited}" if message else cited
        now = timezone.now()
        for task in asked:
            ReviewTask.objects.filter(pk=task.pk, status=ReviewStatus.INFO_REQUESTED).update(
                status=ReviewStatus.PENDING,
                due_at=now + task.time_left if task.time_left is not None else None,
                time_left=None,
            )
        event = StatusEvent.objects.create(
            declaration=declaration,
            actor=user,
            kind=StatusEvent.Kind.TRADER_RESPONSE,
            agency=", ".join(task.agency.name for task in asked),
            message=message,
        )
        # The answer belongs to the thread of every task that asked (see review_messages).
        event.review_tasks.add(*asked)
        for task in asked:
            notification_record(
                event,
                NotificationCode.TRADER_ANSWERED,
                declaration=declaration,
                audience=Audience.AGENCY,
                agency=task.agency,
                message=message,
            )
        clearance_merge(declaration, actor=user)
    return declaration


def item_decisions_from(raw: Any) -> list[ItemDecision]:
    """``ItemDecision`` values from validated request data (dicts with ``sequence``,
    ``outcome``, optional ``condition`` and ``reason``)."""
    return [
        ItemDecision(
            sequence=entry["sequence"],
            outcome=entry["outcome"],
            condition=entry.get("condition", ""),
            reason=entry.get("reason", ""),
        )
        for entry in raw or ()
    ]
