"""The one way a review task's history line is written: a ``StatusEvent`` of the
declaration, naming the task's agency (its name as it is now, kept as text), linked to the
task so its officers read it in the task's thread (``ReviewTask.events``)."""

from django.contrib.auth.models import AbstractBaseUser

from declarations.models import StatusEvent

from .models import ReviewTask


def task_event(
    task: ReviewTask,
    kind: str,
    *,
    actor: AbstractBaseUser | None = None,
    message: str = "",
    to_status: str = "",
) -> StatusEvent:
    """Record ``kind`` (a ``StatusEvent.Kind``) on ``task``'s declaration, by ``actor``."""
    event = StatusEvent.objects.create(
        declaration_id=task.declaration_id,
        actor=actor,
        kind=kind,
        agency=task.agency.name,
        to_status=to_status,
        message=message,
    )
    task.events.add(event)
    return event
