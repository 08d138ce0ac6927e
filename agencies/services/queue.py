"""Who works on what: claiming a review task from the agency's shared queue, giving it
back, a supervisor's reassignment, "next task", and the escalation of overdue tasks.

Each change of holder is a conditional update (``filter(..., claimed_by=OLD).update()``),
so a lost race shows as 0 rows and answers a conflict, never a silent overwrite.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.models import OPEN_STATUSES, StatusEvent
from declarations.notifications.models import Audience, NotificationCode
from declarations.notifications.services import notification_record

from ..events import task_event
from ..models import OPEN_REVIEW_STATUSES, ReviewStatus, ReviewTask
from ..selectors import access_review, officer_agency_id
from .base import (
    DecisionInvalid,
    ReviewConflict,
    display_name,
    officer_of,
    require_holder,
    require_open_declaration,
    require_open_task,
)

logger = logging.getLogger(__name__)


def _record(
    task: ReviewTask, user: AbstractBaseUser | None, kind: str, message: str
) -> StatusEvent:
    return task_event(task, kind, actor=user, message=message)


def _take(task: ReviewTask, holder: AbstractBaseUser, *, expected_holder_id: int | None) -> bool:
    """Move the task from ``expected_holder_id`` to ``holder`` if nobody changed it since."""
    return bool(
        ReviewTask.objects.filter(
            pk=task.pk, status__in=OPEN_REVIEW_STATUSES, claimed_by_id=expected_holder_id
        ).update(claimed_by=holder, claimed_at=timezone.now())
    )


def review_claim(*, user: AbstractBaseUser, review_id: int) -> ReviewTask:
    """The officer takes an open task of their agency; other officers see who holds it.

    Claiming a task one already holds changes nothing. ``ReviewConflict`` if another
    officer holds it, it is decided or closed, or the declaration is closed.
    """
    with transaction.atomic():
        task = access_review(user, review_id)
        require_open_declaration(task.declaration)
        require_open_task(task)
        require_holder(task, user)
        if task.claimed_by_id != user.pk:
            if not _take(task, user, expected_holder_id=None):
                return _lost_race(user, review_id)
            _record(task, user, StatusEvent.Kind.REVIEW_CLAIMED, display_name(user))
    return access_review(user, review_id)


def review_release(*, user: AbstractBaseUser, review_id: int) -> ReviewTask:
    """The holder gives an open task back to the shared queue (a supervisor may too)."""
    with transaction.atomic():
        task = access_review(user, review_id)
        require_open_task(task)
        if task.claimed_by_id is None:
            return task
        if task.claimed_by_id != user.pk and not _is_supervisor(user):
            require_holder(task, user)
        released = ReviewTask.objects.filter(
            pk=task.pk, status__in=OPEN_REVIEW_STATUSES, claimed_by_id=task.claimed_by_id
        ).update(claimed_by=None, claimed_at=None)
        if not released:
            return _lost_race(user, review_id)
        _record(task, user, StatusEvent.Kind.REVIEW_RELEASED, display_name(task.claimed_by))
    return access_review(user, review_id)


def review_assign(*, user: AbstractBaseUser, review_id: int, officer_username: str) -> ReviewTask:
    """A supervisor gives an open task of their agency to one of its officers.

    ``PermissionDenied`` for an officer who is not a supervisor; ``DecisionInvalid`` at
    ``officer`` for a user who is not an officer of the agency; ``ReviewConflict`` if the
    task was decided meanwhile.
    """
    if not _is_supervisor(user):
        raise PermissionDenied(_("Only a supervisor of the agency can reassign tasks."))
    with transaction.atomic():
        task = access_review(user, review_id)
        require_open_declaration(task.declaration)
        require_open_task(task)
        assignee = (
            get_user_model()
            .objects.filter(
                username=officer_username or "",
                officer__agency_id=task.agency_id,
                is_active=True,
            )
            .first()
        )
        if assignee is None:
            raise DecisionInvalid(
                {"officer": _("Choose an officer of %(agency)s.") % {"agency": task.agency.name}}
            )
        if not _take(task, assignee, expected_holder_id=task.claimed_by_id):
            return _lost_race(user, review_id)
        _record(
            task,
            user,
            StatusEvent.Kind.REVIEW_ASSIGNED,
            _("assigned to %(officer)s") % {"officer": display_name(assignee)},
        )
    return access_review(user, review_id)


def review_next(*, user: AbstractBaseUser) -> ReviewTask | None:
    """Claim the oldest unclaimed pending task of the officer's agency and return it;
    ``None`` when nothing is waiting.

    Two officers pressing "next" at once get two different tasks: on PostgreSQL the
    candidate row is locked with ``FOR UPDATE SKIP LOCKED`` (the other officer skips it),
    and the claim itself is a conditional update, which also makes it safe on SQLite
    (which serialises writers) - a lost claim just tries the next candidate.
    """
    agency_id = officer_agency_id(user)
    if agency_id is None:
        return None
    for _attempt in range(10):
        with transaction.atomic():
            task = (
                ReviewTask.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
                .filter(
                    agency_id=agency_id,
                    status=ReviewStatus.PENDING,
                    claimed_by=None,
                    declaration__status__in=OPEN_STATUSES,
                )
                .order_by("created_at", "pk")
                .first()
            )
            if task is None:
                return None
            if _take(task, user, expected_holder_id=None):
                _record(task, user, StatusEvent.Kind.REVIEW_CLAIMED, display_name(user))
                return access_review(user, task.pk)
    return None


def _is_supervisor(user: AbstractBaseUser) -> bool:
    officer = officer_of(user)
    return bool(officer and officer.is_supervisor)


def _lost_race(user: AbstractBaseUser, review_id: int) -> ReviewTask:
    """Someone changed the task between our read and our update: say what it is now."""
    task = access_review(user, review_id)
    require_open_task(task)
    require_holder(task, user)
    raise ReviewConflict("changed", _("The task changed meanwhile; reload it."))


def reviews_escalate(now=None) -> int:
    """Escalate each open task whose service deadline has passed, once: mark it, record
    an event in the declaration's history, and notify the agency's supervisors (portal,
    e-mail after commit). Running twice, or on two beat nodes at once, escalates nothing twice:
    the mark is a conditional update. Returns the number of tasks escalated now.
    """
    now = now or timezone.now()
    overdue = ReviewTask.objects.filter(
        status=ReviewStatus.PENDING, due_at__lt=now, escalated_at=None
    ).values_list("pk", flat=True)
    escalated = 0
    for task_id in list(overdue[:500]):
        with transaction.atomic():
            if not ReviewTask.objects.filter(pk=task_id, escalated_at=None).update(
                escalated_at=now
            ):
                continue  # another run got there first
            task = ReviewTask.objects.select_related("agency", "declaration").get(pk=task_id)
            message = _("overdue since %(due)s; supervisors told") % {
                "due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")
            }
            event = _record(task, None, StatusEvent.Kind.REVIEW_ESCALATED, message)
            # The supervisors' notice (portal, and e-mail after commit).
            notification_record(
                event,
                NotificationCode.REVIEW_ESCALATED,
                declaration=task.declaration,
                audience=Audience.SUPERVISORS,
                agency=task.agency,
                message=message,
            )
            escalated += 1
    return escalated
