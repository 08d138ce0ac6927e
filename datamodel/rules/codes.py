"""Rules on codes: countries, currencies, units, HS codes, Incoterms, declaration types,
procedures, packages, documents, offices and goods locations, each against its code list."""

from django.utils.translation import gettext_lazy as _

from datamodel.codelists import (
    code_prefixes,
    codes_by_prefix,
    iso_currencies,
)
from datamodel.issues import IssueCode, Severity
from datamodel.rules.context import (
    CLASSIFICATION_ID,
    CLASSIFICATION_TYPE,
    COUNTRY_IDS,
    CURRENCY_ID,
    DOCUMENT_CATEGORY_ID,
    DOCUMENT_TYPE_ID,
    GOODS_LOCATION_NAME_ID,
    HS_CLASSIFICATION_TYPES,
    HS_CODE_LENGTHS,
    INCOTERM_ID,
    ITEMS,
    MASS_IDS,
    OFFICE_LISTS,
    ORIGIN_COUNTRY_ID,
    ORIGIN_REGIONS,
    PACKAGE_TYPE_ID,
    PROCEDURE_ID,
    TYPE_CODE,
    RuleContext,
    _unknown_severity,
    is_country,
)
from datamodel.validation import Parts, message


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
