"""Pages: upload a supporting document from the declaration page, and open one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET

from declarations.selectors import access_declaration
from declarations.views import declaration_page_context
from singlewindow.http import post_only

from .selectors import access_document
from .services import DocumentFacts, DocumentInvalid, document_attach
from .uploads import DocumentForm, use_document_upload_handler


def facts_from(form: DocumentForm) -> DocumentFacts:
    """What the (valid) form says of the file."""
    data = form.cleaned_data
    return DocumentFacts(
        type_code=data.get("type_code") or "",
        reference=data.get("reference") or "",
        issue_date=data.get("issue_date"),
        item=data.get("item"),
    )


@login_required
@post_only("declaration_detail")
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The trader attaches a file to the declaration ``pk`` (``document_attach``); refused
    input is shown on the declaration page at its fields (422)."""
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = document_attach(
                user=request.user,
                declaration_id=pk,
                upload=form.cleaned_data.get("file"),
                facts=facts_from(form),
            )
        except DocumentInvalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request, _("Document %(reference)s added.") % {"reference": document.reference}
            )
            return redirect("declaration_detail", pk=pk)
    declaration = access_declaration(request.user, pk)
    context = declaration_page_context(declaration)
    context["document_form"] = form
    return render(request, "declarations/declaration_detail.html", context, status=422)


def upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    """``document_upload`` with the bounded upload handler: the handler must be in place
    before the CSRF check reads the body, so the middleware's check is skipped here and
    done by ``csrf_protect`` after it."""
    use_document_upload_handler(request)
    return csrf_protect(document_upload)(request, pk)


upload_view.csrf_exempt = True  # type: ignore[attr-defined]


def document_response(document) -> FileResponse:
    """The stored file as a download: ``Content-Disposition: attachment`` with the
    trader's file name, the content type read from its bytes at upload, ``nosniff`` so
    no browser guesses another type, and a sandbox CSP should it be opened anyway."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a supporting document: its company's users and the officers of an agency
    concerned (``access_document``); anybody else gets 404."""
    return document_response(access_document(request.user, pk))
