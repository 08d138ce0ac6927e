"""Reads of notifications, each limited to what the user may see."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from .models import Audience, NotificationEvent


def notifications_for(user: AbstractBaseUser) -> QuerySet[NotificationEvent]:
    """The notifications the user may see, newest first: a trader's company's; an
    officer's agency's (and its supervisors' for a supervisor); none for anyone else."""
    none = NotificationEvent.objects.none()
    if not user.is_authenticated:
        return none
    trader = getattr(user, "trader", None)
    if trader is not None:
        return NotificationEvent.objects.filter(
            company_id=trader.company_id, audience=Audience.TRADER
        ).order_by("-pk")
    officer = getattr(user, "officer", None)
    if officer is not None:
        audiences = [Audience.AGENCY]
        if officer.is_supervisor:
            audiences.append(Audience.SUPERVISORS)
        return NotificationEvent.objects.filter(
            Q(agency_id=officer.agency_id) & Q(audience__in=audiences)
        ).order_by("-pk")
    return none


def unread_count(user: AbstractBaseUser) -> int:
    """How many of the user's notifications they have not seen on the portal."""
    return notifications_for(user).exclude(reads__user=user).count()
