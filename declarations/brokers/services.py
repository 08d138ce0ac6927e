"""The representation rule on lodging (WCO DM R001/R002) and its record."""

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from datamodel.dictionary import json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode
from declarations.models import Company, Declaration

from .models import BrokerAuthorisation, Representation, RepresentedDeclaration

AGENT_FUNCTION = ("Declaration", "Agent", "FunctionCode")
IMPORTER_ID = ("Declaration", "GoodsShipment", "Importer", "ID")
EXPORTER_ID = ("Declaration", "Exporter", "ID")


def _at(document: Any, parts: tuple[str, ...]) -> str:
    node = document
    for part in parts:
        node = node.get(part) if isinstance(node, dict) else None
    return str(node).strip() if node is not None else ""


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def represented_party(document: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    """Where the party the declarant lodges for is, and its EORI: the exporter (WCO DM
    R032) on an export (D013 starting EX), the importer (R038) otherwise."""
    type_code = _at(document, ("Declaration", "TypeCode"))
    parts = EXPORTER_ID if type_code.upper().startswith("EX") else IMPORTER_ID
    return parts, _at(document, parts)


def authorisation_in_force(
    broker: Company, client_eori: str, representation: str, on: date
) -> BrokerAuthorisation | None:
    """The authorisation of ``broker`` by the company ``client_eori`` for that
    representation (``Representation`` value) in force on ``on``, if any."""
    return (
        BrokerAuthorisation.objects.filter(
            broker=broker,
            client__eori__iexact=client_eori.strip(),
            representation=representation,
            valid_from__lte=on,
        )
        .filter(Q(valid_to=None) | Q(valid_to__gte=on))
        .select_related("client")
        .order_by("-valid_from", "pk")
        .first()
    )


def _issue(parts: tuple[str, ...], code: IssueCode, message: str) -> Issue:
    return Issue(code=code, pointer=wco_pointer(parts), path=json_pointer(parts), message=message)


def representation_check(
    company: Company, document: dict[str, Any], on: date
) -> tuple[list[Issue], BrokerAuthorisation | None]:
    """Whether ``company`` (the declarant) may lodge ``document`` for the party it names.

    A declarant lodges for itself (the importer, or on an export the exporter, is the
    company, or is not given: the datamodel's rules say whether it must be; or is a party
    that is no company of the portal), or as the
    representative of a client (UCC Art. 18; WCO DM R001/R002: ``Agent/FunctionCode`` 2
    direct, 3 indirect; DE 3/21): then the client must have authorised the company for
    that representation on the day of lodging (``BrokerAuthorisation``). Returns the
    issues (empty: allowed) and the authorisation used (``None``: on its own account).
    """
    parts, party = represented_party(document)
    if not party or _same(party, company.eori):
        return [], None
    function_code = _at(document, AGENT_FUNCTION)
    # A party that is no company of the portal is the declarant's business with customs,
    # whose register of representatives the portal does not hold (HMRC's samples lodge
    # for such parties, as direct representatives): accepted as before, and nobody else
    # reads it. A company of the portal is never named without its authorisation.
    if not Company.objects.filter(eori__iexact=party).exists():
        return [], None
    if function_code not in Representation.values:
        return [
            _issue(
                AGENT_FUNCTION,
                IssueCode.DECLARANT_NOT_SUBMITTER,
                _(
                    "You lodge for %(party)s: say how you represent it in Agent/FunctionCode "
                    "(2 direct, 3 indirect representation)."
                )
                % {"party": party},
            )
        ], None
    authorisation = authorisation_in_force(company, party, function_code, on)
    if authorisation is None:
        label = Representation(function_code).label
        return [
            _issue(
                parts,
                IssueCode.DECLARANT_NOT_SUBMITTER,
                _(
                    "%(party)s has not authorised your company (%(company)s) to act for it "
                    "(%(representation)s) today. Ask the client to have the authorisation "
                    "registered, or lodge for your own company."
                )
                % {"party": party, "company": company.eori, "representation": label},
            )
        ], None
    return [], authorisation


def representation_record(
    declaration: Declaration, authorisation: BrokerAuthorisation | None
) -> None:
    """Keep for whom a broker lodged ``declaration`` (in the lodging transaction), so the
    client's users read it; nothing for a declaration on the declarant's own account."""
    if authorisation is None:
        return
    RepresentedDeclaration.objects.update_or_create(
        declaration=declaration,
        defaults={
            "client": authorisation.client,
            "authorisation": authorisation,
            "representation": authorisation.representation,
        },
    )
