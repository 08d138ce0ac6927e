"""Rules on counts and quantities: whole counts, count units, header totals vs the items.

No published table of the standard unit of quantity per HS subheading is available here
(the WCO's recommended standard units and UN Comtrade publish the unit *list* only; the
per-code ``qtCode`` tables and national supplementary-unit tables are not in
``../shared``). So a unit is not required per commodity; what holds without such a table
is enforced: masses in kilograms (``goods.masses_in_kilograms``), a quantity in a count unit
is a whole number, counts are not negative, and the header totals agree with the items.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from datamodel.issues import IssueCode, Severity
from datamodel.rules.context import DECLARATION, GROSS_MASS_ID, KILOGRAM, RuleContext
from datamodel.validation import message

TARIFF_QUANTITY_ID = "130"
TOTAL_GROSS_MASS_ID = "131"
PACKAGE_COUNT_ID = "144"  # Packaging/QuantityQuantity, DE 6/10
TOTAL_PACKAGES_ID = "146"  # TotalPackageQuantity, DE 6/18
ITEM_COUNT_ID = "228"  # GoodsItemQuantity, DE 1/9
COUNT_IDS = (PACKAGE_COUNT_ID, TOTAL_PACKAGES_ID, ITEM_COUNT_ID)
# UN/ECE Recommendation 20 units that count whole things: NAR "number of articles", NPR
# "number of pairs", NCL "number of cells" (CDS supplementary units p/st, pa, ce/el).
COUNT_UNITS = frozenset({"NAR", "NPR", "NCL"})
# UCC Annex B DE 6/1 and 6/5: a mass over 1 kg may be rounded to the nearest kilogram, so
# each goods item's gross mass and the total may each be off by half a kilogram.
MASS_ROUNDING = Decimal("0.5")
TOTAL_GROSS_MASS: tuple[str, ...] = (DECLARATION, "TotalGrossMassMeasure")
TOTAL_PACKAGES: tuple[str, ...] = (DECLARATION, "TotalPackageQuantity")

WATCH_IDS = frozenset({TARIFF_QUANTITY_ID, TOTAL_GROSS_MASS_ID, *COUNT_IDS})


def counts_not_negative(ctx: RuleContext) -> None:
    """Counts of packages and goods items are whole numbers (the schema's fractionDigits 0)
    and not negative; 0 stays allowed for packages (bulk and unpacked goods).

    Source: UCC Annex B DE 6/10 (number of packages), 6/18 (total packages), 1/9 (total
    number of items): numbers of things; WCO DM 144, 146, 228 (n..8, n..5).
    """
    for wco_id in COUNT_IDS:
        for leaf in ctx.leaves(wco_id):
            if Decimal(leaf.value or "0") < 0:
                ctx.report(
                    IssueCode.NOT_POSITIVE,
                    leaf.parts,
                    message(
                        _("%(field)s is a count: it cannot be negative (%(value)s was given)."),
                        field=leaf.spec.name,
                        value=leaf.value,
                    ),
                )


def count_units_whole(ctx: RuleContext) -> None:
    """A quantity in a unit that counts things (NAR, NPR, NCL) is a whole number.

    Source: UN/ECE Recommendation 20 (NAR number of articles, NPR number of pairs, NCL
    number of cells); UCC Annex B DE 6/2 (supplementary units).
    """
    for leaf in ctx.leaves(TARIFF_QUANTITY_ID):
        if leaf.attribute in COUNT_UNITS and "." in (leaf.value or ""):
            ctx.report(
                IssueCode.BAD_FORMAT,
                leaf.parts,
                message(
                    _("%(value)s %(unit)s counts things: give a whole number."),
                    value=leaf.value,
                    unit=leaf.attribute,
                ),
            )


def header_totals_match_items(ctx: RuleContext) -> None:
    """The total gross mass and the total number of packages agree with the goods items.

    Source: UCC Annex B DE 6/5 (gross mass, of the declaration and of each item) and DE 6/18
    (total packages: the number of packages of the whole consignment, the sum of DE 6/10).
    Compared only when every goods item declares the figure (a declaration may state the
    total alone). Tolerance for masses: half a kilogram per goods item and half for the
    total (``MASS_ROUNDING``: masses over 1 kg may be rounded to the kilogram, DE 6/1, 6/5);
    package counts are whole and must be equal.
    """
    if not ctx.is_original():
        return
    items = ctx.goods_items()
    if not items:
        return
    total_mass = ctx.get(TOTAL_GROSS_MASS)
    masses = [leaf for leaf in ctx.item_leaves(GROSS_MASS_ID)]
    if (
        isinstance(total_mass, dict)
        and isinstance(total_mass.get("value"), str)
        and total_mass.get("unitCode", KILOGRAM) == KILOGRAM
        and len({leaf.parts[3] for leaf in masses}) == len(items)
        and all(leaf.attribute in (None, KILOGRAM) for leaf in masses)
    ):
        total = Decimal(total_mass["value"])
        summed = sum((Decimal(leaf.value or "0") for leaf in masses), Decimal(0))
        tolerance = MASS_ROUNDING * (len(items) + 1)
        if abs(total - summed) > tolerance:
            ctx.report(
                IssueCode.VALUE_MISMATCH,
                TOTAL_GROSS_MASS,
                message(
                    _(
                        "The total gross mass (%(total)s kg) differs from the sum of the goods "
                        "items' gross masses (%(sum)s kg) by more than the %(tolerance)s kg "
                        "allowed for rounding (0.5 kg per goods item and for the total)."
                    ),
                    total=total,
                    sum=summed,
                    tolerance=tolerance,
                ),
            )
    total_packages = ctx.value(TOTAL_PACKAGES)
    counts = [
        leaf
        for leaf in ctx.leaves(PACKAGE_COUNT_ID)
        if leaf.parts[:3] == (DECLARATION, "GoodsShipment", "GovernmentAgencyGoodsItem")
    ]
    if total_packages is None or len({leaf.parts[3] for leaf in counts}) != len(items):
        return
    summed_packages = sum((Decimal(leaf.value or "0") for leaf in counts), Decimal(0))
    if Decimal(total_packages) != summed_packages:
        ctx.report(
            IssueCode.VALUE_MISMATCH,
            TOTAL_PACKAGES,
            message(
                _(
                    "The total number of packages (%(total)s) is not the sum of the goods "
                    "items' packages (%(sum)s; counts have no tolerance). Check both, unless "
                    "the total counts outer packages such as pallets."
                ),
                total=total_packages,
                sum=summed_packages,
            ),
            Severity.WARNING,
        )
