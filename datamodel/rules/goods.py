"""Rules on goods items: presence, count and numbering, masses and quantities."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from datamodel.issues import IssueCode
from datamodel.rules.context import (
    CLASSIFICATION_TYPE,
    DECLARATION,
    GROSS_MASS_ID,
    HS_CLASSIFICATION_TYPES,
    ITEMS,
    KILOGRAM,
    MASS_IDS,
    NET_MASS_ID,
    POSITIVE_IDS,
    SEQUENCE_ID,
    TYPE_CODE,
    RuleContext,
    _failed_at_or_below,
    _items_damaged,
)
from datamodel.validation import Parts, message


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
