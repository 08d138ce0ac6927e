"""Writes on declarations: save a draft, submit, change the clearance status.

Every write runs in one transaction; the fan-out to agencies is never enqueued inside it
(an outbox row is written instead and dispatched on commit, see ``routing_dispatch``).
"""

import copy
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

import datamodel
from datamodel.dictionary import json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode, ValidationResult
from datamodel.messages import ORIGINAL_FUNCTION_CODE, MessageKind, message_kind
from datamodel.xmlio import declaration_from_xml
from singlewindow.celery import app as celery_app

from . import history
from .brokers.services import representation_check, representation_record
from .models import (
    ClearanceStatus,
    Declaration,
    GoodsItem,
    RoutingOutbox,
    StatusEvent,
    Trader,
)
from .mrn import new_mrn
from .notifications.models import NotificationCode
from .notifications.services import notification_record

logger = logging.getLogger(__name__)

# The fan-out task lives in ``agencies`` (imports point from agencies to declarations),
# so it is addressed by name.
ROUTE_TASK = "agencies.tasks.route_declaration"


def _not_an_original_issue(function_code: str) -> Issue:
    """A new lodging is an original (``datamodel.messages``); amendments and cancellations
    refer to an MRN already lodged and go through their own services."""
    return Issue(
        code=IssueCode.NOT_AN_ORIGINAL,
        pointer=wco_pointer(("Declaration", "FunctionCode")),
        path=json_pointer(("Declaration", "FunctionCode")),
        message=_(
            "Function code %(code)s is not an original declaration (9). Lodge an amendment "
            "(function code 13) or a cancellation (function code 13, type code INV) with the "
            "MRN of the declaration it refers to in Declaration/ID."
        )
        % {"code": function_code or _("none")},
    )


def _declarant_issues(declarant_id: str, company_eori: str) -> list[Issue]:
    """The declarant (WCO DM R123, DE 3/17-3/18: who lodges, on its own account or as the
    representative whose status ``Agent/FunctionCode`` gives) must be the trader's company:
    the login says who lodges, and a declaration in another operator's name would make that
    operator answerable for it. EORIs are compared without surrounding blanks or case."""
    parts = ("Declaration", "Declarant", "ID")
    if not declarant_id:
        return [
            Issue(
                code=IssueCode.REQUIRED,
                pointer=wco_pointer(parts),
                path=json_pointer(parts),
                message=_(
                    "Declarant ID (EORI) is required: lodge the declaration as your company "
                    "(%(company)s)."
                )
                % {"company": company_eori},
            )
        ]
    if declarant_id.strip().casefold() != company_eori.strip().casefold():
        return [
            Issue(
                code=IssueCode.DECLARANT_NOT_SUBMITTER,
                pointer=wco_pointer(parts),
                path=json_pointer(parts),
                message=_(
                    "The declarant %(declarant)s is not your company (%(company)s). Lodge "
                    "declarations as your own company; name the importer or exporter you "
                    "represent in their own fields."
                )
                % {"declarant": declarant_id.strip(), "company": company_eori},
            )
        ]
    return []


def _lodging_issues(trader: Trader, summary: datamodel.DeclarationSummary) -> list[Issue]:
    """The portal's own rules on a declaration the datamodel found valid, all at once:
    a new original declaration (WCO 017 = 9, ``datamodel.messages``), lodged by the
    trader's company."""
    issues: list[Issue] = []
    if message_kind(summary.function_code) != MessageKind.ORIGINAL:
        issues.append(_not_an_original_issue(summary.function_code))
    issues += _declarant_issues(summary.declarant_id, trader.company.eori)
    return issues


# Issues that say the declaration is well formed but conflicts with what is stored (RFC
# 9110 15.5.10): refused for these alone, the API answers 409 and the form 409, not 400/422.
CONFLICT_CODES = frozenset({IssueCode.DUPLICATE_LRN})


class DeclarationInvalid(Exception):
    """The declaration was refused; ``issues`` says why, field by field."""

    def __init__(self, issues: list[Issue]):
        super().__init__(f"{len(issues)} issue(s)")
        self.issues = issues


class DeclarationNotEditable(Exception):
    """The declaration has left the draft state and can no longer be changed."""


def _lrn_taken_checker(trader: Trader, declaration: Declaration | None):
    def lrn_taken(lrn: str) -> bool:
        # Case-insensitive, as the database's unique_lrn_per_company constraint.
        others = Declaration.objects.filter(company=trader.company, lrn__iexact=lrn)
        if declaration is not None:
            others = others.exclude(pk=declaration.pk)
        return others.exists()

    return lrn_taken


def declaration_save_draft(
    *, trader: Trader, document: dict[str, Any], declaration: Declaration | None = None
) -> Declaration:
    """Store what the trader typed so far, unvalidated, as a draft of the trader's company.

    ``document`` is the canonical-shaped dict as far as it goes. The LRN, when given, must
    still be unique within the company (``DeclarationInvalid`` with ``duplicate_lrn``).
    Raises ``DeclarationNotEditable`` when ``declaration`` is no longer a draft. Texts are
    stored in NFC and control characters refused (``datamodel.draft_document``), as on
    every channel; an LRN over WCO DM D026's an..35 is refused at its field, never cut.
    """
    document, text_issues = datamodel.draft_document(document)
    if text_issues:
        raise DeclarationInvalid(text_issues)
    summary = datamodel.declaration_summary(document)
    lrn = summary.lrn  # at most 35 characters (WCO DM D026), as draft_document checked
    if lrn and _lrn_taken_checker(trader, declaration)(lrn):
        raise DeclarationInvalid([datamodel.duplicate_lrn_issue(lrn)])
    try:
        with transaction.atomic():
            if declaration is None:
                declaration = Declaration(company=trader.company, created_by=trader.user)
            else:
                declaration = _lock_draft(trader, declaration.pk)
            declaration.lrn = lrn
            declaration.type_code = summary.type_code
            declaration.document = document
            declaration.save()
            StatusEvent.objects.create(
                declaration=declaration,
                actor=trader.user,
                kind=StatusEvent.Kind.DRAFT_SAVED,
                to_status=ClearanceStatus.DRAFT,
            )
    except IntegrityError as error:
        if violated_constraint(error) != LRN_CONSTRAINT:
            raise
        # Another request took the LRN between the check and the insert.
        raise DeclarationInvalid([datamodel.duplicate_lrn_issue(lrn)]) from None
    return declaration


LRN_CONSTRAINT = "unique_lrn_per_company"
# Fresh MRNs to try when one collides with an MRN already issued (the random part makes
# that rare; a collision is the portal's doing, never the trader's).
MRN_ATTEMPTS = 3


def violated_constraint(error: IntegrityError) -> str:
    """The name of the unique constraint ``error`` reports: PostgreSQL names it
    (``diag.constraint_name``); SQLite names the index or the ``table.column`` in its
    message (``UNIQUE constraint failed: declarations_declaration.mrn``)."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return LRN_CONSTRAINT if name == LRN_CONSTRAINT else "mrn" if "mrn" in name else name
    message = str(error)
    if LRN_CONSTRAINT in message or "declarations_declaration.lrn" in message:
        return LRN_CONSTRAINT
    return "mrn" if "declarations_declaration.mrn" in message else message


def _lock_draft(trader: Trader, pk: int) -> Declaration:
    declaration = (
        Declaration.objects.select_for_update(no_key=True)
        .filter(pk=pk, company=trader.company)
        .first()
    )
    if declaration is None or declaration.status != ClearanceStatus.DRAFT:
        raise DeclarationNotEditable(pk)
    return declaration


def declaration_submit(
    *, trader: Trader, document: Any, declaration: Declaration | None = None
) -> Declaration:
    """Validate ``document`` through ``datamodel`` and lodge it for every agency.

    ``document``: parsed JSON in the canonical WCO DM shape (see ``datamodel.dictionary``).
    ``declaration``: the trader's draft to submit, or ``None`` for a new declaration.
    On success the normalised document with the validation's warnings, its goods items as
    rows, an MRN, a history event and a routing outbox row are written in one transaction,
    and the fan-out is dispatched after commit. Raises ``DeclarationInvalid`` (nothing written) or
    ``DeclarationNotEditable``.
    """
    result = datamodel.validate_declaration(
        document, lrn_taken=_lrn_taken_checker(trader, declaration)
    )
    return _lodge(trader, result, declaration)


def declaration_submit_xml(
    *, trader: Trader, raw: bytes, declaration: Declaration | None = None
) -> Declaration:
    """As ``declaration_submit`` for a WCO DM XML declaration given as bytes (the
    ``MetaData`` envelope of DEC-DMS 2, or a bare ``Declaration``): parsed safely, checked
    against the XSD, converted to the canonical document and validated once
    (``datamodel.xmlio.declaration_from_xml``). Raises ``DeclarationInvalid`` for anything
    malformed, hostile, oversize or invalid, with nothing written.
    """
    result = declaration_from_xml(raw, lrn_taken=_lrn_taken_checker(trader, declaration))
    return _lodge(trader, result, declaration)


def _lodge(
    trader: Trader, result: ValidationResult, declaration: Declaration | None
) -> Declaration:
    if not result.ok:
        raise DeclarationInvalid(result.issues)
    canonical = result.document
    summary = datamodel.declaration_summary(canonical)
    lodging_issues = _lodging_issues(trader, summary)
    # The declarant lodges for itself or for a client that authorised it (brokers).
    represented, authorisation = representation_check(
        trader.company, canonical, timezone.localdate()
    )
    lodging_issues += represented
    if lodging_issues:
        # The datamodel's warnings still hold; the trader sees everything in one answer.
        raise DeclarationInvalid([*lodging_issues, *result.warnings])
    rows = datamodel.goods_item_rows(canonical)
    for attempt in range(1, MRN_ATTEMPTS + 1):
        try:
            return _lodge_rows(trader, declaration, canonical, summary, result, rows, authorisation)
        except IntegrityError as error:
            constraint = violated_constraint(error)
            if constraint == LRN_CONSTRAINT:
                # Another request lodged the LRN between the check and the insert.
                raise DeclarationInvalid([datamodel.duplicate_lrn_issue(summary.lrn)]) from None
            if constraint != "mrn" or attempt == MRN_ATTEMPTS:
                raise
            logger.warning("MRN collision on lodging; trying a new MRN (attempt %d)", attempt)
    raise AssertionError("unreachable")


def _lodge_rows(
    trader: Trader,
    declaration: Declaration | None,
    canonical: dict[str, Any],
    summary: datamodel.DeclarationSummary,
    result: ValidationResult,
    rows: list[Any],
    authorisation: Any = None,
) -> Declaration:
    now = timezone.now()
    with transaction.atomic():
        if declaration is None:
            declaration = Declaration(company=trader.company, created_by=trader.user)
        else:
            declaration = _lock_draft(trader, declaration.pk)
        declaration.lrn = summary.lrn
        declaration.type_code = summary.type_code
        declaration.document = canonical
        declaration.warnings = [warning.as_dict() for warning in result.warnings]
        declaration.mrn = new_mrn()
        declaration.status = ClearanceStatus.SUBMITTED
        declaration.submitted_at = now
        declaration.save()
        representation_record(declaration, authorisation)
        GoodsItem.objects.bulk_create(
            GoodsItem(
                declaration=declaration,
                sequence=row.sequence,
                hs_code=row.hs_code,
                # The datamodel bounds WCO DM 137 to 512 characters (an..512): nothing cut.
                description=row.description,
                origin_country=row.origin_country,
                net_mass_kg=row.net_mass_kg,
                gross_mass_kg=row.gross_mass_kg,
                quantity=row.quantity,
                quantity_unit=row.quantity_unit,
                customs_value=row.customs_value,
                currency=row.currency,
            )
            for row in rows
        )
        submitted = StatusEvent.objects.create(
            declaration=declaration,
            actor=trader.user,
            kind=StatusEvent.Kind.SUBMITTED,
            from_status=ClearanceStatus.DRAFT,
            to_status=ClearanceStatus.SUBMITTED,
            message=declaration.mrn,
        )
        notification_record(submitted, NotificationCode.ACCEPTED, declaration=declaration)
        RoutingOutbox.objects.create(declaration=declaration, last_sent_at=now)
        declaration_id = declaration.pk
        transaction.on_commit(lambda: routing_dispatch(declaration_id))
    return declaration


# What a send to an unreachable or frozen broker raises: kombu wraps most transport errors
# in its own (OperationalError), the rest surface as socket or redis-py errors. Anything
# else (a bug in the task, raised here when tasks run eagerly) is not swallowed.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, OSError, RedisError)


def routing_dispatch(declaration_id: int) -> bool:
    """Send the fan-out task for a committed declaration; ``False`` if the broker is down.

    A failure loses nothing: the outbox row stays pending, keeps the error in
    ``last_error``, and ``redrive_routing`` resends it. The broker's connect and socket
    timeouts (``CELERY_BROKER_*`` settings) bound how long this can hold a request.
    """
    try:
        celery_app.tasks[ROUTE_TASK].delay(declaration_id)
    except BROKER_ERRORS as error:
        logger.warning(
            "routing of declaration %s not sent; beat will re-drive it",
            declaration_id,
            exc_info=True,
        )
        routing_error_record(declaration_id, f"not sent to the task queue: {error!r}")
        return False
    return True


def routing_error_record(declaration_id: int, error: str, *, failed: bool = False) -> None:
    """Keep why the fan-out of a declaration did not happen on its outbox row (in its own
    transaction, so it stays even if the caller's rolls back); ``failed`` also stops the
    re-drive until an administrator retries (``routing_retry``)."""
    fields: dict[str, Any] = {"last_error": error[:4000]}
    if failed:
        fields["failed_at"] = timezone.now()
    RoutingOutbox.objects.filter(declaration_id=declaration_id, done_at=None).update(**fields)


def routing_retry(declaration_ids: Iterable[int]) -> int:
    """Administrator's retry of fan-outs that failed or are stuck: the outbox rows start
    again with no attempts and are sent at once (after commit). Returns how many rows were
    reset; rows already done are left alone (the fan-out is idempotent anyway)."""
    with transaction.atomic():
        ids = list(
            RoutingOutbox.objects.select_for_update()
            .filter(declaration_id__in=list(declaration_ids), done_at=None)
            .values_list("declaration_id", flat=True)
        )
        RoutingOutbox.objects.filter(declaration_id__in=ids).update(
            attempts=0, failed_at=None, last_sent_at=timezone.now()
        )
        for declaration_id in ids:
            transaction.on_commit(partial(routing_dispatch, declaration_id))
    return len(ids)


# The statuses the trader is told of when the declaration reaches them (the others follow
# from an event that is notified itself: an information request, an inspection order).
STATUS_NOTIFICATIONS = {
    ClearanceStatus.CLEARED: NotificationCode.CLEARED,
    ClearanceStatus.CLEARED_WITH_CONDITIONS: NotificationCode.CLEARED_WITH_CONDITIONS,
    ClearanceStatus.PARTIALLY_RELEASED: NotificationCode.PARTIALLY_RELEASED,
    ClearanceStatus.REJECTED: NotificationCode.REJECTED,
    ClearanceStatus.CANCELLED: NotificationCode.CANCELLED,
}


def declaration_set_status(
    declaration: Declaration,
    status: ClearanceStatus,
    *,
    actor=None,
    agency: str = "",
    message: str = "",
) -> bool:
    """Move ``declaration`` (row locked by the caller) to ``status`` and record the change.

    Returns ``False`` (and writes nothing) when the status is already ``status``. A final
    status (``STATUS_NOTIFICATIONS``) is notified to the trader in the same transaction.
    """
    if declaration.status == status:
        return False
    previous = declaration.status
    Declaration.objects.filter(pk=declaration.pk).update(status=status, updated_at=timezone.now())
    declaration.status = status
    event = StatusEvent.objects.create(
        declaration=declaration,
        actor=actor,
        kind=StatusEvent.Kind.STATUS_CHANGED,
        agency=agency,
        from_status=previous,
        to_status=status,
        message=message,
    )
    code = STATUS_NOTIFICATIONS.get(status)
    if code is not None:
        notification_record(event, code, declaration=declaration, message=message)
    return True


def declaration_copy(*, trader: Trader, declaration: Declaration) -> Declaration:
    """A new draft of the trader's company with the document of ``declaration`` (one of
    the company's, in any status), e.g. to lodge again after a rejection: the LRN is
    cleared (WCO DM D026 is unique per declarant: the trader gives a new one) and the
    function code is an original (9). Both declarations record the copy in their history.
    """
    document = copy.deepcopy(declaration.document) if isinstance(declaration.document, dict) else {}
    header = document.get("Declaration")
    if isinstance(header, dict):
        header.pop("FunctionalReferenceID", None)
        header["FunctionCode"] = ORIGINAL_FUNCTION_CODE
    source = declaration.mrn or declaration.lrn or f"#{declaration.pk}"
    with transaction.atomic():
        draft = Declaration.objects.create(
            company=trader.company,
            created_by=trader.user,
            type_code=declaration.type_code,
            document=document,
        )
        StatusEvent.objects.create(
            declaration=draft,
            actor=trader.user,
            kind=StatusEvent.Kind.COPIED,
            to_status=ClearanceStatus.DRAFT,
            message=history.text(gettext_noop("copy of %(source)s"), source=source),
        )
        StatusEvent.objects.create(
            declaration=declaration,
            actor=trader.user,
            kind=StatusEvent.Kind.COPIED,
            message=history.text(gettext_noop("copied as draft #%(pk)s"), pk=draft.pk),
        )
    return draft
