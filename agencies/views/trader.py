"""The trader's actions on a lodged declaration, from its page: the answer to the
agencies' information requests, the cancellation, and the amendment (the form prefilled
with the current version)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from declarations.documents.services import DocumentInvalid, document_attach
from declarations.documents.uploads import DocumentForm, use_document_upload_handler
from declarations.documents.views import facts_from
from declarations.forms.entry import DeclarationEntry
from declarations.forms.response import InformationResponseForm
from declarations.models import OPEN_STATUSES, Declaration
from declarations.selectors import access_declaration
from declarations.services import DeclarationInvalid
from declarations.views import (
    declaration_page_context,
    once_per_form,
    refusal_status,
    render_declaration_form,
    trader_required,
)
from singlewindow.http import post_only

from .. import services

# The supporting document an answer may bring: the document form's fields, prefixed.
ANSWER_PREFIX = "answer"


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
    document_form = DocumentForm(request.POST, request.FILES, prefix=ANSWER_PREFIX)
    status = 422
    if form.is_valid() and document_form.is_valid():
        upload = document_form.cleaned_data.get("file")

        def attach() -> object:
            return document_attach(
                user=request.user,
                declaration_id=pk,
                upload=upload,
                facts=facts_from(document_form),
            )

        try:
            declaration = services.review_respond(
                user=request.user,
                declaration_id=pk,
                message=form.cleaned_data["message"],
                attach=attach if upload else None,
            )
        except DocumentInvalid as invalid:
            for field, message in invalid.errors.items():
                document_form.add_error(field if field in document_form.fields else None, message)
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
    context = declaration_page_context(declaration, response_form=form)
    context["answer_document_form"] = document_form
    return render(request, "declarations/declaration_detail.html", context, status=status)


def respond_view(request: HttpRequest, pk: int) -> HttpResponse:
    """``respond`` with the bounded upload handler of supporting documents, set before the
    CSRF check reads the body (so the check is done by ``csrf_protect`` after it)."""
    use_document_upload_handler(request, field=f"{ANSWER_PREFIX}-file")
    return csrf_protect(respond)(request, pk)


respond_view.csrf_exempt = True  # type: ignore[attr-defined]


@login_required
@post_only("declaration_detail")
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


@trader_required
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    """The declaration form prefilled with the current version of the trader's declaration
    ``pk``; POST lodges the amendment (``declaration_amend``). Refusals are shown at their
    fields (422, nothing saved); a declaration no longer open goes back to its page."""
    declaration = access_declaration(request.user, pk)
    if request.method == "GET":
        if declaration.status not in OPEN_STATUSES:
            messages.info(request, _("This declaration can no longer be amended."))
            return redirect("declaration_detail", pk=pk)
        entry = DeclarationEntry(
            document=declaration.document, declarant=request.user.trader.company
        )
        return render_declaration_form(request, entry, None, amending=declaration)
    entry = DeclarationEntry(
        request.POST,
        document=declaration.document,
        add_item=request.POST.get("action") == "add_item",
    )
    if request.POST.get("action") == "add_item":
        return render_declaration_form(request, entry, None, amending=declaration)
    if not entry.is_valid():
        return render_declaration_form(request, entry, None, amending=declaration, status=422)

    def send() -> Declaration | HttpResponse:
        try:
            result = services.declaration_amend(
                user=request.user, declaration_id=pk, document=entry.to_document()
            )
        except DeclarationInvalid as invalid:
            entry.add_issues(invalid.issues)
            return render_declaration_form(
                request, entry, None, amending=declaration, status=refusal_status(invalid)
            )
        except services.ReviewConflict as conflict:
            messages.error(request, conflict.message)
            return redirect("declaration_detail", pk=pk)
        messages.success(
            request,
            _("Amendment lodged: version %(n)s. Reviewing again: %(agencies)s.")
            % {
                "n": result.version.number,
                "agencies": ", ".join(result.review_again) or _("none"),
            },
        )
        return declaration

    # The one-time token of the declaration form: a double click or the back button
    # lodges the amendment once (``once_per_form``, as the lodge form).
    outcome = once_per_form(request, send, already_sent=lambda first: _amendment_sent(request, pk))
    if isinstance(outcome, Declaration):
        return redirect("declaration_detail", pk=pk)
    return outcome


def _amendment_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """The second POST of one amendment form: say kindly that it was lodged once."""
    messages.info(
        request,
        _(
            "This amendment was already sent: the declaration below shows it. Nothing was "
            "lodged twice."
        ),
    )
    return redirect("declaration_detail", pk=pk)
