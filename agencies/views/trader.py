"""The trader's answer to the agencies' information requests, from the declaration page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from declarations.forms.response import InformationResponseForm
from declarations.selectors import access_declaration
from declarations.views import declaration_page_context

from .. import services


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
    status = 422
    if form.is_valid():
        try:
            declaration = services.review_respond(
                user=request.user, declaration_id=pk, message=form.cleaned_data["message"]
            )
        except services.DecisionInvalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except services.ReviewConflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        else:
            messages.success(request, _("Your answer has been sent to the agency."))
            return redirect("declaration_detail", pk=declaration.pk)
    declaration = access_declaration(request.user, pk)
    return render(
        request,
        "declarations/declaration_detail.html",
        declaration_page_context(declaration, response_form=form),
        status=status,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The trader cancels the declaration with a reason (``declaration_cancel``); a refusal
    (no reason, already cleared) is said on the declaration page."""
    try:
        services.declaration_cancel(
            user=request.user, declaration_id=pk, reason=request.POST.get("reason", "")
        )
    except services.DecisionInvalid as invalid:
        messages.error(request, " ".join(invalid.errors.values()))
    except services.ReviewConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("The declaration is cancelled; the agencies were told."))
    return redirect("declaration_detail", pk=pk)
