"""Portal pages of notifications: the list (for traders and officers), the unread count
the navbar asks for, and "mark all read"."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from singlewindow.http import post_only

from ..models import Declaration
from .selectors import notifications_for, unread_count
from .services import notifications_mark_read
from .texts import notification_text

PAGE_SIZE = 50


def _require_recipient(request: HttpRequest) -> None:
    user = request.user
    if getattr(user, "trader", None) is None and getattr(user, "officer", None) is None:
        raise PermissionDenied(_("Only traders and officers receive notifications."))


@login_required
@require_GET
@never_cache
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, in pages; those on the page are then read
    (the ones not seen before are marked "new")."""
    _require_recipient(request)
    page = Paginator(
        notifications_for(request.user).select_related("declaration"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    notifications = list(page.object_list)
    read = {
        pk
        for pk in notifications_for(request.user)
        .filter(pk__in=[n.pk for n in notifications], reads__user=request.user)
        .values_list("pk", flat=True)
    }
    reviews = _officer_reviews(request.user, [n.declaration_id for n in notifications])
    rows = [
        {
            "notification": notification,
            "text": notification_text(notification.code, notification.data),
            "new": notification.pk not in read,
            "review_id": reviews.get(notification.declaration_id),
        }
        for notification in notifications
    ]
    notifications_mark_read(request.user, [n.pk for n in notifications])
    return render(
        request,
        "notifications/notification_list.html",
        {"rows": rows, "page": page, "notifications_unread": unread_count(request.user)},
    )


def _officer_reviews(user: Any, declaration_ids: list[int]) -> dict[int, int]:
    """declaration id -> the officer's agency's review task id (for the links)."""
    officer = getattr(user, "officer", None)
    if officer is None:
        return {}
    # Review tasks belong to agencies (declarations does not import them): the model is
    # reached through the declaration's reverse relation.
    tasks = Declaration._meta.get_field("review_tasks").related_model.objects
    return dict(
        tasks.filter(agency_id=officer.agency_id, declaration_id__in=declaration_ids).values_list(
            "declaration_id", "pk"
        )
    )


@login_required
@require_GET
@never_cache
def notification_unread(request: HttpRequest) -> HttpResponse:
    """The navbar's unread badge as an HTML fragment (htmx polls it)."""
    _require_recipient(request)
    return render(
        request,
        "notifications/_unread_badge.html",
        {"notifications_unread": unread_count(request.user)},
    )


@login_required
@post_only("notification_list", with_pk=False)
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification of the user read."""
    _require_recipient(request)
    notifications_mark_read(request.user)
    return redirect("notification_list")
