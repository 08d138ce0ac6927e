"""What a routing rule looks at, and the checks that keep a rule from never matching.

``ItemFacts`` is one goods item as routing sees it, built from a stored declaration
(``declaration_item_facts``) or from what a trader asks about before filing
(``agencies.routing.requirements``): both then go through the one matching function
``agencies.services.routing.rule_matches``.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from datamodel.codelists import iso_currencies, load_code_list
from datamodel.items import shipment_controls
from datamodel.rules.context import is_country
from declarations.models import Declaration, GoodsItem

if TYPE_CHECKING:
    from ..models import RoutingRule

HS_PREFIX = re.compile(r"^\d{2,10}$")
PROCEDURE = re.compile(r"^\d{2}(\d{2})?$")
# DE 2/3: a category letter or digit and a three-character type (UK CDS Appendix 5).
DOCUMENT_CODE = re.compile(r"^[A-Z0-9]{4}$")
HS_SUBHEADING_DIGITS = 6


class DocumentStatus:
    """How a rule's document requirement stands on an item (``RoutingReason``)."""

    PRESENT = "present"  # the document's code is on the item
    EXEMPTED = "exempted"  # an exemption code of the rule is on the item
    MISSING = "missing"  # neither: the agency will ask for it


@dataclass(frozen=True)
class ItemFacts:
    """One goods item as routing rules see it (blank = not declared).

    ``hs_code``: digits (WCO 145); countries ISO 3166-1 alpha-2 (origin WCO 063, export
    062, destination 014); ``declaration_type``: DE 1/1; ``procedure_code``: DE 1/10
    requested + previous; ``customs_value`` in ``currency`` (WCO 108, ISO 4217);
    ``document_codes``: DE 2/3 codes on the item. ``item``: the stored goods item, ``None``
    for a question asked before filing.
    """

    hs_code: str
    origin_country: str = ""
    export_country: str = ""
    destination_country: str = ""
    declaration_type: str = ""
    procedure_code: str = ""
    customs_value: Decimal | None = None
    currency: str = ""
    document_codes: frozenset[str] = field(default_factory=frozenset)
    item: GoodsItem | None = field(default=None, compare=False)


def declaration_item_facts(
    declaration: Declaration, items: list[GoodsItem] | None = None
) -> list[ItemFacts]:
    """The routing facts of each goods item of a stored declaration, in item order: the
    item rows, plus what only the document holds (countries of export and destination,
    procedure, documents: ``datamodel.items.shipment_controls``)."""
    if items is None:
        items = list(declaration.items.order_by("sequence"))
    controls = shipment_controls(declaration.document)
    facts = []
    for item in items:
        item_controls = controls.items.get(item.sequence)
        facts.append(
            ItemFacts(
                hs_code=item.hs_code,
                origin_country=item.origin_country,
                export_country=controls.export_country,
                destination_country=controls.destination_country,
                declaration_type=declaration.type_code,
                procedure_code=item_controls.procedure_code if item_controls else "",
                customs_value=item.customs_value,
                currency=item.currency,
                document_codes=item_controls.document_codes if item_controls else frozenset(),
                item=item,
            )
        )
    return facts


def hs_codes_on(day: date) -> frozenset[str]:
    """The 6-digit HS subheadings in force on ``day`` (code list ``hs``: HS 2022, ...)."""
    return load_code_list("hs").codes_on(day) or frozenset()


def document_codes_known() -> frozenset[str]:
    """Every DE 2/3 document code of the code list ``document-codes`` (any version)."""
    codes: frozenset[str] = frozenset()
    for version in load_code_list("document-codes").versions:
        codes |= version.codes
    return codes


def _normalise(rule: "RoutingRule") -> None:
    # People type "61.09" or "0901 21" and "cn": keep the digits, upper-case the codes.
    rule.hs_prefix = re.sub(r"[\s.]", "", rule.hs_prefix or "")
    for name in ("origin_country", "export_country", "destination_country", "value_currency"):
        setattr(rule, name, (getattr(rule, name) or "").strip().upper())
    rule.procedure_code = (rule.procedure_code or "").strip()
    rule.document_code = (rule.document_code or "").strip().upper()
    rule.exemption_codes = ", ".join(sorted(rule.exemption_code_set()))


def rule_errors(rule: "RoutingRule") -> dict[str, str]:
    """Normalise ``rule`` in place and return ``{field: message}`` for every condition that
    can never match. Sources: HS prefix against the HS nomenclature in force on the rule's
    first day (code list ``hs``); countries against ISO 3166-1 and the customs
    user-assigned codes (``datamodel.rules.context.is_country``); procedure codes against
    code list ``procedure-codes`` (DE 1/10); currencies ISO 4217; document codes against
    code list ``document-codes`` (DE 2/3)."""
    _normalise(rule)
    errors: dict[str, str] = {}
    day = max(rule.valid_from or timezone.localdate(), timezone.localdate())
    if rule.hs_prefix:
        if not HS_PREFIX.match(rule.hs_prefix):
            errors["hs_prefix"] = _("Give 2 to 10 digits, e.g. 0901 or 610910.")
        else:
            head = rule.hs_prefix[:HS_SUBHEADING_DIGITS]
            if not any(code.startswith(head) for code in hs_codes_on(day)):
                errors["hs_prefix"] = _(
                    "No HS code in force on %(day)s starts with %(prefix)s: the rule would "
                    "never match."
                ) % {"day": day.isoformat(), "prefix": head}
    for name in ("origin_country", "export_country", "destination_country"):
        code = getattr(rule, name)
        if code and not is_country(code):
            errors[name] = _("%(code)s is not an ISO 3166-1 country code.") % {"code": code}
    if rule.procedure_code:
        procedures = load_code_list("procedure-codes").codes_on(day) or frozenset()
        if not PROCEDURE.match(rule.procedure_code):
            errors["procedure_code"] = _("Give 2 digits (e.g. 40) or 4 digits (e.g. 4000).")
        else:
            unknown = [
                part
                for part in (rule.procedure_code[:2], rule.procedure_code[2:])
                if part and part not in procedures
            ]
            if unknown:
                errors["procedure_code"] = _("%(codes)s is not a procedure code (DE 1/10).") % {
                    "codes": ", ".join(unknown)
                }
    if (rule.value_above is None) != (not rule.value_currency):
        field_name = "value_currency" if rule.value_above is not None else "value_above"
        errors[field_name] = _("Give both the amount and its currency, or neither.")
    elif rule.value_currency and rule.value_currency not in iso_currencies():
        errors["value_currency"] = _("%(code)s is not an ISO 4217 currency code.") % {
            "code": rule.value_currency
        }
    elif rule.value_above is not None and rule.value_above < 0:
        errors["value_above"] = _("The amount cannot be negative.")
    known = document_codes_known()
    if rule.document_code and rule.document_code not in known:
        errors["document_code"] = _("%(code)s is not a document code (DE 2/3).") % {
            "code": rule.document_code
        }
    unknown_exemptions = sorted(c for c in rule.exemption_code_set() if c not in known)
    if unknown_exemptions:
        errors["exemption_codes"] = _("Not document codes (DE 2/3): %(codes)s.") % {
            "codes": ", ".join(unknown_exemptions)
        }
    elif rule.requirement == "may_be_required" and not rule.exemption_codes:
        errors["exemption_codes"] = _(
            "A rule that may be required needs the exemption codes that disclaim it."
        )
    if rule.valid_from and rule.valid_to and rule.valid_to < rule.valid_from:
        errors["valid_to"] = _("The rule cannot end before it starts.")
    return errors


def rule_conditions_text(rule: "RoutingRule") -> str:
    """The rule's conditions in words, e.g. ``HS 0901 from any origin``."""
    parts = [_("HS %(prefix)s") % {"prefix": rule.hs_prefix} if rule.hs_prefix else _("all goods")]
    parts.append(
        _("from %(country)s") % {"country": rule.origin_country}
        if rule.origin_country
        else _("from any origin")
    )
    if rule.export_country:
        parts.append(_("exported from %(country)s") % {"country": rule.export_country})
    if rule.destination_country:
        parts.append(_("to %(country)s") % {"country": rule.destination_country})
    if rule.declaration_type:
        parts.append(rule.declaration_type)
    if rule.procedure_code:
        parts.append(_("procedure %(code)s") % {"code": rule.procedure_code})
    if rule.value_above is not None:
        parts.append(
            _("value above %(amount)s %(currency)s")
            % {"amount": rule.value_above, "currency": rule.value_currency}
        )
    if rule.document_code:
        parts.append(_("needs %(code)s") % {"code": rule.document_code})
    return " ".join(parts)
