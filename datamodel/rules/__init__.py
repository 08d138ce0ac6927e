"""Stage 2 of declaration validation: code lists and business rules.

Runs on the canonical document of stage 1 (``datamodel.validation``) and looks only at
values that passed stage 1, so no field is reported twice. Each rule is a small function
``rule(ctx)`` whose docstring names its source; ``RULES`` lists them in the order they run.
A rule reports at most once per field, and an error it reports hides the field from the
rules after it (an LRN in a bad format is not also looked up for duplicates).

The rules live by topic: ``references`` (LRN), ``parties`` (EORI numbers),
``requirements`` (data required per declaration category), ``goods`` (items, masses,
quantities, packages, header totals), ``amounts``, ``codes`` (code lists), ``dates``;
``context`` holds ``RuleContext`` and the watched WCO IDs.

Rules apply where the data is present: none demands an element the WCO schema leaves
optional, except where noted (LRN; declaration type, and the office of exit on exports,
both on original declarations), each of which every accepted sample declaration carries.

Decisions:

- Original declarations (``FunctionCode`` 9) must be complete; requests (13: amendment,
  cancellation; 14: advance notification; see ``datamodel.messages``) carry only what they
  change, so the goods item count, numbering and
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

from collections.abc import Callable, Iterable
from datetime import date

from datamodel.issues import Issue
from datamodel.rules.amounts import (
    amounts_have_currency,
    amounts_not_negative,
    customs_value_matches_invoice,
)
from datamodel.rules.codes import (
    country_codes_exist,
    currencies_exist,
    declaration_type_known,
    document_codes_known,
    goods_location_known,
    hs_codes_valid,
    incoterm_known,
    offices_known,
    origin_country_exists,
    package_types_known,
    procedure_codes_known,
    unit_codes_exist,
)
from datamodel.rules.context import HS_CLASSIFICATION_TYPES, WATCH, RuleContext
from datamodel.rules.dates import dates_not_in_future
from datamodel.rules.goods import (
    goods_item_count_matches,
    goods_items_numbered,
    goods_items_present,
    gross_mass_not_below_net,
    masses_and_quantities_positive,
    masses_in_kilograms,
)
from datamodel.rules.parties import party_eoris_valid
from datamodel.rules.quantities import (
    count_units_whole,
    counts_not_negative,
    header_totals_match_items,
)
from datamodel.rules.references import (
    NATIONAL_LRN_MAX_LENGTH,
    duplicate_lrn_issue,
    lrn_format,
    lrn_national_length,
    lrn_required,
    lrn_unique,
)
from datamodel.rules.requirements import data_requirements_met
from datamodel.validation import Structure

__all__ = [
    "HS_CLASSIFICATION_TYPES",
    "NATIONAL_LRN_MAX_LENGTH",
    "RULES",
    "WATCH",
    "RuleContext",
    "check_rules",
    "duplicate_lrn_issue",
]

RULES: tuple[Callable[[RuleContext], None], ...] = (
    lrn_required,
    lrn_format,
    lrn_national_length,
    lrn_unique,
    declaration_type_known,
    party_eoris_valid,
    goods_items_present,
    data_requirements_met,
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
    counts_not_negative,
    count_units_whole,
    header_totals_match_items,
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
