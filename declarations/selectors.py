"""Reads on declarations, each with its permission check."""

from django.db.models import QuerySet
from django.http import Http404

from .models import AGENCY_INTERNAL_KINDS, Declaration, DeclarationVersion, StatusEvent


def trader_of(user):
    """The user's ``Trader`` profile, or ``None`` for officers, administrators, anonymous."""
    return getattr(user, "trader", None) if user.is_authenticated else None


def declarations_of_company(user) -> QuerySet[Declaration]:
    """The declarations of the user's trading company, newest first (none for non-traders)."""
    trader = trader_of(user)
    if trader is None:
        return Declaration.objects.none()
    return Declaration.objects.filter(company_id=trader.company_id).order_by("-created_at", "-pk")


def access_declaration(user, pk: int, *, lock: bool = False) -> Declaration:
    """The declaration ``pk`` if it belongs to the user's company; ``Http404`` otherwise.

    Another company's declaration answers 404, not 403, so its existence is not disclosed.
    ``lock=True`` takes a row lock (call inside ``transaction.atomic``).
    """
    queryset = declarations_of_company(user)
    if lock:
        queryset = queryset.select_for_update(no_key=True)
    declaration = queryset.filter(pk=pk).first()
    if declaration is None:
        raise Http404("No such declaration")
    return declaration


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
            function_code="9",
            document=declaration.document,
            items=item_snapshot(declaration.items.all()),
            created_by=declaration.created_by,
            created_at=declaration.submitted_at,
        )
    ]
