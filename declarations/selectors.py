"""Reads on declarations, each with its permission check."""

from django.db.models import Q, QuerySet
from django.http import Http404

from datamodel.messages import ORIGINAL_FUNCTION_CODE

from .models import AGENCY_INTERNAL_KINDS, Declaration, DeclarationVersion, StatusEvent


def trader_of(user):
    """The user's ``Trader`` profile, or ``None`` for officers, administrators, anonymous."""
    return getattr(user, "trader", None) if user.is_authenticated else None


def declarations_of_company(user, *, as_client: bool = True) -> QuerySet[Declaration]:
    """The declarations the user's trading company reads, newest first (none for
    non-traders): its own (lodged by it, as declarant, for itself or as a broker for its
    clients) and, with ``as_client``, those a broker lodged for it
    (``brokers.RepresentedDeclaration``)."""
    trader = trader_of(user)
    if trader is None:
        return Declaration.objects.none()
    mine = Q(company_id=trader.company_id)
    if as_client:
        mine |= Q(representation__client_id=trader.company_id)
    return Declaration.objects.filter(mine).order_by("-created_at", "-pk")


def access_declaration(
    user, pk: int, *, lock: bool = False, as_client: bool = False
) -> Declaration:
    """The declaration ``pk`` if the user's company lodged it; ``Http404`` otherwise.

    ``as_client=True`` (reads only) also gives a declaration a broker lodged for the
    user's company: the client reads it, the broker who lodged it acts on it (answers,
    documents, cancellation). Another company's declaration answers 404, not 403, so its
    existence is not disclosed. ``lock=True`` takes a row lock (call inside
    ``transaction.atomic``).
    """
    queryset = declarations_of_company(user, as_client=as_client)
    if lock:
        queryset = queryset.select_for_update(no_key=True)
    declaration = queryset.filter(pk=pk).first()
    if declaration is None:
        raise Http404("No such declaration")
    return declaration


def access_declaration_by_mrn(user, mrn: str, *, lock: bool = False) -> Declaration:
    """The declaration with ``mrn`` (WCO DM D014, as issued: upper case) if the user's
    company lodged it, as ``access_declaration`` (which it calls: one permission rule);
    ``Http404`` otherwise, alike whether another company's or nobody's."""
    pk = (
        declarations_of_company(user, as_client=False)
        .filter(mrn=mrn.strip().upper())
        .values_list("pk", flat=True)
        .first()
        if mrn.strip()
        else None
    )
    if pk is None:
        raise Http404("No declaration of yours has this MRN")
    return access_declaration(user, pk, lock=lock)


def declaration_history(declaration: Declaration) -> QuerySet[StatusEvent]:
    """Status events of the declaration the trader reads, oldest first, with the acting
    user (not the agencies' internal queue events: ``AGENCY_INTERNAL_KINDS``)."""
    return (
        declaration.events.exclude(kind__in=AGENCY_INTERNAL_KINDS)
        .select_related("actor")
        .order_by("at", "pk")
    )


def declaration_versions(declaration: Declaration) -> list[DeclarationVersion]:
    """The lodged versions, oldest first; a declaration never amended has its original
    as version 1 (not stored until an amendment keeps it)."""
    versions = list(declaration.versions.select_related("created_by").order_by("number"))
    if versions or not declaration.submitted_at:
        return versions
    from .amendments import item_snapshot

    return [
        DeclarationVersion(
            declaration=declaration,
            number=1,
            function_code=ORIGINAL_FUNCTION_CODE,
            document=declaration.document,
            items=item_snapshot(declaration.items.all()),
            created_by=declaration.created_by,
            created_at=declaration.submitted_at,
        )
    ]
