"""Ordering checks and recording their results; physical checks of one declaration share
one appointment (a joint inspection: the container is opened once for every agency,
WTO TFA Art. 8.2 (c) and the WCO Coordinated Border Management compendium)."""

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from declarations import history
from declarations.models import Declaration, StatusEvent
from declarations.notifications.models import NotificationCode
from declarations.notifications.services import notification_record

from ..clearance import clearance_merge
from ..events import task_event
from ..models import ReviewStatus, ReviewTask
from ..selectors import reviews_of_agency
from ..services.base import DecisionInvalid, ReviewConflict, lock_review, require_holder
from .models import (
    Inspection,
    InspectionAppointment,
    InspectionKind,
    InspectionResult,
    LaboratoryResult,
)

# The proposed slot: the next working day's morning at the goods location.
SLOT_START = time(9, 0)
SLOT_LENGTH = timedelta(hours=2)


def goods_location(document: Any) -> str:
    """Where the goods can be examined: the declaration's location of goods (UCC DE 5/23,
    WCO DM ``GoodsShipment/Consignment/GoodsLocation``: Name, with its country), or a
    note that it was not declared."""
    try:
        location = document["Declaration"]["GoodsShipment"]["Consignment"]["GoodsLocation"]
    except (KeyError, TypeError):
        location = None
    if isinstance(location, dict):
        name = str(location.get("Name") or location.get("ID") or "").strip()
        address = location.get("Address") if isinstance(location.get("Address"), dict) else {}
        country = str(address.get("CountryCode") or "").strip()
        if name:
            return f"{name} ({country})" if country else name
    return _("Location of goods not declared: agree it with the trader")


def proposed_slot(now: datetime) -> tuple[datetime, datetime]:
    """The next working day (Monday-Friday) at ``SLOT_START`` local time, two hours."""
    day = timezone.localtime(now).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    starts = timezone.make_aware(datetime.combine(day, SLOT_START))
    return starts, starts + SLOT_LENGTH


def _appointment_for(declaration: Declaration) -> InspectionAppointment:
    """The declaration's appointment still waiting for results, which a new physical check
    joins; a new one if there is none (locked by the caller's declaration lock)."""
    waiting = (
        declaration.inspection_appointments.filter(inspections__result="")
        .order_by("-starts_at", "-pk")
        .first()
    )
    if waiting is not None:
        return waiting
    starts, ends = proposed_slot(timezone.now())
    return InspectionAppointment.objects.create(
        declaration=declaration,
        place=goods_location(declaration.document)[:256],
        starts_at=starts,
        ends_at=ends,
    )


def inspection_order(
    *, user: AbstractBaseUser, review_id: int, kind: str, sample: bool = False
) -> Inspection:
    """The officer's agency orders a documentary, identity or physical check on its task;
    a physical check joins the declaration's open appointment (or proposes one). The
    declaration shows ``inspection`` until every check has a result.

    ``DecisionInvalid`` for an unknown kind; ``ReviewConflict`` as for any action on a
    task (claimed by someone else, decided, declaration closed); ``Http404`` for another
    agency's task.
    """
    if kind not in InspectionKind.values:
        raise DecisionInvalid({"kind": _("Choose a documentary, identity or physical check.")})
    with transaction.atomic():
        declaration, task = lock_review(user, review_id)
        require_holder(task, user)
        if task.status != ReviewStatus.PENDING:
            raise ReviewConflict(
                "awaiting_trader", _("Wait for the trader's answer before ordering a check.")
            )
        inspection = inspection_create(declaration, task, kind, actor=user, sample=sample)
        if task.claimed_by_id is None:
            task.__class__.objects.filter(pk=task.pk, claimed_by=None).update(
                claimed_by=user, claimed_at=timezone.now()
            )
        clearance_merge(declaration, actor=user, agency=task.agency.name)
    return inspection


def inspection_create(
    declaration: Declaration,
    task: ReviewTask,
    kind: str,
    *,
    actor: AbstractBaseUser | None,
    sample: bool = False,
    reason: str = "",
) -> Inspection:
    """Order a check on ``task`` and record it in the history; a physical check joins the
    declaration's open appointment (or proposes one). The caller holds the declaration's
    and the task's row locks and merges the clearance afterwards.

    ``actor`` ``None``: ordered by the system (a risk lane at routing time,
    ``agencies.risk.services``); ``ordered_by`` stays empty and ``reason`` says why.
    """
    appointment = _appointment_for(declaration) if kind == InspectionKind.PHYSICAL else None
    inspection = Inspection.objects.create(
        task=task,
        kind=kind,
        sample=bool(sample),
        laboratory_result=LaboratoryResult.PENDING if sample else "",
        appointment=appointment,
        ordered_by=actor,
    )
    line: history.Text = history.label(InspectionKind(kind).label)
    if appointment is not None:
        line = history.text(
            gettext_noop("%(check)s at %(place)s, %(start)s"),
            check=line,
            place=appointment.place,
            start=timezone.localtime(appointment.starts_at).strftime("%Y-%m-%d %H:%M"),
        )
    parts = [line]
    if sample:
        parts.append(history.text(gettext_noop(" with a sample for a laboratory")))
    if reason:
        parts.append(": " + reason)
    event = task_event(
        task,
        StatusEvent.Kind.INSPECTION_ORDERED,
        actor=actor,
        message=history.joined("", parts),
    )
    if appointment is not None:
        # The trader must present the goods: they are told of the appointment.
        notification_record(
            event,
            NotificationCode.INSPECTION_APPOINTMENT,
            declaration=declaration,
            agency=task.agency,
            message=event.message,
        )
    return inspection


def access_inspection(user: AbstractBaseUser, inspection_id: int) -> Inspection:
    """The inspection if it was ordered by the user's agency; ``Http404`` otherwise."""
    inspection = (
        Inspection.objects.select_related("task", "task__agency", "appointment")
        .filter(pk=inspection_id, task__in=reviews_of_agency(user))
        .first()
    )
    if inspection is None:
        raise Http404("No such inspection")
    return inspection


def inspection_record_result(
    *,
    user: AbstractBaseUser,
    inspection_id: int,
    result: str = "",
    laboratory_result: str = "",
    note: str = "",
) -> Inspection:
    """The agency records its check's result (once), and later perhaps the laboratory's.

    ``result``: ``satisfactory``, ``satisfactory_after_intervention``, ``not_satisfactory``;
    ``laboratory_result`` (a check with a sample): ``satisfactory`` / ``not_satisfactory``,
    or left ``pending``. ``DecisionInvalid`` for an unknown or missing value, a result
    already recorded; ``ReviewConflict`` when the declaration or the task is closed.
    """
    if result and result not in InspectionResult.values:
        raise DecisionInvalid(
            {
                "result": _(
                    "Choose satisfactory, satisfactory after intervention or not satisfactory."
                )
            }
        )
    if laboratory_result and laboratory_result not in LaboratoryResult.values:
        raise DecisionInvalid(
            {"laboratory_result": _("Choose pending, satisfactory or not satisfactory.")}
        )
    if not result and not laboratory_result:
        raise DecisionInvalid({"result": _("Give the result of the check.")})
    found = access_inspection(user, inspection_id)
    with transaction.atomic():
        if result:
            declaration, task = lock_review(user, found.task_id)
        else:
            # A laboratory result may come after the agency decided (e.g. released on the
            # condition "do not sell before the laboratory result"): it is recorded then too.
            declaration = Declaration.objects.select_for_update(no_key=True).get(
                pk=found.task.declaration_id
            )
            task = found.task
        inspection = Inspection.objects.select_for_update().get(pk=found.pk)
        if result and inspection.result:
            raise ReviewConflict(
                "result_recorded", _("The result of this check is already recorded.")
            )
        if laboratory_result and not inspection.sample:
            raise DecisionInvalid({"laboratory_result": _("No sample was taken in this check.")})
        now = timezone.now()
        if result:
            inspection.result, inspection.result_at, inspection.result_by = result, now, user
        if laboratory_result:
            inspection.laboratory_result = laboratory_result
        if note.strip():
            inspection.note = "\n".join(filter(None, [inspection.note, note.strip()]))
        inspection.save()
        parts = [history.label(InspectionKind(inspection.kind).label)]
        if result:
            parts.append(history.label(InspectionResult(result).label, lower=True))
        if laboratory_result:
            lab = history.label(LaboratoryResult(laboratory_result).label, lower=True)
            parts.append(history.text(gettext_noop("laboratory: %(result)s"), result=lab))
        line = history.joined(", ", parts)
        if note.strip():
            line = history.joined(": ", [line, note.strip()])
        task_event(task, StatusEvent.Kind.INSPECTION_RESULT, actor=user, message=line)
        clearance_merge(declaration, actor=user, agency=task.agency.name)
    return inspection


def openings_saved(appointments=None) -> int:
    """Container openings a joint inspection saved: for each appointment, the agencies
    taking part beyond the first (each would otherwise have opened the goods itself)."""
    appointments = appointments if appointments is not None else InspectionAppointment.objects
    counted = appointments.annotate(
        agencies=Count("inspections__task__agency", distinct=True)
    ).filter(agencies__gt=1)
    return sum(appointment.agencies - 1 for appointment in counted)
