"""The agency's queue (filtered, counted, keyset-paged), "next task", and decided tasks."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from declarations.views import PAGE_SIZE
from singlewindow.http import post_only

from .. import selectors, services
from ..forms import QueueFilterForm
from ..inspections.models import InspectionAppointment
from ..inspections.services import openings_saved
from ..models import OPEN_REVIEW_STATUSES, ReviewStatus
from .base import officer_required


@officer_required
def queue(request: HttpRequest) -> HttpResponse:
    """The agency's tasks as filtered, oldest first, a page after ``?after=<task id>``
    (keyset: deciding tasks on earlier pages skips or repeats nothing). htmx polls the
    table partial."""
    form = QueueFilterForm(request.GET or None, status_choices=ReviewStatus.choices)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        after = int(request.GET.get("after", ""))
    except ValueError:
        after = None
    tasks = selectors.review_queue_filtered(request.user, filters).annotate(
        item_count=Count("items", distinct=True)
    )
    page, next_after = selectors.page_after(tasks, after, PAGE_SIZE)
    next_query = None
    if next_after is not None:
        params = request.GET.copy()
        params["after"] = str(next_after)
        next_query = params.urlencode()
    first_query = None
    if after is not None:
        params = request.GET.copy()
        params.pop("after", None)
        first_query = params.urlencode()
    counts = selectors.review_counts(request.user)
    agency = request.user.officer.agency
    # Appointments the agency took part in, counted with every agency taking part.
    taken_part = InspectionAppointment.objects.filter(inspections__task__agency=agency)
    joint = InspectionAppointment.objects.filter(pk__in=taken_part.values("pk"))
    template = "agencies/queue.html"
    if request.headers.get("HX-Request") == "true":
        template += "#queue-table"
    return render(
        request,
        template,
        {
            "tasks": page,
            "next_query": next_query,
            "first_query": first_query,
            "total": tasks.count(),
            "counts": [(status, label, counts[status]) for status, label in ReviewStatus.choices],
            "overdue_count": counts["overdue"],
            "form": form,
            "agency": agency,
            "openings_saved": openings_saved(joint),
            "open_statuses": OPEN_REVIEW_STATUSES,
        },
    )


@officer_required
@post_only("agencies:queue", with_pk=False)
def review_next(request: HttpRequest) -> HttpResponse:
    """Claim the oldest unclaimed pending task of the agency and open it."""
    task = services.review_next(user=request.user)
    if task is None:
        messages.info(request, _("Nothing is waiting: every pending task is claimed."))
        return redirect("agencies:queue")
    return redirect("agencies:review", task.pk)


@officer_required
def decided(request: HttpRequest) -> HttpResponse:
    """The agency's decided and closed review tasks, most recent first."""
    tasks = Paginator(
        selectors.reviews_of_agency(request.user)
        .exclude(status__in=OPEN_REVIEW_STATUSES)
        .select_related("decided_by")
        .annotate(item_count=Count("items"))
        .order_by("-decided_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request, "agencies/decided.html", {"tasks": tasks, "agency": request.user.officer.agency}
    )
