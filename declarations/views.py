"""Trader pages: the home redirect, the company's declarations (with the WCO DM XML upload),
the declaration form (new declaration or draft), the declaration page and its XML download.

Views are thin: they parse the form, call one service of ``declarations.services`` and
render. All validation happens in the service (through ``datamodel``); the issues it
returns are put back next to the fields by ``DeclarationEntry.add_issues``.
"""

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from datamodel.issues import Severity
from datamodel.xmlio import declaration_to_xml
from singlewindow.http import post_only

from . import idempotency, selectors, services
from .documents.uploads import DocumentForm
from .forms.display import header_rows, item_rows
from .forms.entry import DeclarationEntry, shared_option_lists
from .forms.response import InformationResponseForm
from .forms.upload import XmlUploadForm, XmlUploadHandler
from .models import CANCELLABLE_STATUSES, OPEN_STATUSES, ClearanceStatus, Declaration, Trader

View = Callable[..., HttpResponse]
# Rows per page of the lists (declarations, review queue, decided reviews).
PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to where their work is: traders to their declarations, officers to
    their agency's queue, administrators to the admin site, everyone else to log in."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if selectors.trader_of(user) is not None:
        return redirect("declaration_list")
    # The officer profile is reached through its reverse relation: declarations does not
    # import agencies.
    if getattr(user, "officer", None) is not None:
        return redirect("agencies:queue")
    if user.is_staff:
        return redirect("admin:index")
    raise PermissionDenied(_("Your account has no trader or officer profile."))


def trader_required(view: View) -> View:
    """Let in logged-in users with a ``Trader`` profile; 403 for other users."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if selectors.trader_of(request.user) is None:
            raise PermissionDenied(_("Only traders can file declarations."))
        return view(request, *args, **kwargs)

    return wrapper


@trader_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    """The declarations of the trader's company, newest first, and the XML upload form."""
    return _render_list(request, XmlUploadForm())


def _render_list(request: HttpRequest, upload: XmlUploadForm, *, status: int = 200) -> HttpResponse:
    declarations = Paginator(selectors.declarations_of_company(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "declarations/declaration_list.html",
        {
            "declarations": declarations,
            "company": request.user.trader.company,
            "upload": upload,
            "upload_problems": upload.problems(),
        },
        status=status,
    )


@csrf_exempt
@trader_required
@post_only("declaration_list", with_pk=False)
def declaration_upload(request: HttpRequest) -> HttpResponse:
    """Lodge a WCO DEC-DMS 2 declaration uploaded as an XML file.

    Accepted: to the declaration page with its LRN and MRN. Refused (no file, over the size
    limit, or any issue of ``declaration_submit_xml``): the list page again, 422, with the
    reasons listed and nothing saved.
    """
    # The upload handler must be set before anything parses the body, and the CSRF
    # middleware would (reading the token from request.POST): this view is exempt from
    # the middleware and checks the token itself, after the handler is in place.
    request.upload_handlers = [XmlUploadHandler(request)]
    return _declaration_upload(request)


@csrf_protect
def _declaration_upload(request: HttpRequest) -> HttpResponse:
    upload = XmlUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _render_list(request, upload, status=422)
    try:
        declaration = services.declaration_submit_xml(
            trader=request.user.trader, raw=upload.xml_bytes()
        )
    except services.DeclarationInvalid as invalid:
        upload.refuse(invalid.issues)
        return _render_list(request, upload, status=422)
    messages.success(
        request,
        _("Declaration %(lrn)s lodged from XML: MRN %(mrn)s.")
        % {"lrn": declaration.lrn, "mrn": declaration.mrn},
    )
    return redirect("declaration_detail", pk=declaration.pk)


@trader_required
@require_http_methods(["GET", "POST"])
def declaration_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """File a new declaration (``pk`` ``None``, the trader's company filled in as the
    declarant) or edit a draft: "Save draft" stores it unvalidated, "Submit" lodges it
    through ``declaration_submit``."""
    trader: Trader = request.user.trader
    draft = selectors.access_declaration(request.user, pk) if pk is not None else None
    if draft is not None and draft.status != ClearanceStatus.DRAFT:
        messages.info(request, _("This declaration has been submitted and can no longer change."))
        return redirect("declaration_detail", pk=draft.pk)
    document = draft.document if draft is not None else None

    if request.method == "GET":
        entry = DeclarationEntry(document=document, declarant=trader.company)
        return render_declaration_form(request, entry, draft)

    action = request.POST.get("action", "")
    entry = DeclarationEntry(request.POST, document=document, add_item=action == "add_item")
    if action == "add_item":
        return render_declaration_form(request, entry, draft)
    if not entry.is_valid():
        return render_declaration_form(request, entry, draft, status=422)
    outcome = once_per_form(
        request,
        lambda: _form_save(request, trader, entry, draft, action),
        already_sent=lambda first: _form_already_sent(request, first),
    )
    if isinstance(outcome, Declaration):
        if outcome.status == ClearanceStatus.DRAFT:
            return redirect("declaration_edit", pk=outcome.pk)
        return redirect("declaration_detail", pk=outcome.pk)
    return outcome


# The hidden field of the declaration form's one-time token (``idempotency.form_token_*``).
FORM_TOKEN_FIELD = "form_token"


def once_per_form(
    request: HttpRequest,
    send: Callable[[], Declaration | HttpResponse],
    *,
    already_sent: Callable[[Declaration | None], HttpResponse],
) -> Declaration | HttpResponse:
    """Handle a declaration form's POST once: ``send()`` lodges it (the declaration it
    made or changed, or the page to answer instead); a second POST with the same one-time
    token (a double click, the back button) gets ``already_sent(first)`` with the
    declaration the first made (``None``: still being handled), and nothing is lodged
    twice. The lodge form and the amendment form share this one mechanism
    (``idempotency.form_token_*``). A POST without the token field (a script) is handled
    as before; a refused form is shown again with a new token (``render_declaration_form``)
    and its spent token stays spent."""
    token = request.POST.get(FORM_TOKEN_FIELD, "")
    if token:
        use = idempotency.form_token_use(request.user, token)
        if not use.fresh:
            return already_sent(use.declaration)
    outcome: Declaration | HttpResponse | None = None
    try:
        outcome = send()
    finally:
        if token:
            made = outcome if isinstance(outcome, Declaration) else None
            idempotency.form_token_done(request.user, token, made)
    return outcome


def _form_already_sent(request: HttpRequest, declaration: Declaration | None) -> HttpResponse:
    """The second POST of one form: say kindly what became of the first."""
    if declaration is None:
        messages.info(
            request,
            _("This form was already sent and is being handled; your declarations are below."),
        )
        return redirect("declaration_list")
    messages.info(
        request,
        _("This form was already sent: here is the declaration it made. Nothing was lodged twice."),
    )
    if declaration.status == ClearanceStatus.DRAFT:
        return redirect("declaration_edit", pk=declaration.pk)
    return redirect("declaration_detail", pk=declaration.pk)


def _form_save(
    request: HttpRequest,
    trader: Trader,
    entry: DeclarationEntry,
    draft: Declaration | None,
    action: str,
) -> Declaration | HttpResponse:
    """Lodge or save the form (the declaration), or the page to answer instead."""
    pk = draft.pk if draft is not None else None
    try:
        if action == "submit":
            declaration = services.declaration_submit(
                trader=trader, document=entry.to_document(), declaration=draft
            )
            messages.success(
                request,
                _("Declaration %(lrn)s lodged: MRN %(mrn)s.")
                % {"lrn": declaration.lrn, "mrn": declaration.mrn},
            )
            return declaration
        declaration = services.declaration_save_draft(
            trader=trader, document=entry.to_document(), declaration=draft
        )
    except services.DeclarationInvalid as invalid:
        entry.add_issues(invalid.issues)
        # 409 when the only errors are conflicts (the LRN is already used), as the API says;
        # the words are at the field either way.
        return render_declaration_form(request, entry, draft, status=refusal_status(invalid))
    except services.DeclarationNotEditable:
        # Submitted meanwhile (another tab, the API): show it as it now stands.
        messages.error(request, _("This declaration has been submitted and can no longer change."))
        return redirect("declaration_detail", pk=pk)
    messages.success(request, _("Draft saved."))
    return declaration


def refusal_status(invalid: services.DeclarationInvalid) -> int:
    errors = {issue.code for issue in invalid.issues if issue.severity == Severity.ERROR}
    return 409 if errors and errors <= services.CONFLICT_CODES else 422


def render_declaration_form(
    request: HttpRequest,
    entry: DeclarationEntry,
    draft: Declaration | None,
    *,
    status: int = 200,
    amending: Declaration | None = None,
) -> HttpResponse:
    """The declaration form: a new declaration, a draft, or (``amending``) the amendment of
    a lodged one, which has one button, "Lodge amendment"."""
    action = reverse("declaration_edit", args=[draft.pk]) if draft else reverse("declaration_new")
    if amending is not None:
        action = reverse("agencies:amend", args=[amending.pk])
    return render(
        request,
        "declarations/declaration_form.html",
        {
            "entry": entry,
            "header": entry.header,
            "items": entry.items,
            "item_rows": entry.item_rows(),
            "option_lists": shared_option_lists(),
            "errors": entry.error_summary() if entry.header.is_bound else [],
            "draft": draft,
            "amending": amending,
            "form_action": action,
            "form_token": idempotency.form_token_issue(request.user),
        },
        status=status,
    )


@trader_required
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The declaration page: clearance status, header, goods items, each agency's review
    and the history. Another company's declaration is a 404."""
    declaration = selectors.access_declaration(request.user, pk, as_client=True)
    return render(
        request,
        "declarations/declaration_detail.html",
        declaration_page_context(declaration),
    )


@trader_required
@require_GET
@never_cache
def declaration_live(request: HttpRequest, pk: int) -> HttpResponse:
    """What the declaration page polls: 204 while its ``status`` and number of history
    ``events`` are what the page shows, else an ``HX-Refresh`` answer so htmx reloads it."""
    declaration = selectors.access_declaration(request.user, pk, as_client=True)
    events = selectors.declaration_history(declaration).count()
    if request.GET.get("status") == declaration.status and request.GET.get("events") == str(events):
        return HttpResponse(status=204)
    response = HttpResponse(status=200)
    response["HX-Refresh"] = "true"
    return response


@trader_required
@post_only("declaration_detail")
def declaration_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the declaration as a new draft and open it in the form."""
    source = selectors.access_declaration(request.user, pk)
    draft = services.declaration_copy(trader=request.user.trader, declaration=source)
    messages.success(
        request,
        _("A new draft was made from %(ref)s. Give it a new LRN, check it and submit it.")
        % {"ref": source.mrn or source.lrn or f"#{source.pk}"},
    )
    return redirect("declaration_edit", pk=draft.pk)


# What may stand in a download's file name: the MRN is [0-9A-Z], the LRN is the trader's.
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def xml_filename(declaration: Declaration) -> str:
    """``<MRN or LRN>.xml``, with anything but letters, digits, ``.``, ``_`` and ``-``
    replaced, so that the name is safe in a header and on any file system."""
    reference = _UNSAFE_FILENAME.sub("_", declaration.mrn or declaration.lrn).strip("._")[:64]
    return f"{reference or f'declaration-{declaration.pk}'}.xml"


@trader_required
@require_GET
@never_cache
def declaration_xml(request: HttpRequest, pk: int) -> HttpResponse:
    """The lodged declaration as WCO DEC-DMS 2 XML (the ``MetaData`` envelope), as a file.

    Another company's declaration is a 404, and so is a draft: a draft has not been
    validated, so there is no declaration to export yet (the page offers no link for it).
    """
    declaration = selectors.access_declaration(request.user, pk, as_client=True)
    if declaration.status == ClearanceStatus.DRAFT:
        raise Http404("A draft has no XML")
    response = HttpResponse(
        declaration_to_xml(declaration.document), content_type="application/xml"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=xml_filename(declaration)
    )
    return response


def declaration_page_context(
    declaration: Declaration, *, response_form: InformationResponseForm | None = None
) -> dict[str, Any]:
    """What the declaration page shows; ``agencies.views.respond`` re-renders it with the
    trader's answer and its errors."""
    # Review tasks belong to agencies; they are read through the reverse relation.
    reviews = declaration.review_tasks.select_related("agency").order_by("agency__name")
    review_labels = dict(reviews.model._meta.get_field("status").choices)
    status_labels = {**review_labels, **dict(ClearanceStatus.choices)}
    history = [
        {
            "event": event,
            "from_label": status_labels.get(event.from_status, event.from_status),
            "to_label": status_labels.get(event.to_status, event.to_status),
        }
        for event in selectors.declaration_history(declaration)
    ]
    is_draft = declaration.status == ClearanceStatus.DRAFT
    return {
        "declaration": declaration,
        "header": header_rows(declaration.document),
        "items": None if is_draft else declaration.items.order_by("sequence"),
        "draft_items": item_rows(declaration.document) if is_draft else None,
        "reviews": reviews,
        "history": history,
        "awaiting_trader": declaration.status == ClearanceStatus.AWAITING_TRADER,
        "cancellable": declaration.status in CANCELLABLE_STATUSES,
        "amendable": declaration.status in OPEN_STATUSES,
        "response_form": response_form or InformationResponseForm(),
        # An answer may bring a supporting document (agencies.views.trader.respond).
        "answer_document_form": DocumentForm(prefix="answer"),
    }
