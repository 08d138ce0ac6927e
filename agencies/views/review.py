"""An officer's review page: the declaration as routed to the agency, who holds the task,
the decision per goods item, the checks, every agency's outcomes; and its actions.

Views are thin: they parse the form, call one service and render or redirect; a service's
``DecisionInvalid`` is shown at the field it names, a ``ReviewConflict`` in words.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from declarations.forms.display import header_rows
from declarations.models import OPEN_STATUSES
from singlewindow.http import post_only

from .. import selectors, services
from ..forms import (
    AssignForm,
    InspectionOrderForm,
    InspectionResultForm,
    LaneOverrideForm,
    ReviewDecisionForm,
)
from ..inspections.selectors import declaration_appointments, task_inspections
from ..inspections.services import access_inspection, inspection_order, inspection_record_result
from ..models import Officer, ReviewStatus, ReviewTask
from ..risk.services import lane_override
from .base import conflict_redirect, officer_required

DECIDED_MESSAGES = {
    ReviewStatus.RELEASED: gettext_lazy("Released: %(ref)s."),
    ReviewStatus.RELEASED_WITH_CONDITIONS: gettext_lazy("Released with conditions: %(ref)s."),
    ReviewStatus.PARTIALLY_RELEASED: gettext_lazy("Partially released: %(ref)s."),
    ReviewStatus.REFUSED: gettext_lazy("Refused: %(ref)s."),
    ReviewStatus.INFO_REQUESTED: gettext_lazy("Information requested from the trader: %(ref)s."),
    ReviewStatus.CLOSED: gettext_lazy("Closed: %(ref)s."),
}


def _sequences(task: ReviewTask) -> list[int]:
    return list(task.items.order_by("sequence").values_list("sequence", flat=True))


@officer_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One review task; POST records the decision. Another agency's task is a 404."""
    task = selectors.access_review(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = ReviewDecisionForm(data, sequences=_sequences(task))
    if request.method == "POST" and form.is_valid():
        try:
            task = services.review_decide(
                user=request.user,
                review_id=task.pk,
                decision=form.cleaned_data["decision"] or "decide",
                reason=form.cleaned_data["reason"],
                items=form.item_decisions(),
            )
        except services.DecisionInvalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
            for sequence, problems in invalid.item_errors.items():
                for field, message in problems.items():
                    form.add_item_error(sequence, field, message)
        except services.ReviewConflict as conflict:
            form.add_error(None, conflict.message)
            return _render_review(request, task, form, status=409)
        else:
            ref = task.declaration.mrn or task.declaration.lrn
            messages.success(request, DECIDED_MESSAGES[task.status] % {"ref": ref})
            return redirect("agencies:queue")
    if request.method == "POST":
        return _render_review(request, task, form, status=422)
    return _render_review(request, task, form)


def _render_review(
    request: HttpRequest, task: ReviewTask, form: ReviewDecisionForm, *, status: int = 200
) -> HttpResponse:
    task = selectors.access_review(request.user, task.pk)
    declaration = task.declaration
    routed = set(form.sequences)
    agencies = [
        {"agency": agency, "items": [i for i in agency.items if i[0] in routed]}
        for agency in selectors.declaration_agencies(declaration)
    ]
    officer = request.user.officer
    officers = []
    if officer.is_supervisor:
        officers = [
            (o.user.get_username(), selectors.display_name(o.user))
            for o in Officer.objects.filter(agency=officer.agency, user__is_active=True)
            .select_related("user")
            .order_by("user__username")
        ]
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
            "is_open": task.is_open,
            "held_by_me": task.claimed_by_id == request.user.pk,
            "is_supervisor": officer.is_supervisor,
            "assign_form": AssignForm(officers=officers) if officers else None,
            "agencies": agencies,
            "inspections": task_inspections(task),
            "open_inspections": any(not i.result for i in task_inspections(task)),
            "appointments": declaration_appointments(declaration),
            "inspection_form": InspectionOrderForm(),
            "result_form": InspectionResultForm(),
            "lane": getattr(task, "lane_assignment", None),
            "lane_form": LaneOverrideForm(),
            "declaration_open": declaration.status in OPEN_STATUSES,
            # Not "messages": that name belongs to django.contrib.messages in templates.
            "thread": selectors.review_messages(task),
            "amendments": selectors.review_amendments(task),
        },
        status=status,
    )


def _action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except services.ReviewConflict as conflict:
        return conflict_redirect(request, conflict, "agencies:review", pk)
    except services.DecisionInvalid as invalid:
        messages.error(request, " ".join(invalid.errors.values()))
        return redirect("agencies:review", pk)
    messages.success(request, done)
    return redirect("agencies:review", pk)


@officer_required
@post_only("agencies:review")
def review_claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda: services.review_claim(user=request.user, review_id=pk),
        _("You are working on this task."),
    )


@officer_required
@post_only("agencies:review")
def review_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda: services.review_release(user=request.user, review_id=pk),
        _("The task is back in the shared queue."),
    )


@officer_required
@post_only("agencies:review")
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda: services.review_assign(
            user=request.user, review_id=pk, officer_username=request.POST.get("officer", "")
        ),
        _("Task reassigned."),
    )


@officer_required
@post_only("agencies:review")
def review_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    form = InspectionOrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a documentary, identity or physical check."))
        return redirect("agencies:review", pk)
    return _action(
        request,
        pk,
        lambda: inspection_order(
            user=request.user,
            review_id=pk,
            kind=form.cleaned_data["kind"],
            sample=form.cleaned_data["sample"],
        ),
        _("Check ordered."),
    )


@officer_required
@post_only("agencies:queue", with_pk=False)
def inspection_result(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(request.user, pk)
    form = InspectionResultForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _action(
        request,
        inspection.task_id,
        lambda: inspection_record_result(
            user=request.user,
            inspection_id=pk,
            result=data.get("result", ""),
            laboratory_result=data.get("laboratory_result", ""),
            note=data.get("note", ""),
        ),
        _("Result recorded."),
    )


@officer_required
@post_only("agencies:review")
def review_lane(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the task to another risk lane (``agencies.risk.services.lane_override``)."""
    selectors.access_review(request.user, pk)
    form = LaneOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the new lane and give the reason."))
        return redirect("agencies:review", pk)
    return _action(
        request,
        pk,
        lambda: lane_override(
            user=request.user,
            review_id=pk,
            lane=form.cleaned_data["lane"],
            reason=form.cleaned_data["reason"],
        ),
        _("Lane changed."),
    )
