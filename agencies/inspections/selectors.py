"""Reads on inspections: a declaration's appointments with the agencies taking part."""

from dataclasses import dataclass
from datetime import datetime

from declarations.models import Declaration

from .models import Inspection, InspectionAppointment


@dataclass(frozen=True, slots=True)
class AppointmentView:
    """One inspection appointment as the trader and the officers see it."""

    id: int
    place: str
    starts_at: datetime
    ends_at: datetime
    agencies: tuple[str, ...]  # agency names taking part, in name order

    @property
    def is_joint(self) -> bool:
        return len(self.agencies) > 1


def declaration_appointments(declaration: Declaration) -> list[AppointmentView]:
    """The declaration's inspection appointments, earliest first (the caller checked the
    user may see the declaration)."""
    appointments = InspectionAppointment.objects.filter(declaration=declaration).prefetch_related(
        "inspections__task__agency"
    )
    return [
        AppointmentView(
            id=appointment.pk,
            place=appointment.place,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            agencies=tuple(sorted({i.task.agency.name for i in appointment.inspections.all()})),
        )
        for appointment in appointments
    ]


def task_inspections(task) -> list[Inspection]:
    """The checks the task's agency ordered, oldest first."""
    return list(task.inspections.select_related("appointment").order_by("ordered_at", "pk"))
