"""The trader cancels a lodged declaration before clearance (function code 14 in the
WCO DM, UN/EDIFACT 1225 "cancellation"; UCC Art. 174 invalidation at the declarant's
request): every open review task is closed, and the fan-out, if still pending, never
runs."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from declarations import history
from declarations.models import CANCELLABLE_STATUSES, ClearanceStatus, Declaration, RoutingOutbox
from declarations.selectors import access_declaration
from declarations.services import declaration_set_status

from ..clearance import review_close
from ..models import OPEN_REVIEW_STATUSES, ReviewTask
from .base import DecisionInvalid, ReviewConflict

MAX_REASON = 2000


def declaration_cancel(*, user: AbstractBaseUser, declaration_id: int, reason: str) -> Declaration:
    """Cancel the trader's declaration with ``reason`` (required, kept in the history and
    in the cancelled notification): status ``cancelled``; each open review task closed
    ("declaration cancelled by the trader: <reason>"); a pending routing outbox marked
    done. Lock order: the declaration, then its tasks.

    ``Http404`` (not the user's company's), ``DecisionInvalid`` at ``reason``,
    ``ReviewConflict`` ``not_cancellable`` once cleared, released, rejected or cancelled
    (or still a draft).
    """
    reason = (reason or "").strip()
    if not reason:
        raise DecisionInvalid({"reason": _("Say why the declaration is cancelled.")})
    if len(reason) > MAX_REASON:
        raise DecisionInvalid({"reason": _("At most %(n)s characters.") % {"n": MAX_REASON}})
    with transaction.atomic():
        declaration = access_declaration(user, declaration_id, lock=True)
        if declaration.status not in CANCELLABLE_STATUSES:
            raise ReviewConflict(
                "not_cancellable",
                _("A declaration that is %(status)s cannot be cancelled.")
                % {"status": declaration.get_status_display().lower()},
            )
        tasks = (
            ReviewTask.objects.select_for_update(of=("self",))
            .select_related("agency")
            .filter(declaration=declaration, status__in=OPEN_REVIEW_STATUSES)
            .order_by("pk")
        )
        closing = history.text(
            gettext_noop("declaration cancelled by the trader: %(reason)s"), reason=reason
        )
        for task in tasks:
            review_close(task, closing, actor=user)
        RoutingOutbox.objects.filter(declaration=declaration, done_at=None).update(
            done_at=timezone.now()
        )
        declaration_set_status(declaration, ClearanceStatus.CANCELLED, actor=user, message=reason)
    return declaration
