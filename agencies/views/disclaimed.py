"""Goods items disclaimed to the officer's agency (filtered like the queue), one item's page,
and its call-in (``agencies.services.callin``)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from declarations.views import PAGE_SIZE

from ..clearance import ItemStatus, item_clearances
from ..forms import CallInForm, DisclaimedFilterForm
from ..routing.disclaimed import access_disclaimed, disclaimed_filtered, disclaimed_rows
from ..services import DecisionInvalid, ReviewConflict
from ..services.callin import disclaimed_call_in
from .base import officer_required


@officer_required
def disclaimed_list(request: HttpRequest) -> HttpResponse:
    """The items disclaimed to the agency, most recently lodged first, with the exemption
    code and the trader's reference per item; open to a call-in by default."""
    form = DisclaimedFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    items = disclaimed_filtered(request.user, filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    agency = request.user.officer.agency
    return render(
        request,
        "agencies/disclaimed.html",
        {
            "form": form,
            "page": page,
            "rows": disclaimed_rows(list(page.object_list), agency.pk),
            "agency": agency,
            "query": params.urlencode(),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def disclaimed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One item disclaimed to the agency (``pk``: the goods item); POST calls it in. An
    item not disclaimed to the agency is a 404; a refused call-in is shown at the field
    (422) or in words (409)."""
    item = access_disclaimed(request.user, pk)
    form = CallInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            call_in = disclaimed_call_in(
                user=request.user, item_id=pk, reason=form.cleaned_data["reason"]
            )
        except DecisionInvalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
            status = 422
        except ReviewConflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        else:
            messages.success(
                request,
                _("Goods item %(sequence)s of %(ref)s called in: it is in your queue.")
                % {"sequence": item.sequence, "ref": item.declaration.mrn},
            )
            return redirect("agencies:review", call_in.task_id)
    elif request.method == "POST":
        status = 422
    item = access_disclaimed(request.user, pk)
    [row] = disclaimed_rows([item], request.user.officer.agency_id)
    clearance = next(c for c in item_clearances(item.declaration) if c.item_id == item.pk)
    return render(
        request,
        "agencies/disclaimed_detail.html",
        {
            "row": row,
            "item": item,
            "clearance": clearance,
            "form": form,
            # Open to a call-in: not yet called in, declaration open, item not decided.
            "callable": row.can_call_in and clearance.status == ItemStatus.OPEN,
        },
        status=status,
    )
