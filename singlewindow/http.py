"""Small HTTP helpers shared by the apps' views."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect


def post_only(back: str, *, with_pk: bool = True) -> Callable[[Callable[..., HttpResponse]], Any]:
    """A view that acts on POST only (an action: claim, cancel, upload...). A GET of its
    address — a reload of the page the action rendered, a bookmark, the language menu,
    which reloads the current address — is sent to the page the action belongs to
    (``back``, a URL name, given the view's ``pk`` when ``with_pk``) instead of a blank
    405; other methods answer 405 as ``require_POST`` does. The target page does its own
    permission check, so the redirect tells nothing."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                pk = kwargs.get("pk", args[0] if args else None)
                return redirect(back, pk=pk) if with_pk and pk is not None else redirect(back)
            return HttpResponseNotAllowed(["POST"])

        return wrapped

    return decorate
