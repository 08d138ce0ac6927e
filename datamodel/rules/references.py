"""Rules on the declaration's references: the LRN (UCC Annex B DE 2/5)."""

from django.utils.translation import gettext_lazy as _

from datamodel.issues import Issue, IssueCode
from datamodel.rules.context import LRN, LRN_RE, NATIONAL_LRN_MAX_LENGTH, RuleContext
from datamodel.validation import issue_at, message


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
