"""What the officers' pages share: the officer check and how a refused action is shown."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..services import ReviewConflict, officer_of

View = Callable[..., HttpResponse]


def officer_required(view: View) -> View:
    """Let in logged-in users with an ``Officer`` profile; 403 for other users."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if officer_of(request.user) is None:
            raise PermissionDenied(_("Only agency officers can review declarations."))
        return view(request, *args, **kwargs)

    return wrapper


def conflict_redirect(request: HttpRequest, conflict: ReviewConflict, to: str, *args: Any):
    """A refused action (409 in the API): say why in words, back on the page it came from.
    The page answers 409 only when it is not redirected (see ``review_action``)."""
    messages.error(request, conflict.message)
    return redirect(to, *args)
