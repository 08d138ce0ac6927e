"""The trader cancels a lodged declaration before clearance (UCC Art. 174: invalidation at
the declarant's request): every open review task is closed, and the fan-out, if still
pending, never runs. Asked by the cancel button, ``{"reason"}`` in JSON, or the UK CDS
cancellation message in WCO DM XML (function code 13 with type code INV,
``customs/wrapper_cancel.xsd``; ``datamodel.messages``)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from datamodel.dictionary import json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode
from datamodel.xmlio.messages import cancellation_from_xml
from declarations import history
from declarations.models import CANCELLABLE_STATUSES, ClearanceStatus, Declaration, RoutingOutbox
from declarations.selectors import access_declaration, access_declaration_by_mrn, trader_of
from declarations.services import DeclarationInvalid, declaration_set_status

from ..clearance import review_close
from ..models import OPEN_REVIEW_STATUSES, ReviewTask
from .base import DecisionInvalid, ReviewConflict

MAX_REASON = 2000


def declaration_cancel(
    *,
    user: AbstractBaseUser,
    declaration_id: int,
    reason: str,
    change_reason_code: str = "",
) -> Declaration:
    """Cancel the trader's declaration with ``reason`` (required, kept in the history and
    in the cancelled notification, with the WCO DM 099 ``change_reason_code`` of an XML
    cancellation if given): status ``cancelled``; each open review task closed
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
        said: history.Text = reason
        if change_reason_code:
            said = history.text(
                gettext_noop("%(reason)s (change reason code %(code)s)"),
                reason=reason,
                code=change_reason_code,
            )
        declaration_set_status(declaration, ClearanceStatus.CANCELLED, actor=user, message=said)
    return declaration


def _message_issue(parts: tuple[str, ...], code: str, message: str) -> DeclarationInvalid:
    return DeclarationInvalid(
        [Issue(code=code, pointer=wco_pointer(parts), path=json_pointer(parts), message=message)]
    )


def declaration_cancel_xml(
    *, user: AbstractBaseUser, raw: bytes, declaration_id: int | None = None
) -> Declaration:
    """Cancel by the CDS cancellation message ``raw`` (WCO DM XML, read and validated by
    ``datamodel.xmlio.messages.cancellation_from_xml``): the MRN in ``Declaration/ID``,
    the reason in ``AdditionalInformation/StatementDescription``, the change reason code
    in ``Amendment/ChangeReasonCode``.

    ``declaration_id`` given (``POST declarations/{id}/cancel/``): that declaration, which
    the message must name; ``None`` (``POST declarations/``): the declaration the message
    names. ``Http404`` for a declaration not of the user's company (before the body is
    read when ``declaration_id`` is given); ``DeclarationInvalid`` with an issue at each
    field for a message that is invalid, names another MRN, or is submitted
    (``Submitter/ID``, R059) by another operator than the user's company; then as
    ``declaration_cancel``. Nothing is written unless the cancellation is done.
    """
    trader = trader_of(user)
    if trader is None:
        raise Http404("No such declaration")
    declaration = access_declaration(user, declaration_id) if declaration_id is not None else None
    message = cancellation_from_xml(raw)
    if not message.ok:
        raise DeclarationInvalid(message.issues)
    if declaration is None:
        declaration = access_declaration_by_mrn(user, message.mrn)
    elif message.mrn != (declaration.mrn or "").upper():
        raise _message_issue(
            ("Declaration", "ID"),
            IssueCode.BAD_FORMAT,
            _("This cancellation refers to MRN %(given)s, not to %(mrn)s.")
            % {"given": message.mrn, "mrn": declaration.mrn or "-"},
        )
    if (
        message.submitter_id
        and message.submitter_id.casefold() != trader.company.eori.strip().casefold()
    ):
        raise _message_issue(
            ("Declaration", "Submitter", "ID"),
            IssueCode.DECLARANT_NOT_SUBMITTER,
            _("The submitter %(submitter)s is not your company (%(company)s).")
            % {"submitter": message.submitter_id, "company": trader.company.eori},
        )
    if len(message.reason) > MAX_REASON:
        raise _message_issue(
            ("Declaration", "AdditionalInformation"),
            IssueCode.TOO_LONG,
            _("The reasons are at most %(n)s characters together.") % {"n": MAX_REASON},
        )
    return declaration_cancel(
        user=user,
        declaration_id=declaration.pk,
        reason=message.reason,
        change_reason_code=message.change_reason_code,
    )
