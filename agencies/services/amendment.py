"""The trader amends a declaration still open to the agencies (WCO DM 017 function code
13; UCC Art. 173), and routing is recomputed on the new version: only the agencies whose
routed goods items changed, or which are newly concerned, review again; the others keep
their outcomes; an agency no longer concerned has its task closed.

Lock order as everywhere: the declaration, then its review tasks.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from datamodel.diff import document_changes
from declarations import history
from declarations.amendments import (
    amendment_check,
    goods_items_update,
    substantive,
    version_first,
    version_record,
)
from declarations.models import OPEN_STATUSES, Declaration, DeclarationVersion, StatusEvent
from declarations.notifications.models import Audience, NotificationCode
from declarations.notifications.services import notification_record
from declarations.selectors import access_declaration, trader_of

from ..clearance import clearance_merge
from ..events import task_event
from ..models import Agency, ItemCallIn, ItemOutcome, ReviewStatus, ReviewTask, RoutingReason
from ..routing.conditions import declaration_item_facts
from .base import ReviewConflict
from .routing import RoutingPlan, reviewed_items, routing_plan, routing_reason, rules_in_force


@dataclass
class AmendmentResult:
    """What an amendment did: the new ``version``; the agencies that ``review_again``
    (changed or newly routed items), those ``closed`` (no longer concerned) and those
    that ``kept`` their outcomes."""

    version: DeclarationVersion
    review_again: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def require_amendable(declaration: Declaration) -> None:
    """An amendment needs the declaration still open (under review, awaiting the trader,
    inspection: ``OPEN_STATUSES``); after release, rejection or cancellation it is final
    (UCC Art. 173(3): no amendment after release)."""
    if declaration.status not in OPEN_STATUSES:
        raise ReviewConflict(
            "not_amendable",
            _("A declaration that is %(status)s cannot be amended.")
            % {"status": declaration.get_status_display().lower()},
        )


def declaration_amend(
    *,
    user: AbstractBaseUser,
    declaration_id: int,
    document: object = None,
    raw: bytes | None = None,
) -> AmendmentResult:
    """Lodge the whole amended declaration (``document`` JSON, or ``raw`` WCO DM XML)
    as the next version of the trader's declaration ``declaration_id``.

    Checked as ``declarations.amendments.amendment_check`` (``DeclarationInvalid``, nothing
    written); ``Http404`` for another company's declaration; ``ReviewConflict``
    ``not_amendable`` once it is no longer open, ``nothing_changed`` when the document is
    the current version's (no data element differs). Then, in one transaction: goods item rows
    updated per item number, version 1 kept if not yet, the new version with its changes,
    routing recomputed with the rules in force on the day of lodging (UCC Art. 85: the
    day of acceptance), the tasks of the agencies concerned by a change back to pending
    (outcomes of changed items cleared, a new ``due_at``), tasks waiting for the trader
    back to pending as with an answer (``review_respond``), tasks of agencies no longer
    concerned closed, a history event, notices to the trader and to the agencies that
    review again, and ``clearance_merge``.
    """
    trader = trader_of(user)
    if trader is None:
        raise Http404("No such declaration")
    declaration = access_declaration(user, declaration_id)
    require_amendable(declaration)
    checked = amendment_check(trader, declaration, document=document, raw=raw)
    with transaction.atomic():
        declaration = access_declaration(user, declaration_id, lock=True)
        require_amendable(declaration)
        tasks = list(
            ReviewTask.objects.select_for_update(of=("self",), no_key=True)
            .select_related("agency")
            .prefetch_related("items")
            .filter(declaration=declaration)
            .order_by("pk")
        )
        return _amend_locked(user, declaration, tasks, checked)


def _amend_locked(user, declaration, tasks, checked) -> AmendmentResult:
    now = timezone.now()
    changes = substantive(document_changes(declaration.document, checked.document))
    if not changes:
        # The current version sent again (the form reloaded by the back button and sent,
        # a client's retry without an Idempotency-Key): no amendment, nothing written.
        current = declaration.versions.order_by("-number").values_list("number", flat=True)
        raise ReviewConflict(
            "nothing_changed",
            _(
                "Nothing changed: this amendment is the same as version %(n)s, so nothing "
                "was lodged."
            )
            % {"n": current.first() or 1},
        )
    version_first(declaration)
    old_facts = {f.item.sequence: f for f in declaration_item_facts(declaration)}
    declaration.document = checked.document
    declaration.warnings = checked.warnings
    declaration.type_code = checked.document["Declaration"].get("TypeCode", "")[:2]
    declaration.save(update_fields=["document", "warnings", "type_code", "updated_at"])
    items = goods_items_update(declaration, checked.rows)
    facts = declaration_item_facts(declaration, items)
    changed = {change.item for change in changes if change.item is not None}
    # A header change that reaches an item's routing facts (countries, type, procedure)
    # changes the item for the agencies; any header change is customs' (it has the whole
    # declaration).
    changed |= {f.item.sequence for f in facts if old_facts.get(f.item.sequence) != f}
    header_changed = any(change.item is None for change in changes)
    version = version_record(
        declaration,
        document=checked.document,
        items=items,
        changes=[change.as_dict() for change in changes],
        user=user,
        at=now,
    )
    lodged_on = timezone.localdate(declaration.submitted_at or now)
    plan = routing_plan(facts, rules_in_force(), Agency.objects.filter(is_customs=True), lodged_on)
    uncovered = set(range(len(facts))) - {
        index for matches in plan.values() for index in reviewed_items(matches)
    }
    if uncovered or not facts:
        raise ReviewConflict(
            "not_routable",
            _("No agency would review goods item(s) %(items)s of the amended declaration.")
            % {"items": ", ".join(str(facts[i].item.sequence) for i in sorted(uncovered))},
        )
    result = AmendmentResult(version=version)
    event = StatusEvent.objects.create(
        declaration=declaration,
        actor=user,
        kind=StatusEvent.Kind.AMENDED,
        message=history.text(
            gettext_noop("version %(n)s: %(count)s change(s)"),
            n=version.number,
            count=len(changes),
        ),
    )
    routed = _tasks_rerouted(declaration, tasks, plan, facts, changed, header_changed, result, now)
    _reasons_rewrite(declaration, plan, facts, routed)
    event.agency = ", ".join(result.review_again)
    event.save(update_fields=["agency"])
    notification_record(
        event,
        NotificationCode.AMENDED,
        declaration=declaration,
        version=version.number,
        message=event.message,
    )
    for task in routed.values():
        if task.agency.name in result.review_again:
            event.review_tasks.add(task)
            notification_record(
                event,
                NotificationCode.TRADER_AMENDED,
                declaration=declaration,
                audience=Audience.AGENCY,
                agency=task.agency,
                version=version.number,
            )
    clearance_merge(declaration, actor=user)
    return result


def _tasks_rerouted(
    declaration: Declaration,
    tasks: list[ReviewTask],
    plan: RoutingPlan,
    facts: list,
    changed: set[int],
    header_changed: bool,
    result: AmendmentResult,
    now,
) -> dict[int, ReviewTask]:
    """Each agency's task after the amendment, by agency id (see ``declaration_amend``)."""
    by_agency = {task.agency_id: task for task in tasks}
    reviewing = {
        agency: {facts[i].item.sequence for i in reviewed_items(matches)}
        for agency, matches in plan.items()
    }
    # An item an agency called in stays with it: the trader's amendment does not undo the
    # agency's decision to review it (items removed by the amendment lost their call-in).
    called: dict[int, set[int]] = {}
    for agency_id, sequence in ItemCallIn.objects.filter(declaration=declaration).values_list(
        "agency_id", "item__sequence"
    ):
        called.setdefault(agency_id, set()).add(sequence)
    agencies = {task.agency for task in tasks} | {a for a, seqs in reviewing.items() if seqs}
    item_of = {f.item.sequence: f.item for f in facts}
    closing = history.text(
        gettext_noop("no longer concerned after amendment %(n)s"), n=result.version.number
    )
    out: dict[int, ReviewTask] = {}
    for agency in sorted(agencies, key=lambda a: a.name):
        wanted = next((seqs for a, seqs in reviewing.items() if a.pk == agency.pk), set())
        wanted = wanted | called.get(agency.pk, set())
        task = by_agency.get(agency.pk)
        if task is None:
            task = ReviewTask.objects.create(
                declaration=declaration,
                agency=agency,
                due_at=now + timedelta(hours=agency.service_hours),
            )
            task.items.set([item_of[s] for s in sorted(wanted)])
            result.review_again.append(agency.name)
            out[agency.pk] = task
            continue
        out[agency.pk] = task
        before = {item.sequence for item in task.items.all()}
        if not wanted:
            if task.status != ReviewStatus.CLOSED:
                _task_close(task, closing, now)
                result.closed.append(agency.name)
            continue
        again = wanted != before or bool(wanted & changed) or (agency.is_customs and header_changed)
        if again:
            task.items.set([item_of[s] for s in sorted(wanted)])
            # Outcomes of the items that did not change stand; a task reopened after being
            # closed starts afresh.
            keep = set() if task.status == ReviewStatus.CLOSED else wanted - changed
            ItemOutcome.objects.filter(task=task).exclude(item__sequence__in=keep).delete()
            ReviewTask.objects.filter(pk=task.pk).update(
                status=ReviewStatus.PENDING,
                due_at=now + timedelta(hours=agency.service_hours),
                time_left=None,
                decided_at=None,
                decided_by=None,
                escalated_at=None,
            )
            task.status = ReviewStatus.PENDING
            result.review_again.append(agency.name)
        elif task.status == ReviewStatus.INFO_REQUESTED:
            # The amendment answers the request: back to pending, the clock running again.
            ReviewTask.objects.filter(pk=task.pk).update(
                status=ReviewStatus.PENDING,
                due_at=now + task.time_left if task.time_left is not None else None,
                time_left=None,
            )
            task.status = ReviewStatus.PENDING
            result.review_again.append(agency.name)
        else:
            result.kept.append(agency.name)
    return out


def _task_close(task: ReviewTask, reason: history.Text, now) -> None:
    """Close a task whatever it had decided: its agency has no item any more (a closed
    task's outcomes do not count in the merge, ``item_clearances``). Its items are
    unlinked, so a later amendment that concerns the agency again reopens it."""
    ReviewTask.objects.filter(pk=task.pk).exclude(status=ReviewStatus.CLOSED).update(
        status=ReviewStatus.CLOSED,
        reason=history.render(reason),
        decided_at=now,
        due_at=None,
        time_left=None,
    )
    task.status = ReviewStatus.CLOSED
    task.items.clear()
    task_event(task, StatusEvent.Kind.REVIEW_CLOSED, to_status=ReviewStatus.CLOSED, message=reason)


def _reasons_rewrite(
    declaration: Declaration, plan: RoutingPlan, facts: list, tasks: dict[int, ReviewTask]
) -> None:
    """Why each item goes to each agency, for the new version (as ``declaration_route``)."""
    RoutingReason.objects.filter(declaration=declaration).delete()
    RoutingReason.objects.bulk_create(
        routing_reason(declaration, facts[index], agency, tasks.get(agency.pk), match)
        for agency, matches in plan.items()
        for index, found in sorted(matches.items())
        for match in found
    )
