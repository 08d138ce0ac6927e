"""Data requirements: which data elements a declaration must carry, by declaration category.

The requirements are data, not code: ``datamodel/data/requirements/`` holds two tables
(sources in ``datamodel/data/SOURCES.md``):

- ``declaration-categories.csv``: how the declaration category (UCC Delegated Regulation
  Annex B columns H1-H5, H7, B1, B2...) follows from the declaration type (DE 1/1 movement
  IM/EX/CO, DE 1/2 additional type) and the requested procedure (DE 1/10, first two
  digits) or an additional procedure (DE 1/11, e.g. 1H7);
- ``data-requirements.csv``: per data element (UCC DE number, WCO path, header or goods item
  level) the categories in which it is ``required``, ``optional`` or ``not allowed``, with
  the annex column or completion-guide section it comes from.

``data_requirements_met`` reads them and reports one ``REQUIRED`` error per missing
required element (per goods item for item-level ones) at the element's pointer, and one
``NOT_ALLOWED`` error per element present where it is not allowed.

Decisions:

- A declaration may fall in several categories (goods items under different procedures):
  an element is then required only if every candidate category requires it. A declaration
  that names no procedure may be in any category of its type, so what all of them require
  is required: DE 1/10 itself, which every category requires (the browser form asks for
  it, with packages and the goods location, since issue 7).
- A procedure that no category lists (or a
  simplified, frontier or national declaration type, I1/C1 and the CDS types J, K, Q, which
  the tables do not cover yet) gives no category and no requirement: a missing rule is
  better than one that refuses what customs accept.
- Only originals (FunctionCode 9) are checked; amendments carry what they change.
- A ``paths`` cell lists alternatives separated by ``|`` (e.g. an item price, a customs value
  or a statistical value); the first one is where a missing element is reported. On an
  item-level row, a path starting with ``^`` is a header-level alternative (the country of
  destination is declared for the whole shipment or per goods item), reported once.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from datamodel.issues import IssueCode
from datamodel.rules.context import (
    DECLARATION,
    ITEMS,
    TYPE_CODE,
    RuleContext,
    _failed_at_or_below,
    _items_damaged,
)
from datamodel.validation import Parts, message

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "requirements"
REQUIRED, OPTIONAL, NOT_ALLOWED = "required", "optional", "not allowed"
HEADER, ITEM = "header", "item"
# The additional procedure code that makes an import the super reduced data set (H7).
PROCEDURE_PARTS: Parts = ("GovernmentProcedure",)


@dataclass(frozen=True, slots=True)
class DeclarationCategory:
    """One row of ``declaration-categories.csv``."""

    category: str
    movement: str  # DE 1/1: IM, EX, CO
    additional_types: frozenset[str]  # DE 1/2 letters
    procedures: frozenset[str]  # DE 1/10 requested procedures (2 digits); empty: any
    additional_procedure: str  # DE 1/11 code that selects the category; "" if none
    description: str
    source: str


@dataclass(frozen=True, slots=True)
class DataRequirement:
    """One row of ``data-requirements.csv``: data element ``de`` at ``paths`` (alternatives,
    from the declaration for header level, from the goods item for item level) is
    ``requirement`` in ``categories``."""

    de: str
    element: str
    level: str
    paths: tuple[Parts, ...]
    categories: frozenset[str]
    requirement: str
    source: str


def _parts(path: str) -> Parts:
    """``Origin/0/CountryCode`` -> ``("Origin", 0, "CountryCode")``; ``^Exporter`` (from the
    declaration, on an item-level row) -> ``("^", "Exporter")``."""
    path = path.strip()
    head: Parts = ("^",) if path.startswith("^") else ()
    return head + tuple(int(p) if p.isdigit() else p for p in path.lstrip("^").split("/"))


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def declaration_categories() -> tuple[DeclarationCategory, ...]:
    """The declaration categories and how each is derived, in the table's order (a row
    selected by an additional procedure first)."""
    return tuple(
        DeclarationCategory(
            category=row["category"],
            movement=row["movement"],
            additional_types=frozenset(row["additional_types"]),
            procedures=frozenset(row["procedures"].split()),
            additional_procedure=row["additional_procedure"].strip(),
            description=row["description"],
            source=row["source"],
        )
        for row in _rows("declaration-categories.csv")
    )


@cache
def data_requirements() -> tuple[DataRequirement, ...]:
    """The data requirements table; a row with an unknown level or requirement is refused
    when it is loaded (a broken table stops the process, it does not pass silently)."""
    out = []
    for row in _rows("data-requirements.csv"):
        if row["level"] not in (HEADER, ITEM) or row["requirement"] not in (
            REQUIRED,
            OPTIONAL,
            NOT_ALLOWED,
        ):
            raise ValueError(f"data-requirements.csv: bad row {row}")
        out.append(
            DataRequirement(
                de=row["de"],
                element=row["element"],
                level=row["level"],
                paths=tuple(_parts(p) for p in row["paths"].split("|")),
                categories=frozenset(row["categories"].split()),
                requirement=row["requirement"],
                source=row["source"],
            )
        )
    return tuple(out)


def _procedure_codes(items: list[Any]) -> tuple[set[str], set[str]]:
    """(requested procedures DE 1/10, additional procedures DE 1/11) of the goods items."""
    requested: set[str] = set()
    additional: set[str] = set()
    for item in items:
        procedures = item.get("GovernmentProcedure") if isinstance(item, dict) else None
        for procedure in procedures if isinstance(procedures, list) else ():
            code = procedure.get("CurrentCode") if isinstance(procedure, dict) else None
            if isinstance(code, dict):
                code = code.get("value")
            if isinstance(code, str) and len(code) == 2:
                requested.add(code)
            elif isinstance(code, str) and len(code) == 3:
                additional.add(code)
    return requested, additional


def declaration_category_candidates(
    type_code: str | None, items: list[Any], table: Iterable[DeclarationCategory] | None = None
) -> frozenset[str]:
    """The categories a declaration of ``type_code`` (DE 1/1 + 1/2, e.g. ``IMA``) with
    ``items`` (canonical goods items) may be in: one in the usual case; several when its
    items' procedures fall in different categories or it names no procedure; none when
    the type or the procedure is not in the table."""
    if not type_code or len(type_code) != 3:
        return frozenset()
    rows = [
        row
        for row in (declaration_categories() if table is None else table)
        if row.movement == type_code[:2] and type_code[2] in row.additional_types
    ]
    requested, additional = _procedure_codes(items)
    selected = {row.category for row in rows if row.additional_procedure in additional}
    if selected:
        return frozenset(selected)
    rows = [row for row in rows if not row.additional_procedure]
    if not requested:
        # No procedure (DE 1/10): any category of the type; what they all require (the
        # procedure itself among it) is then required (see the module notes).
        return frozenset(row.category for row in rows)
    return frozenset(
        row.category for row in rows if not row.procedures or row.procedures & requested
    )


def _present(node: Any, parts: Parts) -> bool:
    for part in parts:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return False
            node = node[part]
        else:
            if not isinstance(node, dict):
                return False
            node = node.get(part)
        if node in (None, "", [], {}):
            return False
    return True


def _refused(ctx: RuleContext, where: Parts) -> bool:
    """The element at ``where``, one of its parents or a part of it was reported as wrong."""
    failed = ctx.structure.failed
    return any(where[:n] in failed for n in range(2, len(where))) or _failed_at_or_below(ctx, where)


def _category_text(categories: frozenset[str]) -> str:
    return "/".join(sorted(categories))


def data_requirements_met(
    ctx: RuleContext, requirements: Iterable[DataRequirement] | None = None
) -> None:
    """Every data element the declaration's category requires is there, and none it does
    not allow.

    Source: the tables of ``datamodel/data/requirements/`` (UCC Delegated Regulation
    2015/2446 Annex B columns, and the UK CDS Declaration Completion Instructions for
    Imports and for Exports with their Appendices 21 and 22, data element by data
    element); each row names its own source. Errors: ``REQUIRED`` at the missing element
    (the first alternative), ``NOT_ALLOWED`` at an element present where it is not allowed.
    """
    if not ctx.is_original() or _items_damaged(ctx):
        return
    items = ctx.goods_items()
    categories = declaration_category_candidates(ctx.value(TYPE_CODE), items)
    if not categories:
        return
    declaration = ctx.get((DECLARATION,))
    for row in data_requirements() if requirements is None else requirements:
        if row.requirement == OPTIONAL or not categories <= row.categories:
            continue
        if row.level == HEADER:
            _check_element(ctx, row, categories, declaration, (DECLARATION,), None)
            continue
        for index, item in enumerate(items):
            _check_element(ctx, row, categories, item, (*ITEMS, index), index + 1)


def _check_element(
    ctx: RuleContext,
    row: DataRequirement,
    categories: frozenset[str],
    node: Any,
    base: Parts,
    item_number: int | None,
) -> None:
    declaration = ctx.get((DECLARATION,))
    located = [
        ((DECLARATION, *parts[1:]), declaration, parts[1:])
        if parts[:1] == ("^",)
        else ((*base, *parts), node, parts)
        for parts in row.paths
    ]
    present = [where for where, root, parts in located if _present(root, parts)]
    if row.requirement == REQUIRED and not present:
        if any(_refused(ctx, where) for where, _r, _p in located):
            return  # refused by stage 1 or an earlier rule: reported there
        where = located[0][0]
        if row.paths[0][:1] == ("^",):
            if where in ctx.structure.failed:
                return  # reported for an earlier goods item
            item_number = None
        if item_number is None:
            text = message(
                _("%(element)s (DE %(de)s) is required on a %(category)s declaration."),
                element=row.element,
                de=row.de,
                category=_category_text(categories),
            )
        else:
            text = message(
                _("Goods item %(n)s needs %(element)s (DE %(de)s) on a %(category)s declaration."),
                n=item_number,
                element=row.element,
                de=row.de,
                category=_category_text(categories),
            )
        ctx.report(IssueCode.REQUIRED, where, text)
    elif row.requirement == NOT_ALLOWED:
        for where in present:
            ctx.report(
                IssueCode.NOT_ALLOWED,
                where,
                message(
                    _("%(element)s (DE %(de)s) is not used on a %(category)s declaration."),
                    element=row.element,
                    de=row.de,
                    category=_category_text(categories),
                ),
            )
