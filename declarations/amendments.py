"""The declarations' side of an amendment (WCO DM 017 function code 13, UCC Art. 173:
the declarant may amend a declaration after acceptance until release, unless customs
has found it incorrect or announced an examination): the amended document checked as a
whole, the goods item rows brought in line with it, and each lodged version kept.

Routing the amended declaration again is the agencies' business
(``agencies.services.amendment.declaration_amend``, which calls these in its transaction).
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

import datamodel
from datamodel.dictionary import json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.messages import (
    ORIGINAL_FUNCTION_CODE,
    REQUEST_FUNCTION_CODE,
    MessageKind,
    message_kind,
)
from datamodel.xmlio import declaration_from_xml

from .models import Declaration, DeclarationVersion, GoodsItem, Trader
from .services import DeclarationInvalid, _declarant_issues, _lrn_taken_checker

# An amendment is stored with function code 13 (a request, ``datamodel.messages``).
AMENDMENT_FUNCTION_CODE = REQUEST_FUNCTION_CODE
# What an amendment may say it is: an amendment (13), or an original (9) for the whole
# document as the form and the JSON API send it (the full document is sent either way,
# and checked as an original).
AMENDMENT_KINDS = frozenset({MessageKind.AMENDMENT, MessageKind.ORIGINAL})
# Header elements that say what the message is, not what is declared: not a change.
MESSAGE_PATHS = frozenset({"/Declaration/FunctionCode", "/Declaration/ID"})

ITEM_FIELDS = (
    "hs_code",
    "description",
    "origin_country",
    "net_mass_kg",
    "gross_mass_kg",
    "quantity",
    "quantity_unit",
    "customs_value",
    "currency",
)


def _issue(parts: tuple[str, ...], code: str, message: str) -> Issue:
    return Issue(code=code, pointer=wco_pointer(parts), path=json_pointer(parts), message=message)


@dataclass(frozen=True)
class CheckedAmendment:
    """An amended document that passed: ``document`` canonical (function code 13),
    ``warnings`` as ``Issue.as_dict()`` shapes, ``rows`` the goods item rows."""

    document: dict[str, Any]
    warnings: list[dict[str, Any]]
    rows: list[datamodel.GoodsItemRow]


def _message_issues(header: dict[str, Any], declaration: Declaration) -> list[Issue]:
    """Function code 13 (or 9 for a whole document); ``Declaration/ID`` (WCO DM D014, the
    MRN), when given, the MRN of the declaration amended."""
    issues = []
    code = str(header.get("FunctionCode") or "")
    kind = message_kind(code, header.get("TypeCode"))
    if kind == MessageKind.CANCELLATION:
        issues.append(
            _issue(
                ("Declaration", "TypeCode"),
                IssueCode.NOT_AN_ORIGINAL,
                _(
                    "Type code INV with function code 13 is a cancellation, not an amendment: "
                    "send it to the declaration's cancel/ address."
                ),
            )
        )
    elif kind not in AMENDMENT_KINDS:
        issues.append(
            _issue(
                ("Declaration", "FunctionCode"),
                IssueCode.NOT_AN_ORIGINAL,
                _("An amendment has function code 13 (or 9 for the whole document), not %(code)s.")
                % {"code": code or _("none")},
            )
        )
    mrn = str(header.get("ID") or "").strip()
    if mrn and mrn.upper() != (declaration.mrn or "").upper():
        issues.append(
            _issue(
                ("Declaration", "ID"),
                IssueCode.BAD_FORMAT,
                _("This amendment refers to MRN %(given)s, not to %(mrn)s.")
                % {"given": mrn, "mrn": declaration.mrn},
            )
        )
    return issues


def amendment_check(
    trader: Trader, declaration: Declaration, *, document: Any = None, raw: bytes | None = None
) -> CheckedAmendment:
    """Check an amended declaration, given whole as JSON (``document``) or WCO DM XML
    bytes (``raw``), with the validation of a new one (``datamodel.validate_declaration``,
    ``declaration_from_xml`` for XML) plus: function code 13 (or 9), the MRN if given, the
    same LRN (WCO DM D026 identifies the declaration to the trader: an amendment cannot
    change it) and the declarant rules of lodging. ``DeclarationInvalid`` lists every
    problem at its field; nothing is written."""
    if raw is not None:
        imported = declaration_from_xml(raw)
        if imported.document is None or not imported.ok:
            raise DeclarationInvalid(imported.issues)
        document = imported.document
    if not isinstance(document, dict) or not isinstance(document.get("Declaration"), dict):
        result = datamodel.validate_declaration(document)
        raise DeclarationInvalid(result.issues)
    document = copy.deepcopy(document)
    header = document["Declaration"]
    issues = _message_issues(header, declaration)
    # Checked as the whole declaration it is (the rules an original must meet).
    header["FunctionCode"] = ORIGINAL_FUNCTION_CODE
    header.pop("ID", None)
    result = datamodel.validate_declaration(
        document, lrn_taken=_lrn_taken_checker(trader, declaration)
    )
    issues += [issue for issue in result.issues if issue.severity == Severity.ERROR]
    if result.document is not None:
        summary = datamodel.declaration_summary(result.document)
        if summary.lrn.casefold() != declaration.lrn.casefold():
            issues.append(
                _issue(
                    ("Declaration", "FunctionalReferenceID"),
                    IssueCode.BAD_FORMAT,
                    _("An amendment keeps the LRN %(lrn)s.") % {"lrn": declaration.lrn},
                )
            )
        issues += _declarant_issues(summary.declarant_id, trader.company.eori)
    if issues or result.document is None:
        raise DeclarationInvalid([*issues, *result.warnings])
    canonical = result.document
    canonical["Declaration"]["FunctionCode"] = AMENDMENT_FUNCTION_CODE
    return CheckedAmendment(
        document=canonical,
        warnings=[warning.as_dict() for warning in result.warnings],
        rows=datamodel.goods_item_rows(canonical),
    )


def _json_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def item_snapshot(items: Iterable[GoodsItem]) -> list[dict[str, Any]]:
    """The goods item rows as JSON values (amounts as decimal strings), in item order."""
    return [
        {
            "sequence": item.sequence,
            **{name: _json_value(getattr(item, name)) for name in ITEM_FIELDS},
        }
        for item in sorted(items, key=lambda item: item.sequence)
    ]


def version_first(declaration: Declaration) -> DeclarationVersion:
    """Version 1 (the original as lodged), written now if the declaration has none yet."""
    first = declaration.versions.filter(number=1).first()
    if first is not None:
        return first
    return DeclarationVersion.objects.create(
        declaration=declaration,
        number=1,
        function_code=ORIGINAL_FUNCTION_CODE,
        document=declaration.document,
        items=item_snapshot(declaration.items.all()),
        created_by=declaration.created_by,
        created_at=declaration.submitted_at or declaration.created_at,
    )


def goods_items_update(
    declaration: Declaration, rows: list[datamodel.GoodsItemRow]
) -> list[GoodsItem]:
    """Bring the goods item rows in line with the amended document, item number by item
    number: a row kept is updated in place (outcomes and routing reasons of an unchanged
    item keep pointing at it), a new number gets a row, a number no longer declared loses
    its row (and the outcomes on it). Returns the rows in item order."""
    existing = {item.sequence: item for item in declaration.items.all()}
    kept = []
    for row in rows:
        item = existing.pop(row.sequence, None) or GoodsItem(
            declaration=declaration, sequence=row.sequence
        )
        changed = item.pk is None
        for name in ITEM_FIELDS:
            if getattr(item, name) != getattr(row, name):
                setattr(item, name, getattr(row, name))
                changed = True
        if changed:
            item.save()
        kept.append(item)
    GoodsItem.objects.filter(pk__in=[item.pk for item in existing.values()]).delete()
    return kept


def version_record(
    declaration: Declaration,
    *,
    document: dict[str, Any],
    items: list[GoodsItem],
    changes: list[dict[str, Any]],
    user: AbstractBaseUser,
    at: Any,
) -> DeclarationVersion:
    """The next version of ``declaration`` (its row locked by the caller)."""
    last = declaration.versions.order_by("-number").values_list("number", flat=True).first()
    return DeclarationVersion.objects.create(
        declaration=declaration,
        number=(last or 1) + 1,
        function_code=AMENDMENT_FUNCTION_CODE,
        document=document,
        items=item_snapshot(items),
        changes=changes,
        created_by=user,
        created_at=at,
    )


def substantive(changes: Iterable[Any]) -> list[Any]:
    """The changes that are not about the message itself (function code, MRN)."""
    return [change for change in changes if change.path not in MESSAGE_PATHS]
