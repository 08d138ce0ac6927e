"""Stage 2 of declaration validation: code lists and business rules.

Runs on the canonical document of stage 1 (``datamodel.validation``) and looks only at
values that passed stage 1, so no field is reported twice. Each rule is a small function
``rule(ctx)`` whose docstring names its source; ``RULES`` lists them in the order they run.
A rule reports at most once per field, and an error it reports hides the field from the
rules after it (an LRN in a bad format is not also looked up for duplicates).

Rules apply where the data is present: none demands an element the WCO schema leaves
optional, except where noted (LRN; declaration type, and the office of exit on exports,
both on original declarations), each of which every accepted sample declaration carries.

Decisions:

- Original declarations (``FunctionCode`` 9) must be complete; requests (13: amendment,
  cancellation; 14) carry only what they change, so the goods item count, numbering and
  presence, the declaration type and the exit office are checked on originals only.
- Code lists are chosen by the validation day (``today``); a list with no version in force
  that day is not checked. A list marked incomplete (national codes missing from the copied
  data) gives a *warning* for an unknown code, a complete one an *error*.
- An amount without ``currencyID`` takes the declaration's currency (``InvoiceAmount``'s,
  else the first ``CurrencyExchange``); with neither it is an error: nothing can be valued.
- Customs value vs invoice: compared only when every goods item has a customs value and
  all are in the invoice currency; a difference of more than 0.01 per goods item (rounding
  of item values) is an error. Different currencies only give a warning: there are no
  exchange rates here.
- Incoterms: the 11 rules of Incoterms 2020 pass; an older or "other" delivery term still
  in the customs list (DAT, DAF, DDU, DEQ, DES, XXX) is a warning; anything else an error.
- Package counts may be 0 (bulk and unpacked goods; accepted samples do so); masses and the
  tariff quantity must be above 0; no amount may be negative.
- The exit date (WCO 024) may lie ahead (pre-lodged exports); other dates may not.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from datamodel.codelists import (
    code_prefixes,
    codes_by_prefix,
    iso_countries,
    iso_currencies,
    load_code_list,
)
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.validation import Leaf, Parts, Structure, issue_at, message, parse_datetime

DECLARATION = "Declaration"
ITEMS: Parts = (DECLARATION, "GoodsShipment", "GovernmentAgencyGoodsItem")
LRN: Parts = (DECLARATION, "FunctionalReferenceID")
TYPE_CODE: Parts = (DECLARATION, "TypeCode")
FUNCTION_CODE: Parts = (DECLARATION, "FunctionCode")
INVOICE_AMOUNT: Parts = (DECLARATION, "InvoiceAmount")
EXIT_OFFICE_ID: Parts = (DECLARATION, "ExitOffice", "ID")

REQUEST_FUNCTION_CODES = frozenset({"13", "14"})
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
        """An original declaration, not a request to amend or cancel one."""
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


def country_codes_exist(ctx: RuleContext) -> None:
    """Country codes are ISO 3166-1 alpha-2 (``pycountry``) or customs user-assigned codes.

    Source: WCO DM 242, 064, T014, 465, 062 ("EDIFACT 3207 = ISO 3166-1 2-alpha code"); the
    customs country list (``codelists/countries``) adds the EU geonomenclature codes XC, XK,
    XL, XS and the continental shelf sectors Z*.
    """
    for wco_id in COUNTRY_IDS:
        for leaf in ctx.leaves(wco_id):
            if not is_country(leaf.value or ""):
                ctx.report(
                    IssueCode.UNKNOWN_COUNTRY,
                    leaf.parts,
                    message(
                        _("%(code)s is not a country code (ISO 3166-1 alpha-2, e.g. DE)."),
                        code=leaf.value,
                    ),
                )


def origin_country_exists(ctx: RuleContext) -> None:
    """The country of origin is a country code or the region code EU.

    Source: WCO DM 063 (an..4, "ISO 3166-1 2-alpha code"); UCC Annex B DE 5/15-5/16 allow
    "EU" where the origin is the European Union.
    """
    for leaf in ctx.leaves(ORIGIN_COUNTRY_ID):
        code = leaf.value or ""
        if code not in ORIGIN_REGIONS and not is_country(code):
            ctx.report(
                IssueCode.UNKNOWN_COUNTRY,
                leaf.parts,
                message(
                    _("%(code)s is not a country of origin (ISO 3166-1 alpha-2, or EU)."),
                    code=code,
                ),
            )


def currencies_exist(ctx: RuleContext) -> None:
    """Currencies are ISO 4217 codes (``pycountry``).

    Source: WCO DM 135 and the ``currencyID`` of every amount ("ISO 4217 3-alpha code").
    """
    currencies = iso_currencies()
    found: list[tuple[Parts, str]] = [
        (leaf.parts, leaf.value or "") for leaf in ctx.leaves(CURRENCY_ID)
    ]
    for leaf in ctx.structure.leaves.get("amount", ()):
        if leaf.attribute is not None:
            found.append(((*leaf.parts, "currencyID"), leaf.attribute))
    for parts, code in found:
        if code not in currencies:
            ctx.report(
                IssueCode.UNKNOWN_CURRENCY,
                parts,
                message(_("%(code)s is not a currency code (ISO 4217, e.g. EUR)."), code=code),
            )


def amounts_have_currency(ctx: RuleContext) -> None:
    """Every amount has a currency: its own ``currencyID`` or the declaration's.

    Source: UCC Annex B DE 4/10 (invoice currency) and 4/14-4/17: amounts are declared in
    a currency; WCO DM ``udt:AmountType`` carries it as ``currencyID``.
    """
    if ctx.header_currency() is not None:
        return
    for leaf in ctx.leaves("amount"):
        if leaf.attribute is None and not ctx.attribute_failed(leaf.parts, "currencyID"):
            ctx.report(
                IssueCode.CURRENCY_MISSING,
                leaf.parts,
                message(
                    _("%(field)s has no currency: give its currencyID or an invoice currency."),
                    field=leaf.spec.name,
                ),
            )


def masses_in_kilograms(ctx: RuleContext) -> None:
    """Masses are in kilograms: a ``unitCode``, when given, must be KGM.

    Source: UCC Annex B DE 6/1, 6/5 (net and gross mass "expressed in kilograms"); WCO DM
    126, 128, 131; UN/ECE Recommendation 20 code KGM.
    """
    for wco_id in MASS_IDS:
        for leaf in ctx.leaves(wco_id):
            if leaf.attribute is not None and leaf.attribute != KILOGRAM:
                ctx.report(
                    IssueCode.WRONG_UNIT,
                    (*leaf.parts, "unitCode"),
                    message(
                        _("Masses are in kilograms: use unit KGM, not %(unit)s."),
                        unit=leaf.attribute,
                    ),
                )


def unit_codes_exist(ctx: RuleContext) -> None:
    """Units of measures and quantities are in the tariff's unit list.

    Source: UN/ECE Recommendation 20 codes as used by the tariff, with national qualifiers
    (``codelists/units``, HMRC); masses are checked by ``masses_in_kilograms``.
    """
    units = ctx.codes("units")
    if units is None:
        return
    for kind in ("measure", "quantity"):
        for leaf in ctx.structure.leaves.get(kind, ()):
            if leaf.attribute is None or leaf.spec.pointer_id in MASS_IDS:
                continue
            if leaf.attribute not in units:
                ctx.report(
                    IssueCode.UNKNOWN_CODE,
                    (*leaf.parts, "unitCode"),
                    message(
                        _("%(unit)s is not a unit of measurement of the tariff."),
                        unit=leaf.attribute,
                    ),
                    _unknown_severity(ctx, "units"),
                )


# -- quantities and masses -------------------------------------------------------------------


def masses_and_quantities_positive(ctx: RuleContext) -> None:
    """Masses and the tariff quantity are above zero.

    Source: UCC Annex B DE 6/1, 6/2, 6/5 (net mass, supplementary units, gross mass of
    goods that are declared). Package counts are not included: 0 is declared for bulk and
    unpacked goods.
    """
    for wco_id in POSITIVE_IDS:
        for leaf in ctx.leaves(wco_id):
            if Decimal(leaf.value or "0") <= 0:
                ctx.report(
                    IssueCode.NOT_POSITIVE,
                    leaf.parts,
                    message(
                        _("%(field)s must be more than 0; %(value)s was given."),
                        field=leaf.spec.name,
                        value=leaf.value,
                    ),
                )


def amounts_not_negative(ctx: RuleContext) -> None:
    """No amount is negative (deductions are declared as positive amounts of their kind).

    Source: WCO DM amounts (``udt:AmountType``) of the declaration: values, prices, taxes and
    charges; UCC Annex B DE 4/9 declares deductions by type code, not by sign.
    """
    for leaf in ctx.leaves("amount"):
        if Decimal(leaf.value or "0") < 0:
            ctx.report(
                IssueCode.NOT_POSITIVE,
                leaf.parts,
                message(
                    _("%(field)s must not be negative; %(value)s was given."),
                    field=leaf.spec.name,
                    value=leaf.value,
                ),
            )


def gross_mass_not_below_net(ctx: RuleContext) -> None:
    """On each goods item the gross mass is at least the net mass.

    Source: UCC Annex B DE 6/1 (net mass, without packaging) and 6/5 (gross mass, with
    packaging); WCO DM 126 and 128.
    """
    nets = {leaf.parts[3]: leaf for leaf in ctx.item_leaves(NET_MASS_ID)}
    for gross in ctx.item_leaves(GROSS_MASS_ID):
        net = nets.get(gross.parts[3])
        if net is None or not {gross.attribute, net.attribute} <= {None, KILOGRAM}:
            continue
        if Decimal(gross.value or "0") < Decimal(net.value or "0"):
            ctx.report(
                IssueCode.GROSS_BELOW_NET,
                gross.parts,
                message(
                    _("Gross mass (%(gross)s kg) is less than net mass (%(net)s kg)."),
                    gross=gross.value,
                    net=net.value,
                ),
            )


# -- classification --------------------------------------------------------------------------


def hs_codes_valid(ctx: RuleContext) -> None:
    """Commodity codes are 6, 8 or 10 digits whose first 6 are an HS subheading in force.

    Source: WCO DM 145 with classification type HS or TSP (Combined Nomenclature) or none;
    the Harmonized System nomenclature in force on the validation day (``codelists/hs``:
    HS 2022, then HS 2028 from 2028-01-01 once its data is added).
    """
    subheadings = ctx.codes("hs")
    kinds = {leaf.parts[:-1]: leaf.value for leaf in ctx.leaves(CLASSIFICATION_TYPE)}
    for leaf in ctx.leaves(CLASSIFICATION_ID):
        classification = leaf.parts[:-1]
        kind = kinds.get(classification)
        if kind is None and (*classification, CLASSIFICATION_TYPE) in ctx.structure.failed:
            continue
        if kind is not None and kind not in HS_CLASSIFICATION_TYPES:
            continue
        code = leaf.value or ""
        if not code.isdigit() or not code.isascii() or len(code) not in HS_CODE_LENGTHS:
            ctx.report(
                IssueCode.BAD_HS_CODE,
                leaf.parts,
                message(
                    _("Commodity code %(code)s must have 6, 8 or 10 digits and nothing else."),
                    code=code,
                ),
            )
        elif subheadings is not None and code[:6] not in subheadings:
            heading = code[:4]
            divided = codes_by_prefix(subheadings, 4).get(heading, ())
            if code[4:6] == "00" and divided:
                # "xxxx00" is how an undivided heading is declared. The HS in force divides
                # this heading, so the code comes from an earlier edition (e.g. 9702.00 of
                # HS 2017, split in HS 2022): customs accept it in the transition, with a
                # warning naming the subheadings to use. No earlier edition's data is here.
                ctx.report(
                    IssueCode.UNKNOWN_HS_CODE,
                    leaf.parts,
                    message(
                        _(
                            "Commodity code %(code)s: heading %(heading)s is divided into "
                            "subheadings %(subheadings)s in the Harmonized System in force; "
                            "declare one of them."
                        ),
                        code=code,
                        heading=heading,
                        subheadings=", ".join(divided),
                    ),
                    Severity.WARNING,
                )
                continue
            ctx.report(
                IssueCode.UNKNOWN_HS_CODE,
                leaf.parts,
                message(
                    _(
                        "Commodity code %(code)s: %(subheading)s is not a subheading of the "
                        "Harmonized System in force."
                    ),
                    code=code,
                    subheading=code[:6],
                ),
            )


# -- header codes ----------------------------------------------------------------------------


def incoterm_known(ctx: RuleContext) -> None:
    """The delivery terms are an Incoterms 2020 rule.

    Source: ICC Incoterms 2020 (``codelists/incoterms``); WCO DM 090; the customs list of
    delivery terms (``codelists/delivery-terms``, UCC Annex B DE 4/1) still accepts terms of
    earlier editions and XXX (other), which give a warning here.
    """
    incoterms = ctx.codes("incoterms")
    delivery_terms = ctx.codes("delivery-terms") or frozenset()
    if incoterms is None:
        return
    for leaf in ctx.leaves(INCOTERM_ID):
        code = leaf.value or ""
        if code in incoterms:
            continue
        if code in delivery_terms:
            ctx.report(
                IssueCode.UNKNOWN_INCOTERM,
                leaf.parts,
                message(
                    _("%(code)s is not an Incoterms 2020 rule; check the delivery terms."),
                    code=code,
                ),
                Severity.WARNING,
            )
        else:
            ctx.report(
                IssueCode.UNKNOWN_INCOTERM,
                leaf.parts,
                message(
                    _(
                        "%(code)s is not an Incoterms rule (EXW, FCA, CPT, CIP, DAP, DPU, DDP, "
                        "FAS, FOB, CFR, CIF)."
                    ),
                    code=code,
                ),
            )


def lrn_required(ctx: RuleContext) -> None:
    """A declaration has an LRN, the trader's own reference.

    Source: UCC Annex B DE 2/5 (LRN); WCO DM D026 (optional in the schema, required by the
    portal, which files declarations by LRN; every sample declaration has one).
    """
    if ctx.get(LRN) is None and LRN not in ctx.structure.failed:
        ctx.report(
            IssueCode.REQUIRED,
            LRN,
            _("The LRN (your reference for this declaration) is required."),
        )


def lrn_format(ctx: RuleContext) -> None:
    """The LRN is 1-35 letters, digits, spaces and ``_./-``, with a letter or digit.

    Source: WCO DM D026 (an..35); the portal keeps LRNs printable and unambiguous.
    """
    lrn = ctx.value(LRN)
    if lrn is None:
        return
    if not LRN_RE.fullmatch(lrn) or not any(c.isalnum() for c in lrn):
        ctx.report(
            IssueCode.BAD_LRN,
            LRN,
            _(
                "The LRN may contain only letters, digits, spaces and _ . / - and must "
                "contain a letter or digit."
            ),
        )


def lrn_national_length(ctx: RuleContext) -> None:
    """The LRN of a declaration has at most 22 characters.

    Source: UCC Annex B DE 2/5 / CDS (an..22); customs rejected a 25-character LRN with
    DMS10010 at 42A/D026 (``rejections/Exports/Rejected Format``). Requests (FunctionCode 13)
    carry their own reference, which accepted samples show is not held to 22.
    """
    lrn = ctx.value(LRN)
    if lrn is None or not ctx.is_original() or len(lrn) <= NATIONAL_LRN_MAX_LENGTH:
        return
    ctx.report(
        IssueCode.BAD_LRN,
        LRN,
        message(
            _("The LRN has %(count)s characters; a declaration's LRN has at most %(max)s."),
            count=len(lrn),
            max=NATIONAL_LRN_MAX_LENGTH,
        ),
    )


def lrn_unique(ctx: RuleContext) -> None:
    """The LRN is not used by another declaration of the same company.

    Source: UCC Annex B DE 2/5 ("unique to the transaction"); the check itself is the
    ``lrn_taken`` callable the declarations app passes in.
    """
    lrn = ctx.value(LRN)
    if lrn is not None and ctx.lrn_taken is not None and ctx.lrn_taken(lrn):
        ctx.issues.append(duplicate_lrn_issue(lrn))
        ctx.structure.failed.add(LRN)


def declaration_type_known(ctx: RuleContext) -> None:
    """An original declaration's type is IM, EX or CO plus an additional declaration type.

    Source: WCO DM D013 = UCC Annex B DE 1/1 (``codelists/declaration-types``) followed by
    DE 1/2 (``codelists/additional-declaration-types``: A-F, X-Z, and the CDS types J, K
    and Q). Requests (FunctionCode 13) name their own type (COR, INV...), not checked here.
    """
    if not ctx.is_original():
        return
    type_code = ctx.value(TYPE_CODE)
    if type_code is None:
        if TYPE_CODE not in ctx.structure.failed:
            ctx.report(
                IssueCode.REQUIRED,
                TYPE_CODE,
                _("The declaration type (e.g. IMA: import, standard) is required."),
            )
        return
    movements = ctx.codes("declaration-types")
    additional = ctx.codes("additional-declaration-types")
    if movements is None or additional is None:
        return
    if len(type_code) != 3 or type_code[:2] not in movements or type_code[2] not in additional:
        ctx.report(
            IssueCode.UNKNOWN_CODE,
            TYPE_CODE,
            message(
                _(
                    "%(code)s is not a declaration type: IM, EX or CO followed by an additional "
                    "declaration type (%(types)s)."
                ),
                code=type_code,
                types=", ".join(sorted(additional)),
            ),
        )


def exit_office_required_on_export(ctx: RuleContext) -> None:
    """An export declaration names its customs office of exit.

    Source: UCC Annex B DE 5/12 (mandatory for export); customs rejected an export without
    it with DMS10001 (``rejections/Exports/Rejected Obligation``); WCO DM G005.
    """
    type_code = ctx.value(TYPE_CODE)
    if not ctx.is_original() or type_code is None or not type_code.startswith("EX"):
        return
    if ctx.get(EXIT_OFFICE_ID) is None and not _failed_at_or_below(ctx, EXIT_OFFICE_ID[:2]):
        ctx.report(
            IssueCode.REQUIRED,
            EXIT_OFFICE_ID,
            _("An export declaration needs the customs office of exit."),
        )


def _failed_at_or_below(ctx: RuleContext, parts: Parts) -> bool:
    return any(p[: len(parts)] == parts for p in ctx.structure.failed)


def _items_damaged(ctx: RuleContext) -> bool:
    """The goods item list itself, or one of its entries as a whole, was refused (wrong
    type, too many): counting the items would then mislead."""
    depth = len(ITEMS) + 1
    return any(len(p) <= depth and p[: len(ITEMS)] == ITEMS for p in ctx.structure.failed)


def offices_known(ctx: RuleContext) -> None:
    """Customs office codes are in the customs office lists.

    Source: WCO DM 065, G012, G014, G015 (``codelists/customs-offices``) and G005
    (``codelists/exit-offices``), HMRC reference data. The lists hold one administration's
    offices: an office of another country (another 2-letter prefix) is only checked for a
    known country prefix.
    """
    for wco_id, list_name in OFFICE_LISTS.items():
        offices = ctx.codes(list_name)
        if offices is None:
            continue
        prefixes = code_prefixes(offices)
        for leaf in ctx.leaves(wco_id):
            code = leaf.value or ""
            if code in offices or (code[:2] not in prefixes and is_country(code[:2])):
                continue
            ctx.report(
                IssueCode.UNKNOWN_CODE,
                leaf.parts,
                message(_("%(code)s is not a known customs office."), code=code),
                _unknown_severity(ctx, list_name),
            )


def goods_location_known(ctx: RuleContext) -> None:
    """A goods location coded by UN/LOCODE (qualifier U) is in the goods location list.

    Source: UCC Annex B DE 5/23: country + location type + qualifier + identifier;
    ``codelists/goods-locations`` (HMRC; incomplete, so an unknown code is a warning).
    Locations of countries the list does not cover, and other qualifiers, are not checked.
    """
    locations = ctx.codes("goods-locations")
    if locations is None:
        return
    prefixes = code_prefixes(locations)
    for leaf in ctx.leaves(GOODS_LOCATION_NAME_ID):
        location = leaf.parts[:-1]
        country = ctx.value((*location, "Address", "CountryCode"))
        kind = ctx.value((*location, "TypeCode"))
        qualifier = ctx.value((*location, "Address", "TypeCode"))
        identifier = ctx.value((*location, "ID")) or leaf.value
        if qualifier != "U" or country not in prefixes or kind is None:
            continue
        code = f"{country}{kind}{qualifier}{identifier}"
        if code not in locations:
            ctx.report(
                IssueCode.UNKNOWN_CODE,
                leaf.parts,
                message(_("%(code)s is not a known goods location."), code=code),
                _unknown_severity(ctx, "goods-locations"),
            )


# -- goods items -----------------------------------------------------------------------------


def goods_items_present(ctx: RuleContext) -> None:
    """An original declaration has at least one goods item.

    Source: UCC Annex B DE 1/9 (total number of items, at least 1); WCO DM 68A.
    """
    if ctx.is_original() and not ctx.goods_items() and not _items_damaged(ctx):
        ctx.report(
            IssueCode.NO_GOODS_ITEMS,
            ITEMS,
            _("The declaration has no goods items: declare at least one."),
        )


# Additional declaration types (UCC Annex B DE 1/2, third character of WCO DM D013) whose
# goods items carry the full data set: standard declarations (A, D) and supplementary ones
# (X, Y, Z). Simplified and frontier types (B, C, E, F and the national J, K, Q) may leave
# the commodity code, description or mass to the supplementary declaration.
FULL_DATA_SET_TYPES = frozenset("ADXYZ")
ITEM_COMMODITY_CODE: Parts = ("Commodity", "Classification", 0, "ID")
ITEM_DESCRIPTION: Parts = ("Commodity", "Description")
ITEM_GROSS_MASS: Parts = ("Commodity", "GoodsMeasure", "GrossMassMeasure")


def _has_hs_code(item: dict[str, Any]) -> bool:
    commodity = item.get("Commodity")
    classifications = commodity.get("Classification") if isinstance(commodity, dict) else None
    if not isinstance(classifications, list):
        return False
    for classification in classifications:
        if not isinstance(classification, dict) or classification.get("ID") in (None, ""):
            continue
        kind = classification.get(CLASSIFICATION_TYPE)
        if isinstance(kind, dict):
            kind = kind.get("value")
        if kind in (None, "") or kind in HS_CLASSIFICATION_TYPES:
            return True
    return False


def full_data_set_items_complete(ctx: RuleContext) -> None:
    """Each goods item of a standard or supplementary declaration has a commodity code, a
    description of the goods and its gross mass: routing to the agencies and every check
    on the goods rest on them.

    Source: UCC Annex B DE 6/14 (commodity code), 6/8 (description), 6/5 (gross mass), all
    required in the standard and supplementary data sets (columns H1, B1, and the
    supplementary columns); WCO DM 145, 137, 126. Every accepted sample of these types has
    them.
    """
    type_code = ctx.value(TYPE_CODE)
    if not ctx.is_original() or type_code is None or type_code[2:3] not in FULL_DATA_SET_TYPES:
        return
    if _items_damaged(ctx):
        return
    for index, item in enumerate(ctx.goods_items()):
        if not isinstance(item, dict):
            continue
        here = (*ITEMS, index)
        if not _has_hs_code(item) and not _failed_at_or_below(ctx, (*here, "Commodity")):
            ctx.report(
                IssueCode.REQUIRED,
                (*here, *ITEM_COMMODITY_CODE),
                message(_("Goods item %(n)s needs its HS code (commodity code)."), n=index + 1),
            )
        description = ctx.value((*here, *ITEM_DESCRIPTION))
        if not description and not _failed_at_or_below(ctx, (*here, *ITEM_DESCRIPTION)):
            ctx.report(
                IssueCode.REQUIRED,
                (*here, *ITEM_DESCRIPTION),
                message(_("Goods item %(n)s needs a description of the goods."), n=index + 1),
            )
        if ctx.get((*here, *ITEM_GROSS_MASS)) is None and not _failed_at_or_below(
            ctx, (*here, *ITEM_GROSS_MASS)
        ):
            ctx.report(
                IssueCode.REQUIRED,
                (*here, *ITEM_GROSS_MASS),
                message(_("Goods item %(n)s needs its gross mass in kg."), n=index + 1),
            )


ITEM_DUTY_TAX_FEE: Parts = ("Commodity", "DutyTaxFee")
ITEM_NET_MASS: Parts = ("Commodity", "GoodsMeasure", "NetNetWeightMeasure")


def net_mass_where_duties_are_declared(ctx: RuleContext) -> None:
    """An import goods item that declares duties and taxes (DutyTaxFee) gives its net mass:
    specific duties and the statistics are assessed on the net mass in kg.

    Source: UCC Annex B DE 6/1 (net mass) and DE 4/3-4/4 (calculation of taxes); WCO DM 128
    and 50A; customs rejected an import item with duties and no net mass with DMS10001
    (``rejections/Imports/Rejected/Obligation Rejection``), and every accepted sample import
    item with duties has one.
    """
    type_code = ctx.value(TYPE_CODE)
    if not ctx.is_original() or type_code is None or not type_code.startswith("IM"):
        return
    if _items_damaged(ctx):
        return
    for index in range(len(ctx.goods_items())):
        here = (*ITEMS, index)
        if ctx.get((*here, *ITEM_DUTY_TAX_FEE)) is None:
            continue
        if ctx.get((*here, *ITEM_NET_MASS)) is None and not _failed_at_or_below(
            ctx, (*here, *ITEM_NET_MASS)
        ):
            ctx.report(
                IssueCode.REQUIRED,
                (*here, *ITEM_NET_MASS),
                message(
                    _("Goods item %(n)s declares duties and taxes: give its net mass in kg."),
                    n=index + 1,
                ),
            )


def goods_item_count_matches(ctx: RuleContext) -> None:
    """The total number of items equals the number of goods items declared.

    Source: UCC Annex B DE 1/9; WCO DM 228 and 68A.
    """
    parts = (DECLARATION, "GoodsItemQuantity")
    declared = ctx.value(parts)
    if declared is None or not ctx.is_original() or _items_damaged(ctx):
        return
    count = len(ctx.goods_items())
    if Decimal(declared) != count:
        ctx.report(
            IssueCode.ITEM_COUNT_MISMATCH,
            parts,
            message(
                _(
                    "The total number of items is %(declared)s but %(count)s goods items are "
                    "declared."
                ),
                declared=declared,
                count=count,
            ),
        )


def goods_items_numbered(ctx: RuleContext) -> None:
    """Goods items are numbered 1 to n, each number once.

    Source: UCC Annex B DE 1/6 (goods item number, sequential from 1); WCO DM 006 of 68A.
    Customs rejected an item numbered 1000 with DMS10020 at 42A/67A/68A[1000]/006
    (``rejections/Imports/Rejected/Format Rejection``). The number is reported where it
    stands, and the order of the items does not matter.
    """
    if not ctx.is_original():
        return
    count = len(ctx.goods_items())
    seen: set[int] = set()
    for leaf in ctx.item_leaves(SEQUENCE_ID):
        if len(leaf.parts) != len(ITEMS) + 2:
            continue
        number = int(Decimal(leaf.value or "0"))
        if 1 <= number <= count and number not in seen:
            seen.add(number)
            continue
        problem = _("is used twice") if number in seen else _("is out of sequence")
        ctx.report(
            IssueCode.SEQUENCE_GAP,
            leaf.parts,
            message(
                _(
                    "Goods item number %(number)s %(problem)s: number the %(count)s goods items "
                    "1 to %(count)s, each number once."
                ),
                number=leaf.value,
                problem=problem,
                count=count,
            ),
        )


def procedure_codes_known(ctx: RuleContext) -> None:
    """Procedure codes: 2 characters from the procedure list, 3 from the additional list.

    Source: UCC Annex B DE 1/10 (requested procedure, 2 digits; ``codelists/procedure-codes``)
    and DE 1/11 (additional procedure, 3 characters; ``codelists/additional-procedure-codes``,
    incomplete, so an unknown one is a warning); WCO DM 166. Customs rejected procedure 99
    with DMS12050 at 42A/67A/68A[1]/70A/166 (``rejections/Imports/Rejected/Ref Data``).
    """
    requested = ctx.codes("procedure-codes")
    additional = ctx.codes("additional-procedure-codes")
    for leaf in ctx.leaves(PROCEDURE_ID):
        code = leaf.value or ""
        if len(code) == 2:
            if requested is not None and code not in requested:
                ctx.report(
                    IssueCode.UNKNOWN_CODE,
                    leaf.parts,
                    message(_("%(code)s is not a procedure code."), code=code),
                    _unknown_severity(ctx, "procedure-codes"),
                )
        elif len(code) == 3:
            if additional is not None and code not in additional:
                ctx.report(
                    IssueCode.UNKNOWN_CODE,
                    leaf.parts,
                    message(_("%(code)s is not a known additional procedure code."), code=code),
                    _unknown_severity(ctx, "additional-procedure-codes"),
                )
        else:
            ctx.report(
                IssueCode.UNKNOWN_CODE,
                leaf.parts,
                message(
                    _(
                        "%(code)s is neither a procedure code (2 characters) nor an additional "
                        "procedure code (3 characters)."
                    ),
                    code=code,
                ),
            )


def package_types_known(ctx: RuleContext) -> None:
    """Package types are UN/ECE Recommendation 21 codes.

    Source: UCC Annex B DE 6/9; WCO DM 141 ("UN/ECE Recommendation 21 Annex VI");
    ``codelists/package-types`` (HMRC).
    """
    packages = ctx.codes("package-types")
    if packages is None:
        return
    for leaf in ctx.leaves(PACKAGE_TYPE_ID):
        if leaf.value not in packages:
            ctx.report(
                IssueCode.UNKNOWN_CODE,
                leaf.parts,
                message(_("%(code)s is not a package type (UN/ECE Rec. 21)."), code=leaf.value),
                _unknown_severity(ctx, "package-types"),
            )


def document_codes_known(ctx: RuleContext) -> None:
    """A goods item's documents have a known code: category letter + type.

    Source: UCC Annex B DE 2/3 (documents produced, certificates and authorisations; UN/EDIFACT
    1001 based codes); WCO DM D031 + D006; ``codelists/document-codes`` (HMRC; incomplete,
    so an unknown code is a warning).
    """
    documents = ctx.codes("document-codes")
    if documents is None:
        return
    # The category of each document, by the document's path: what ctx.value of its
    # CategoryCode gives, without a walk from the top per document.
    categories = {
        leaf.parts[:-1]: leaf.value
        for leaf in ctx.leaves(DOCUMENT_CATEGORY_ID)
        if leaf.parts[-1] == "CategoryCode"
    }
    for leaf in ctx.leaves(DOCUMENT_TYPE_ID):
        if leaf.parts[: len(ITEMS)] != ITEMS or leaf.parts[-3] != "AdditionalDocument":
            continue
        category = categories.get(leaf.parts[:-1]) or ""
        code = f"{category}{leaf.value}"
        if code not in documents:
            ctx.report(
                IssueCode.UNKNOWN_CODE,
                leaf.parts,
                message(_("%(code)s is not a known document code."), code=code),
                _unknown_severity(ctx, "document-codes"),
            )


# -- values and dates ------------------------------------------------------------------------


def customs_value_matches_invoice(ctx: RuleContext) -> None:
    """The goods items' customs values add up to the invoice amount.

    Source: UCC Annex B DE 4/11 (total amount invoiced) and 4/14/WCO DM 108 (item customs
    value); WCO DM 109. Compared only when every goods item has a value in the invoice
    currency, allowing 0.01 per item for rounding.
    """
    invoice = ctx.value(INVOICE_AMOUNT)
    items = ctx.goods_items()
    if invoice is None or not items:
        return
    invoice_currency = ctx.header_currency()
    if invoice_currency is None or _items_damaged(ctx):
        return  # no currency, or a refused one, or items refused: reported by other rules
    values = [leaf for leaf in ctx.item_leaves(CUSTOMS_VALUE_ID) if len(leaf.parts) == 5]
    if len(values) != len(items):
        return
    total = sum((Decimal(leaf.value or "0") for leaf in values), Decimal(0))
    currencies = {leaf.attribute or invoice_currency for leaf in values}
    if currencies != {invoice_currency}:
        ctx.report(
            IssueCode.CURRENCY_MISMATCH,
            INVOICE_AMOUNT,
            message(
                _(
                    "The invoice is in %(invoice)s but goods items are valued in %(items)s: "
                    "the totals cannot be compared."
                ),
                invoice=invoice_currency,
                items=", ".join(sorted(c or "?" for c in currencies)),
            ),
            Severity.WARNING,
        )
        return
    if abs(total - Decimal(invoice)) > VALUE_TOLERANCE_PER_ITEM * len(items):
        ctx.report(
            IssueCode.VALUE_MISMATCH,
            INVOICE_AMOUNT,
            message(
                _(
                    "The invoice amount (%(invoice)s %(currency)s) differs from the sum of the "
                    "goods items' customs values (%(total)s %(currency)s)."
                ),
                invoice=invoice,
                total=format(total.normalize(), "f"),
                currency=invoice_currency or "",
            ),
        )


def dates_not_in_future(ctx: RuleContext) -> None:
    """Dates and date-times are not after the validation day.

    Source: WCO DM 023 (acceptance), D011 (issue), D015 (invoice), 276 (document effective
    date); a date-time with a zone is compared in UTC. The exit date (024) may lie ahead.
    """
    for leaf in ctx.leaves("datetime"):
        if leaf.spec.pointer_id == EXIT_DATE_ID:
            continue
        moment = parse_datetime(leaf.value or "")
        if moment is None:
            continue
        day = moment.astimezone(UTC).date() if moment.tzinfo else moment.date()
        if day > ctx.today:
            ctx.report(
                IssueCode.DATE_IN_FUTURE,
                leaf.parts,
                message(
                    _("%(field)s (%(date)s) is in the future."),
                    field=leaf.spec.name,
                    date=day.isoformat(),
                ),
            )


def duplicate_lrn_issue(lrn: str) -> Issue:
    """The ``DUPLICATE_LRN`` issue for ``lrn``, as the declarations app also raises it when a
    concurrent request took the LRN first."""
    return issue_at(
        IssueCode.DUPLICATE_LRN,
        LRN,
        message(
            _("Your company has already used the LRN %(lrn)s: give this declaration its own."),
            lrn=lrn,
        ),
    )


RULES: tuple[Callable[[RuleContext], None], ...] = (
    lrn_required,
    lrn_format,
    lrn_national_length,
    lrn_unique,
    declaration_type_known,
    exit_office_required_on_export,
    goods_items_present,
    full_data_set_items_complete,
    net_mass_where_duties_are_declared,
    goods_item_count_matches,
    goods_items_numbered,
    country_codes_exist,
    origin_country_exists,
    currencies_exist,
    amounts_have_currency,
    masses_in_kilograms,
    unit_codes_exist,
    masses_and_quantities_positive,
    amounts_not_negative,
    gross_mass_not_below_net,
    hs_codes_valid,
    incoterm_known,
    procedure_codes_known,
    package_types_known,
    document_codes_known,
    offices_known,
    goods_location_known,
    customs_value_matches_invoice,
    dates_not_in_future,
)


def check_rules(
    structure: Structure,
    *,
    today: date,
    lrn_taken: Callable[[str], bool] | None = None,
    rules: Iterable[Callable[[RuleContext], None]] = RULES,
) -> list[Issue]:
    """Stage 2: the issues the code lists and business rules find in ``structure.document``.

    ``structure`` must come from ``check_structure(..., watch=WATCH)`` with a document.
    """
    ctx = RuleContext(structure=structure, today=today, lrn_taken=lrn_taken)
    for rule in rules:
        rule(ctx)
    return ctx.issues
