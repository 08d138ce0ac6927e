"""Reads on supporting documents, each with its permission check.

Who may open a document: the users of the company the declaration belongs to (and, for a
declaration a broker lodged, of the client it names: ``declarations_of_company``); the
officers of an agency that reviews the declaration, and for a goods item's document only
those of an agency the item is routed to. Anybody else gets 404: a document's existence is
not disclosed.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from declarations.models import Declaration
from declarations.selectors import declarations_of_company

from .models import SupportingDocument


def _officer_agency_id(user) -> int | None:
    officer = getattr(user, "officer", None) if user.is_authenticated else None
    return officer.agency_id if officer else None


def documents_visible(user, declaration: Declaration) -> QuerySet[SupportingDocument]:
    """The documents of ``declaration`` the user may open, oldest first (none if the user
    may open none of them)."""
    documents = SupportingDocument.objects.filter(declaration=declaration).select_related(
        "uploaded_by"
    )
    if declarations_of_company(user).filter(pk=declaration.pk).exists():
        return documents
    agency_id = _officer_agency_id(user)
    if agency_id is None:
        return documents.none()
    # The review tasks link to the goods items routed to each agency (ReviewTask.items).
    routed = declaration.items.filter(review_tasks__agency_id=agency_id).values("sequence")
    if not declaration.review_tasks.filter(agency_id=agency_id).exists():
        return documents.none()
    return documents.filter(Q(item_sequence=None) | Q(item_sequence__in=routed))


def access_document(user, pk: int) -> SupportingDocument:
    """The document ``pk`` if the user may open it (see the module); ``Http404`` otherwise."""
    document = SupportingDocument.objects.select_related("declaration").filter(pk=pk).first()
    if document is None or not documents_visible(user, document.declaration).filter(pk=pk).exists():
        raise Http404("No such document")
    return document
