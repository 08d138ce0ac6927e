"""Compare two declaration XML documents data element by data element.

Used to prove that import then export loses nothing (tests, ``check_declaration
--roundtrip``). A data element is an element without child elements (its text) or any
element with attributes. Two documents carry the same data when the multisets of
``(element path, normalised text, attributes)`` are equal. Not data, so not compared:
namespace prefixes, comments, whitespace between elements and around values, ``xsi:*``
attributes, blank attributes (``listID=""`` says nothing; the JSON validation leaves them
out), and a transport envelope around the MetaData.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from datamodel.dictionary import ElementSpec, declaration_spec

from .names import NS_XSI, STRING, local_name, metadata_fields, normalise_text, text_kind
from .parsing import parse_declaration_xml
from .reading import DECLARATION_KEY

_XSI_PREFIX = f"{{{NS_XSI}}}"

type Record = tuple[str, str | None, tuple[tuple[str, str], ...]]


@dataclass(frozen=True, slots=True)
class Difference:
    """One data element that is not the same in both documents.

    ``kind``: ``lost`` (only in the original), ``added`` (only in the exported one) or
    ``changed`` (same path, other value or attributes); ``path``: element path without
    indexes, e.g. ``/MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/
    Commodity/Description``; ``original`` / ``exported``: the value with its attributes as
    text (``None`` on the side where it is missing); ``line``: its line in the original.
    """

    kind: Literal["lost", "added", "changed"]
    path: str
    original: str | None
    exported: str | None
    line: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.kind} {self.path}{where}: {self.original!r} -> {self.exported!r}"


def _comparable(kind: str, text: str) -> str:
    """The value as compared: the schema's reading (token collapse, canonical decimal),
    and for free text without leading and trailing blanks, which carry no customs
    meaning and which the JSON validation strips (``datamodel.validation``)."""
    return normalise_text(kind, text).strip(" \t\n\r")


def _collect(
    element: etree._Element,
    path: str,
    spec: ElementSpec | None,
    kind: str,
    out: list[tuple[Record, int | None]],
) -> None:
    attributes = tuple(
        sorted(
            (local_name(key) if key.startswith("{") else key, value.strip())
            for key, value in element.items()
            if not key.startswith(_XSI_PREFIX) and value.strip()
        )
    )
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        out.append(((path, _comparable(kind, element.text or ""), attributes), element.sourceline))
        return
    if attributes:
        out.append(((path, None, attributes), element.sourceline))
    for child in children:
        name = local_name(child.tag)
        child_spec = spec.children.get(name) if spec is not None else None
        if path.endswith("/MetaData") and name != DECLARATION_KEY:
            child_kind = metadata_fields().get(name, STRING)
        elif name == DECLARATION_KEY and spec is None:
            child_spec, child_kind = declaration_spec(), STRING
        else:
            child_kind = text_kind(child_spec) if child_spec is not None else STRING
        _collect(child, f"{path}/{name}", child_spec, child_kind, out)


def _located_root(raw: bytes, which: str) -> etree._Element:
    parsed = parse_declaration_xml(raw)
    if parsed.root is None:
        reasons = "; ".join(issue.message for issue in parsed.issues)
        raise ValueError(f"the {which} document holds no declaration: {reasons}")
    return parsed.root


def _records(root: etree._Element, declaration_only: bool) -> list[tuple[Record, int | None]]:
    if declaration_only and local_name(root.tag) != DECLARATION_KEY:
        declaration = next(
            (c for c in root if isinstance(c.tag, str) and local_name(c.tag) == DECLARATION_KEY),
            None,
        )
        if declaration is None:
            return []
        root = declaration
    out: list[tuple[Record, int | None]] = []
    name = local_name(root.tag)
    spec = declaration_spec() if name == DECLARATION_KEY else None
    _collect(root, f"/{name}", spec, STRING, out)
    return out


def _display(record: Record) -> str:
    _path, text, attributes = record
    shown = "" if text is None else text
    if attributes:
        shown += " [" + ", ".join(f"{k}={v}" for k, v in attributes) + "]"
    return shown


def compare_declarations(original: bytes, exported: bytes) -> list[Difference]:
    """Every data element lost, added or changed between two declaration documents.

    Both are raw XML bytes (parsed safely; a transport envelope is unwrapped). When the
    original has no MetaData envelope (a bare Declaration root), only the Declarations are
    compared, since the export adds an envelope with default values. Returns ``[]`` when
    both carry the same data; otherwise differences sorted by path, a lost and an added
    value at the same path reported together as ``changed``.

    Raises ``ValueError`` when either document holds no readable declaration.
    """
    original_root = _located_root(original, "original")
    exported_root = _located_root(exported, "exported")
    bare = local_name(original_root.tag) == DECLARATION_KEY
    original_records = _records(original_root, declaration_only=bare)
    exported_records = _records(exported_root, declaration_only=bare)

    lines: dict[Record, list[int | None]] = defaultdict(list)
    for record, line in original_records:
        lines[record].append(line)
    before = Counter(record for record, _line in original_records)
    after = Counter(record for record, _line in exported_records)
    lost = before - after
    added = after - before

    added_by_path: dict[str, list[Record]] = defaultdict(list)
    for record, count in sorted(added.items(), key=lambda item: str(item[0])):
        added_by_path[record[0]].extend([record] * count)
    differences: list[Difference] = []
    for record, count in sorted(lost.items(), key=lambda item: str(item[0])):
        for occurrence in range(count):
            line = lines[record][occurrence] if occurrence < len(lines[record]) else None
            pending = added_by_path.get(record[0])
            if pending:
                other = pending.pop(0)
                differences.append(
                    Difference("changed", record[0], _display(record), _display(other), line)
                )
            else:
                differences.append(Difference("lost", record[0], _display(record), None, line))
    for path, records in added_by_path.items():
        differences.extend(Difference("added", path, None, _display(r)) for r in records)
    return sorted(differences, key=lambda d: (d.path, d.kind))
