"""Writes of the agencies app, one module per concern: ``routing`` (the fan-out to the
agencies concerned), ``queue`` (who works on what, deadlines), ``decisions`` (item outcomes,
information requests, the trader's answer), ``amendment``, ``cancellation``, ``messages``
(what is posted to the declarations collection, by its function code); ``base`` holds what
they share (errors, the open-for-action checks, the lock order). The merge rule is
``agencies.clearance``."""

from .amendment import AmendmentResult, declaration_amend
from .base import DecisionInvalid, ReviewConflict, officer_of
from .cancellation import declaration_cancel, declaration_cancel_xml
from .decisions import ItemDecision, review_decide, review_respond
from .messages import MessageOutcome, declaration_message_lodge
from .queue import review_assign, review_claim, review_next, review_release, reviews_escalate
from .routing import declaration_route, routing_plan, rule_matches

__all__ = [
    "AmendmentResult",
    "DecisionInvalid",
    "ItemDecision",
    "MessageOutcome",
    "ReviewConflict",
    "declaration_amend",
    "declaration_cancel",
    "declaration_cancel_xml",
    "declaration_message_lodge",
    "declaration_route",
    "officer_of",
    "review_assign",
    "review_claim",
    "review_decide",
    "review_next",
    "review_release",
    "review_respond",
    "reviews_escalate",
    "routing_plan",
    "rule_matches",
]
