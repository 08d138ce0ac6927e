"""What every officer and trader action on a review shares: its errors, the check that
the declaration and the task are still open for the action, and the one lock order
(declaration, then its review tasks, then what hangs off them).

Row locks are ``FOR NO KEY UPDATE`` (``select_for_update(no_key=True)``): no writer
changes a key, and a plain ``FOR UPDATE`` would also block every insert of a row that
refers to the locked one (a history event, an outcome: their foreign key takes a
``KEY SHARE`` lock), which turned "decide while a supervisor reassigns" into a deadlock.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from declarations.models import OPEN_STATUSES, Declaration

from ..models import OPEN_REVIEW_STATUSES, Officer, ReviewTask
from ..selectors import access_review, display_name


class DecisionInvalid(Exception):
    """An action refused for what was sent (HTTP 400): ``errors`` maps a request field
    to its message; ``item_errors`` maps a goods item's sequence number to
    ``{field: message}`` for the per-item outcomes of a decision."""

    def __init__(
        self, errors: dict[str, str], item_errors: dict[int, dict[str, str]] | None = None
    ):
        super().__init__(errors, item_errors)
        self.errors = errors
        self.item_errors = item_errors or {}


class ReviewConflict(Exception):
    """An action that the current state does not allow (HTTP 409): the task is claimed by
    someone else or already decided, the declaration is closed, checks are still open.
    ``code`` is stable for API clients; ``message`` says why, in words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def require_open_declaration(declaration: Declaration) -> None:
    """Every action on a review (decide, ask, answer, claim, inspect) needs the declaration
    still open to decisions (``OPEN_STATUSES``): a rejected or cleared declaration is final.
    """
    if declaration.status not in OPEN_STATUSES:
        raise ReviewConflict(
            "declaration_closed",
            _("This declaration is already %(status)s.")
            % {"status": declaration.get_status_display().lower()},
        )


def require_open_task(task: ReviewTask) -> None:
    """The task still has something to decide (pending or waiting for the trader)."""
    if task.status not in OPEN_REVIEW_STATUSES:
        raise ReviewConflict(
            "already_decided",
            _("Your agency has already decided: %(status)s.")
            % {"status": task.get_status_display().lower()},
        )


def require_holder(task: ReviewTask, user: AbstractBaseUser) -> None:
    """Only the officer holding a claimed task may work on it; an unclaimed task is open
    to any officer of the agency (who then holds it)."""
    if task.claimed_by_id is not None and task.claimed_by_id != user.pk:
        raise ReviewConflict(
            "claimed_by_other",
            _("%(officer)s is working on this task.") % {"officer": display_name(task.claimed_by)},
        )


def lock_review(user: AbstractBaseUser, review_id: int) -> tuple[Declaration, ReviewTask]:
    """The officer's task and its declaration, both row-locked in the lock order
    (declaration, then task), after checking the declaration and the task are open.

    ``Http404`` for a task of another agency. Call inside ``transaction.atomic``.
    """
    task = access_review(user, review_id)
    declaration = Declaration.objects.select_for_update(no_key=True).get(pk=task.declaration_id)
    task = (
        ReviewTask.objects.select_for_update(of=("self",), no_key=True)
        .select_related("agency", "claimed_by")
        .get(pk=task.pk)
    )
    require_open_declaration(declaration)
    require_open_task(task)
    return declaration, task


def officer_of(user: AbstractBaseUser) -> Officer | None:
    """The user's ``Officer`` profile, or ``None``."""
    return getattr(user, "officer", None) if user.is_authenticated else None
