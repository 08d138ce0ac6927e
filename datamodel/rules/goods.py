"""Rules on goods items: presence, count and numbering, masses and quantities."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from datamodel.issues import IssueCode
from datamodel.rules.context import (
    DECLARATION,
    GROSS_MASS_ID,
    ITEMS,
    KILOGRAM,
    MASS_IDS,
    NET_MASS_ID,
    POSITIVE_IDS,
    SEQUENCE_ID,
    RuleContext,
    _items_damaged,
)
from datamodel.validation import message


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
