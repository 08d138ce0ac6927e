"""Rules on amounts: currencies, signs, and the customs value against the invoice."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from datamodel.issues import IssueCode, Severity
from datamodel.rules.context import (
    CUSTOMS_VALUE_ID,
    INVOICE_AMOUNT,
    VALUE_TOLERANCE_PER_ITEM,
    RuleContext,
    _items_damaged,
)
from datamodel.validation import message


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
