"""An agency calls in a goods item the trader disclaimed to it (issue 10 §1: "the agency is
informed and may still call the item in"; US ACE PGA disclaim, UK CDS ``Y`` document codes).

The call-in opens the agency's review task for the declaration (or reuses it, reopened if
it had decided) with the item to review, records the reason in the history, tells the
trader (notification ``review.item_called_in``) and merges the clearance status again
through the one merge rule (``agencies.clearance.clearance_merge``).

When it is allowed: only while the declaration is open to decisions and the item is
neither released nor refused. Once goods are released they are at the declarant's
disposal (UCC Art. 194, Regulation (EU) No 952/2013); a check after that is a
post-release control (UCC Art. 48; WTO TFA Art. 7.5, post-clearance audit), not a hold on
goods the trader was told may go. So a released or cleared item is never silently put
back under review: the call-in answers 409 (``item_released``, ``item_refused``,
``declaration_closed``), and the agency uses its post-release controls.

Race-safe: the declaration row is locked first, then the agency's task (the lock order of
``agencies.services.base``); the second of two officers calling in the same item waits for
the first, then finds its call-in (409 ``already_called_in``), and the unique (item,
agency) constraint backs this up. One task per agency and declaration stays guaranteed by
``one_review_per_agency``.
"""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.models import Declaration, GoodsItem, StatusEvent
from declarations.notifications.models import NotificationCode
from declarations.notifications.services import notification_record

from ..clearance import ItemStatus, clearance_merge, item_clearances
from ..events import task_event
from ..models import (
    OPEN_REVIEW_STATUSES,
    Agency,
    ItemCallIn,
    ItemOutcome,
    ReviewStatus,
    ReviewTask,
    RoutingReason,
    RoutingRequirement,
)
from ..risk.models import LaneAssignment, LaneOverride, RiskLane
from ..routing.disclaimed import access_disclaimed
from ..selectors import display_name
from .base import DecisionInvalid, ReviewConflict, officer_of, require_open_declaration

MAX_REASON = 4000


def disclaimed_call_in(*, user: AbstractBaseUser, item_id: int, reason: str) -> ItemCallIn:
    """The officer's agency calls in the goods item ``item_id`` disclaimed to it, for
    ``reason`` (required; the trader reads it). Returns the call-in.

    Raises ``Http404`` (not an item disclaimed to the officer's agency), ``DecisionInvalid``
    (no reason), ``ReviewConflict`` (``already_called_in``, ``declaration_closed``,
    ``item_released``, ``item_refused``).
    """
    reason = (reason or "").strip()
    if not reason:
        raise DecisionInvalid({"reason": _("Give the reason for calling the item in.")})
    if len(reason) > MAX_REASON:
        raise DecisionInvalid({"reason": _("At most %(n)s characters.") % {"n": MAX_REASON}})
    access_disclaimed(user, item_id)  # 404 before anything is locked
    officer = officer_of(user)
    with transaction.atomic():
        item = GoodsItem.objects.get(pk=item_id)
        declaration = Declaration.objects.select_for_update(no_key=True).get(pk=item.declaration_id)
        task = (
            ReviewTask.objects.select_for_update(of=("self",), no_key=True)
            .select_related("agency")
            .filter(declaration=declaration, agency_id=officer.agency_id)
            .first()
        )
        # Read again under the lock: an amendment may have changed the item meanwhile.
        item = access_disclaimed(user, item_id)
        agency = officer.agency
        _require_callable(declaration, item, agency)
        task = _task_for(declaration, agency, task, item, user, reason)
        code = (
            RoutingReason.objects.filter(
                item=item, agency=agency, requirement=RoutingRequirement.DISCLAIMED
            )
            .exclude(document_code="")
            .order_by("pk")
            .values_list("document_code", flat=True)
            .first()
            or ""
        )
        event = task_event(
            task,
            StatusEvent.Kind.ITEM_CALLED_IN,
            actor=user,
            message=_("goods item %(sequence)s, disclaimed with %(code)s, called in: %(reason)s")
            % {"sequence": item.sequence, "code": code, "reason": reason},
        )
        call_in = ItemCallIn.objects.create(
            declaration=declaration,
            item=item,
            agency=agency,
            task=task,
            exemption_code=code,
            reason=reason,
            called_by=user,
            event=event,
        )
        notification_record(
            event,
            NotificationCode.ITEM_CALLED_IN,
            declaration=declaration,
            agency=agency,
            sequence=item.sequence,
            exemption_code=code,
            message=reason,
        )
        clearance_merge(declaration, actor=user, agency=agency.name)
    return call_in


def _require_callable(declaration: Declaration, item: GoodsItem, agency: Agency) -> None:
    """Refuse a second call-in, and one on a closed declaration or a decided item."""
    existing = (
        ItemCallIn.objects.filter(item=item, agency=agency).select_related("called_by").first()
    )
    if existing is not None:
        raise ReviewConflict(
            "already_called_in",
            _("%(agency)s already called this item in (%(officer)s, %(at)s).")
            % {
                "agency": agency.name,
                "officer": display_name(existing.called_by) or "—",
                "at": timezone.localtime(existing.called_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
    require_open_declaration(declaration)
    status = next(c.status for c in item_clearances(declaration) if c.item_id == item.pk)
    if status in (ItemStatus.RELEASED, ItemStatus.RELEASED_WITH_CONDITIONS):
        raise ReviewConflict(
            "item_released",
            _(
                "Goods item %(sequence)s is already released: it can no longer be called in "
                "(a check now is a post-release control)."
            )
            % {"sequence": item.sequence},
        )
    if status == ItemStatus.REFUSED:
        raise ReviewConflict(
            "item_refused",
            _("Goods item %(sequence)s is already refused: there is nothing to call in.")
            % {"sequence": item.sequence},
        )


def _task_for(
    declaration: Declaration,
    agency: Agency,
    task: ReviewTask | None,
    item: GoodsItem,
    user: AbstractBaseUser,
    reason: str,
) -> ReviewTask:
    """The agency's task with ``item`` added: a new one, the open one, or the decided one
    reopened (pending again, a new deadline; its other outcomes stand, as after an
    amendment; a closed one starts afresh). A new task's lane is yellow (an officer's
    review: the officers chose the item, no profile did); a task the green lane released
    goes to yellow, the change recorded as an override."""
    now = timezone.now()
    due = now + timedelta(hours=agency.service_hours)
    called = _("goods item %(sequence)s called in: %(reason)s") % {
        "sequence": item.sequence,
        "reason": reason,
    }
    if task is None:
        task = ReviewTask.objects.create(
            declaration=declaration, agency=agency, due_at=due, reason=called
        )
        task.items.add(item)
        LaneAssignment.objects.create(
            task=task,
            lane=RiskLane.YELLOW,
            assessed_lane=RiskLane.YELLOW,
            reason=_(
                "%(lane)s: called in by an officer (no risk profile, no random draw): %(reason)s"
            )
            % {"lane": RiskLane.YELLOW.label, "reason": reason},
            matched=[],
            draw_key="",
            draw=0.0,
            rate=0,
        )
        return task
    task.items.add(item)
    if task.status in OPEN_REVIEW_STATUSES:
        return task
    if task.status == ReviewStatus.CLOSED:
        ItemOutcome.objects.filter(task=task).delete()
    ReviewTask.objects.filter(pk=task.pk).update(
        status=ReviewStatus.PENDING,
        reason=called,
        decided_at=None,
        decided_by=None,
        due_at=due,
        time_left=None,
        escalated_at=None,
    )
    task.status = ReviewStatus.PENDING
    assignment = LaneAssignment.objects.select_for_update().filter(task=task).first()
    if assignment is not None and assignment.lane == RiskLane.GREEN:
        LaneOverride.objects.create(
            assignment=assignment,
            from_lane=RiskLane.GREEN,
            to_lane=RiskLane.YELLOW,
            reason=called,
            actor=user,
        )
        assignment.lane = RiskLane.YELLOW
        assignment.save(update_fields=["lane"])
        task_event(
            task,
            StatusEvent.Kind.LANE_CHANGED,
            actor=user,
            message=_("%(old)s -> %(new)s: %(reason)s")
            % {"old": RiskLane.GREEN.label, "new": RiskLane.YELLOW.label, "reason": called},
        )
    return task
