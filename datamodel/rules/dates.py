"""Rules on dates and date-times."""

from datetime import UTC

from django.utils.translation import gettext_lazy as _

from datamodel.issues import IssueCode
from datamodel.rules.context import EXIT_DATE_ID, RuleContext
from datamodel.validation import message, parse_datetime


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
