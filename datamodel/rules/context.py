"""What the rules see (``RuleContext``), the WCO IDs they watch, and shared helpers."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from datamodel.codelists import (
    iso_countries,
    load_code_list,
)
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.messages import REQUEST_FUNCTION_CODES
from datamodel.validation import Leaf, Parts, Structure, issue_at

DECLARATION = "Declaration"
ITEMS: Parts = (DECLARATION, "GoodsShipment", "GovernmentAgencyGoodsItem")
LRN: Parts = (DECLARATION, "FunctionalReferenceID")
TYPE_CODE: Parts = (DECLARATION, "TypeCode")
FUNCTION_CODE: Parts = (DECLARATION, "FunctionCode")
INVOICE_AMOUNT: Parts = (DECLARATION, "InvoiceAmount")
EXIT_OFFICE_ID: Parts = (DECLARATION, "ExitOffice", "ID")

# WCO DM IDs of country codes: address (242), routing (064), nationality of the means of
# transport (T014), destination (465), exportation (062); origin (063) has its own rule.
COUNTRY_IDS = ("242", "064", "T014", "465", "062")
ORIGIN_COUNTRY_ID = "063"
# Region codes allowed as a country of origin (WCO 063 is an..4): the European Union.
ORIGIN_REGIONS = frozenset({"EU"})
CURRENCY_ID = "135"
MASS_IDS = ("126", "128", "131")  # gross item, net net item, total gross
KILOGRAM = "KGM"
POSITIVE_IDS = ("126", "128", "131", "130")  # masses and the tariff quantity
GROSS_MASS_ID, NET_MASS_ID = "126", "128"
CLASSIFICATION_ID = "145"
CLASSIFICATION_TYPE = "IdentificationTypeCode"  # no WCO ID: known by its name
SEQUENCE_ID = "006"
CUSTOMS_VALUE_ID = "108"
# Classification types that carry an HS-based commodity code: our own "HS" and the
# Combined Nomenclature "TSP" (8 digits, 10 with TARIC); a classification without a type
# is taken as HS. TRC/TRA (TARIC), GN (national) and CV (article number) are not HS codes.
HS_CLASSIFICATION_TYPES = frozenset({"HS", "TSP"})
HS_CODE_LENGTHS = frozenset({6, 8, 10})
INCOTERM_ID = "090"
PROCEDURE_ID = "166"
PACKAGE_TYPE_ID = "141"
DOCUMENT_TYPE_ID = "D006"
DOCUMENT_CATEGORY_ID = "D031"
OFFICE_LISTS = {
    "065": "customs-offices",  # office of declaration
    "G012": "customs-offices",  # supervising office
    "G014": "customs-offices",  # guarantee office
    "G015": "customs-offices",  # office of presentation
    "G005": "exit-offices",  # office of exit
}
GOODS_LOCATION_NAME_ID = "L016"
EXIT_DATE_ID = "024"
# UCC Annex B / CDS DE 2/5: the LRN is an..22 on a declaration.
NATIONAL_LRN_MAX_LENGTH = 22
LRN_RE = re.compile(r"[A-Za-z0-9 _./-]{1,35}")
VALUE_TOLERANCE_PER_ITEM = Decimal("0.01")

# The leaves stage 1 hands to these rules (by WCO ID or value kind).
WATCH = frozenset(
    {
        *COUNTRY_IDS,
        ORIGIN_COUNTRY_ID,
        CURRENCY_ID,
        *POSITIVE_IDS,
        CLASSIFICATION_ID,
        CLASSIFICATION_TYPE,
        SEQUENCE_ID,
        CUSTOMS_VALUE_ID,
        INCOTERM_ID,
        PROCEDURE_ID,
        PACKAGE_TYPE_ID,
        DOCUMENT_TYPE_ID,
        DOCUMENT_CATEGORY_ID,
        *OFFICE_LISTS,
        GOODS_LOCATION_NAME_ID,
        # datamodel.rules.quantities: tariff quantity, total gross mass, counts
        "130",
        "131",
        "144",
        "146",
        "228",
        "amount",
        "measure",
        "quantity",
        "datetime",
    }
)


@dataclass(slots=True)
class RuleContext:
    """What a rule sees: the stage 1 outcome, the validation day and the LRN check."""

    structure: Structure
    today: date
    lrn_taken: Callable[[str], bool] | None
    issues: list[Issue] = field(default_factory=list)
    # The code lists in force on ``today``, looked up once per validation (rules ask for
    # the same lists many times).
    _codes: dict[str, frozenset[str] | None] = field(default_factory=dict)

    def report(
        self, code: IssueCode, parts: Parts, text: str, severity: Severity = Severity.ERROR
    ) -> None:
        if severity == Severity.ERROR:
            self.structure.failed.add(parts)
        self.issues.append(issue_at(code, parts, text, severity))

    def leaves(self, key: str) -> list[Leaf]:
        """The leaves with WCO ID (or value kind) ``key`` whose value passed so far."""
        failed = self.structure.failed
        if not failed:  # the common case: no tuple to hash per leaf
            return [leaf for leaf in self.structure.leaves.get(key, ()) if leaf.value is not None]
        return [
            leaf
            for leaf in self.structure.leaves.get(key, ())
            if leaf.value is not None and leaf.parts not in failed
        ]

    def item_leaves(self, key: str) -> list[Leaf]:
        """The leaves ``key`` that belong to a goods item directly (not to a sub-element)."""
        depth = len(ITEMS) + 2
        return [
            leaf
            for leaf in self.leaves(key)
            if len(leaf.parts) >= depth and leaf.parts[: len(ITEMS)] == ITEMS
        ]

    def get(self, parts: Parts) -> Any:
        """The canonical element at ``parts``, ``None`` when absent or reported as wrong.

        A leaf may be a ``{"value": ..., attribute: ...}`` object (amounts and the like
        always, texts, codes and IDs when they carry XML attributes): rules read a leaf's
        value with ``value``, or from ``Structure.leaves``, whose values are plain texts."""
        node: Any = self.structure.document
        for part in parts:
            if type(part) is str:
                if type(node) is not dict:
                    return None
                node = node.get(part)
            elif type(node) is list and type(part) is int and part < len(node):
                node = node[part]
            else:
                return None
            if node is None:
                return None
        failed = self.structure.failed
        return None if failed and parts in failed else node

    def value(self, parts: Parts) -> str | None:
        """The value of the leaf at ``parts`` (``{"value": ...}`` unwrapped)."""
        node = self.get(parts)
        if isinstance(node, dict):
            node = node.get("value")
        return node if isinstance(node, str) else None

    def attribute(self, parts: Parts, name: str) -> str | None:
        """The attribute ``name`` of the leaf at ``parts``, if present and not wrong."""
        node = self.get(parts)
        if not isinstance(node, dict) or (*parts, name) in self.structure.failed:
            return None
        return node.get(name)

    def attribute_failed(self, parts: Parts, name: str) -> bool:
        return (*parts, name) in self.structure.failed

    def goods_items(self) -> list[dict[str, Any]]:
        items = self.get(ITEMS)
        return items if isinstance(items, list) else []

    def is_original(self) -> bool:
        """An original declaration, not a request referring to one (``datamodel.messages``)."""
        return self.value(FUNCTION_CODE) not in REQUEST_FUNCTION_CODES

    def codes(self, name: str) -> frozenset[str] | None:
        """The codes of list ``name`` in force on the validation day (``None``: none are)."""
        try:
            return self._codes[name]
        except KeyError:
            codes = self._codes[name] = load_code_list(name).codes_on(self.today)
            return codes

    def complete(self, name: str) -> bool:
        return load_code_list(name).complete

    def header_currency(self) -> str | None:
        """The declaration's currency: ``InvoiceAmount``'s, else the first exchange's."""
        currency = self.attribute(INVOICE_AMOUNT, "currencyID")
        if currency is None:
            currency = self.value((DECLARATION, "CurrencyExchange", 0, "CurrencyTypeCode"))
        return currency


def is_country(code: str) -> bool:
    """ISO 3166-1 alpha-2, or a user-assigned code customs use (EU geonomenclature)."""
    return code in _countries(iso_countries(), load_code_list("countries").versions[-1].codes)


@cache
def _countries(iso: frozenset[str], customs: frozenset[str]) -> frozenset[str]:
    # Keyed by the lists themselves, so that another code list folder gives another set.
    return iso | customs


def _unknown_severity(ctx: RuleContext, name: str) -> Severity:
    return Severity.ERROR if ctx.complete(name) else Severity.WARNING


# -- countries, currencies, units ------------------------------------------------------------


def _failed_at_or_below(ctx: RuleContext, parts: Parts) -> bool:
    return any(p[: len(parts)] == parts for p in ctx.structure.failed)


def _items_damaged(ctx: RuleContext) -> bool:
    """The goods item list itself, or one of its entries as a whole, was refused (wrong
    type, too many): counting the items would then mislead."""
    depth = len(ITEMS) + 1
    return any(len(p) <= depth and p[: len(ITEMS)] == ITEMS for p in ctx.structure.failed)
