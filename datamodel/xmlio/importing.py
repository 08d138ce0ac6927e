"""XML bytes -> validated canonical document: safe parse, XSD, conversion, JSON validation."""

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from datamodel import validate_declaration
from datamodel.issues import Issue, IssueCode, ValidationResult
from datamodel.rules import WATCH, check_rules

from .fastread import checked_structure
from .parsing import depth_issue, parse_declaration_xml
from .reading import document_from_xml_tree
from .schema import schema_issues

# The codes of stage 1 (structure and formats): the facts the XSD also checks. A JSON
# issue with one of these codes on a field the XSD already reported says the same thing.
STRUCTURE_CODES = frozenset(
    {
        IssueCode.REQUIRED,
        IssueCode.UNKNOWN_ELEMENT,
        IssueCode.TOO_MANY,
        IssueCode.NOT_A_LIST,
        IssueCode.WRONG_TYPE,
        IssueCode.TOO_LONG,
        IssueCode.BAD_FORMAT,
    }
)


def _covered(path: str, reported: Collection[str]) -> bool:
    """True when the XSD reported this field, one inside it, or the class holding it."""
    return any(
        path == other or path.startswith(other + "/") or other.startswith(path + "/")
        for other in reported
    )


def merge_issues(xsd: list[Issue], json: list[Issue]) -> list[Issue]:
    """XSD issues first, then the JSON validation's issues minus the structure issues
    about fields the XSD already reported (one report per field, the XSD's wording)."""
    reported = {issue.path for issue in xsd}
    return xsd + [
        issue
        for issue in json
        if not (issue.code in STRUCTURE_CODES and _covered(issue.path, reported))
    ]


def declaration_from_xml(
    raw: bytes,
    *,
    today: date | None = None,
    lrn_taken: Callable[[str], bool] | None = None,
) -> ValidationResult:
    """Import a WCO DEC-DMS 2.15 declaration from XML bytes and validate it fully.

    Steps: ``parse_declaration_xml`` (safe parse, limits, finds the declaration; unwraps a
    transport envelope with a warning; refuses notifications and other messages with
    ``not_a_declaration``), ``schema_issues`` (the submission XSD), ``document_from_xml_tree``
    (canonical JSON), then ``datamodel.validate_declaration(document, today=...,
    lrn_taken=...)`` for stage 1 and stage 2 (code lists, business rules). A field the XSD
    already reported is not reported again by the JSON stage 1. When neither the XSD nor
    stage 1 has anything to report (the common case), the reading and stage 1 are done in
    one walk over the tree (``fastread.checked_structure``), with the same outcome.

    Returns a ``ValidationResult``: ``document`` is the canonical document (as normalised
    by ``validate_declaration`` when it returned one), ``None`` when the bytes
    hold no readable declaration; ``issues`` as described. Never raises on any input.
    """
    # The depth limit protects the recursive reading below. A document the schema accepts
    # is no deeper than the schema (test_xml_schema: far less than MAX_DEPTH), so the slow
    # depth search runs only when the schema did not accept the whole document. Whatever
    # the order, a too-deep document gives the same TOO_LARGE issue alone as
    # parse_declaration_xml does.
    parsed = parse_declaration_xml(raw, check_depth=False)
    if parsed.tree is None:
        return ValidationResult(document=None, issues=parsed.issues)
    if parsed.root is None:
        too_deep = depth_issue(parsed.tree)
        return ValidationResult(document=None, issues=[too_deep] if too_deep else parsed.issues)
    xsd = schema_issues(parsed.root)
    if xsd or parsed.root is not parsed.tree.getroot():
        too_deep = depth_issue(parsed.tree)
        if too_deep:
            return ValidationResult(document=None, issues=[too_deep])
    if not xsd:
        # The common case, a declaration with nothing wrong in its structure: reading and
        # stage 1 in one walk (``fastread``), which gives up on anything stage 1 would
        # report; then stage 2 as ``validate_declaration`` runs it.
        structure = checked_structure(parsed.root, WATCH)
        if structure is not None:
            stage_2 = check_rules(structure, today=today or date.today(), lrn_taken=lrn_taken)
            return ValidationResult(document=structure.document, issues=[*parsed.issues, *stage_2])
    document: dict[str, Any] = document_from_xml_tree(parsed.root)
    checked = validate_declaration(document, today=today, lrn_taken=lrn_taken)
    return ValidationResult(
        document=checked.document if checked.document is not None else document,
        issues=[*parsed.issues, *merge_issues(xsd, checked.issues)],
    )
