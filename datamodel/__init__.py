"""The declaration data model: validation and normalisation of the canonical WCO DM document.

One entry point for the browser form, the REST API and the XML import:
``validate_declaration(data, today=..., lrn_taken=...) -> ValidationResult``. The shape of
the document is in ``datamodel.dictionary``, the error format in ``datamodel.issues``,
stage 1 (structure and formats) in ``datamodel.validation``, stage 2 (code lists and
business rules) in ``datamodel.rules`` with the versioned code lists of
``datamodel.codelists``, and row extraction in ``datamodel.items``.

This package knows nothing of HTTP, Celery or Django models.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from datamodel.dictionary import spec_at
from datamodel.issues import Issue, IssueCode, Severity, ValidationResult
from datamodel.items import DeclarationSummary, GoodsItemRow, declaration_summary, goods_item_rows
from datamodel.rules import WATCH, check_rules, duplicate_lrn_issue
from datamodel.text import normalised_texts
from datamodel.validation import check_structure, issue_at
from datamodel.validation.base import label, message

__all__ = [
    "DeclarationSummary",
    "GoodsItemRow",
    "Issue",
    "IssueCode",
    "Severity",
    "ValidationResult",
    "declaration_summary",
    "draft_document",
    "duplicate_lrn_issue",
    "goods_item_rows",
    "validate_declaration",
]


def validate_declaration(
    data: object,
    *,
    today: date | None = None,
    lrn_taken: Callable[[str], bool] | None = None,
) -> ValidationResult:
    """Validate and normalise a declaration given as a parsed JSON value.

    ``data``: untrusted, e.g. ``{"Declaration": {...}, "MetaData": {...}}`` in the canonical
    shape of ``datamodel.dictionary`` (amounts, measures, quantities and date-times may be
    bare values; decimals may be JSON numbers). ``today``: the validation day, which picks
    the code list versions in force and bounds dates (default ``date.today()``).
    ``lrn_taken(lrn)``: whether the trader's company already used the LRN (omit to skip).

    Returns the canonical document (``None`` when the input is not a declaration at all) and
    every issue found: stage 1 (``datamodel.validation``: structure, formats) and, on what
    passed it, stage 2 (``datamodel.rules``: code lists, business rules). ``result.ok`` is
    true when no issue is an error. Never raises on bad input.
    """
    structure = check_structure(data, watch=WATCH)
    if structure.document is None:
        return ValidationResult(document=None, issues=structure.issues)
    issues = check_rules(structure, today=today or date.today(), lrn_taken=lrn_taken)
    return ValidationResult(document=structure.document, issues=structure.issues + issues)


def draft_document(data: Any) -> tuple[Any, list[Issue]]:
    """A draft as it will be stored: ``data`` (any parsed JSON value, unvalidated) with
    every text in Unicode NFC, and a ``bad_format`` error at each text holding control
    characters. A draft is not validated, but it is held to the rule on characters that
    every channel applies (``datamodel.text``): what is stored can be shown and exported.
    """
    document, problems = normalised_texts(data)
    issues = [
        issue_at(IssueCode.BAD_FORMAT, parts, _("This text contains control characters."))
        for parts in problems
    ]
    return document, issues + _draft_lrn_issues(document)


_LRN_PARTS = ("Declaration", "FunctionalReferenceID")


def _draft_lrn_issues(document: Any) -> list[Issue]:
    """A ``too_long`` error at the LRN of a draft longer than WCO DM D026 allows (an..35,
    the dictionary's ``maxLength``), in the words stage 1 uses: a draft keeps its LRN
    whole or not at all. The national an..22 (UCC Annex B DE 2/5) waits for submission."""
    lrn = declaration_summary(document).lrn
    spec = spec_at(_LRN_PARTS)
    assert spec is not None  # the dictionary loads at start-up (datamodel.apps)
    limit = int(spec.facets["maxLength"])
    if len(lrn) <= limit:
        return []
    text = message(
        _("%(field)s has %(count)s characters; at most %(max)s are allowed."),
        field=label(spec),
        count=len(lrn),
        max=limit,
    )
    return [issue_at(IssueCode.TOO_LONG, _LRN_PARTS, text)]
