"""Data requirements: which elements a declaration must carry."""

from django.utils.translation import gettext_lazy as _

from datamodel.issues import IssueCode
from datamodel.rules.context import EXIT_OFFICE_ID, TYPE_CODE, RuleContext, _failed_at_or_below


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
