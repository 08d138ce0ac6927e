"""Officer pages (the agency's queue, a review task, decided tasks) and the trader's answer
to an information request.

Views are thin: they parse the form, call one service of ``agencies.services`` and render;
``DecisionInvalid`` errors are shown at the field they name.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from declarations.forms.display import header_rows
from declarations.forms.response import InformationResponseForm
from declarations.selectors import access_declaration
from declarations.views import PAGE_SIZE, declaration_page_context

from . import selectors, services
from .forms import ReviewDecisionForm
from .models import ReviewStatus, ReviewTask

View = Callable[..., HttpResponse]

DECIDED_MESSAGES = {
    ReviewStatus.APPROVED: gettext_lazy("Approved: %(ref)s."),
    ReviewStatus.REJECTED: gettext_lazy("Rejected: %(ref)s."),
    ReviewStatus.INFO_REQUESTED: gettext_lazy("Information requested from the trader: %(ref)s."),
}


def officer_required(view: View) -> View:
    """Let in logged-in users with an ``Officer`` profile; 403 for other users."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if services.officer_of(request.user) is None:
            raise PermissionDenied(_("Only agency officers can review declarations."))
        return view(request, *args, **kwargs)

    return wrapper


@officer_required
def queue(request: HttpRequest) -> HttpResponse:
    """The agency's open review tasks, oldest first. htmx polls the table partial."""
    tasks = Paginator(
        selectors.review_queue(request.user).annotate(item_count=Count("items")), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    template = "agencies/queue.html"
    if request.headers.get("HX-Request") == "true":
        template += "#queue-table"
    return render(request, template, {"tasks": tasks, "agency": request.user.officer.agency})


@officer_required
def decided(request: HttpRequest) -> HttpResponse:
    """The agency's decided review tasks, most recent decision first."""
    tasks = Paginator(
        selectors.reviews_of_agency(request.user)
        .exclude(status=ReviewStatus.PENDING)
        .select_related("decided_by")
        .annotate(item_count=Count("items"))
        .order_by("-decided_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request, "agencies/decided.html", {"tasks": tasks, "agency": request.user.officer.agency}
    )


@officer_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One review task: the declaration header, the messages exchanged with the trader,
    only the goods items routed to this agency, and the decision form. Another agency's
    task is a 404."""
    task = selectors.access_review(request.user, pk)
    if request.method == "POST":
        form = ReviewDecisionForm(request.POST)
        if form.is_valid():
            try:
                task = services.review_decide(
                    user=request.user,
                    review_id=task.pk,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except services.DecisionInvalid as invalid:
                for field, message in invalid.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                ref = task.declaration.mrn or task.declaration.lrn
                messages.success(request, DECIDED_MESSAGES[task.status] % {"ref": ref})
                return redirect("agencies:queue")
        return _render_review(request, task, form, status=422)
    return _render_review(request, task, ReviewDecisionForm())


def _render_review(
    request: HttpRequest, task: ReviewTask, form: ReviewDecisionForm, *, status: int = 200
) -> HttpResponse:
    declaration = task.declaration
    return render(
        request,
        "agencies/review_detail.html",
        {
            "task": task,
            "declaration": declaration,
            "header": header_rows(declaration.document),
            "items": task.items.order_by("sequence"),
            "total_items": declaration.items.count(),
            "form": form,
            "is_pending": task.status == ReviewStatus.PENDING,
            # Not "messages": that name belongs to django.contrib.messages in templates.
            "thread": selectors.review_messages(task),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The trader answers the open information requests on their declaration (``pk``);
    another company's declaration is a 404 (``review_respond`` checks).

    A refused answer is shown at this URL; opening it again (GET: reload, bookmark, back
    button) leads to the declaration page, where the form is.
    """
    if request.method == "GET":
        return redirect("declaration_detail", pk=pk)
    form = InformationResponseForm(request.POST)
    if form.is_valid():
        try:
            declaration = services.review_respond(
                user=request.user, declaration_id=pk, message=form.cleaned_data["message"]
            )
        except services.DecisionInvalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Your answer has been sent to the agency."))
            return redirect("declaration_detail", pk=declaration.pk)
    declaration = access_declaration(request.user, pk)
    return render(
        request,
        "declarations/declaration_detail.html",
        declaration_page_context(declaration, response_form=form),
        status=422,
    )
