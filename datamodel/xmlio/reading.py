"""WCO DEC-DMS XML tree -> the canonical JSON document (``datamodel.dictionary``).

The conversion keeps every element and attribute the trader sent, including elements the
dictionary does not know (they are reported by the XSD and the JSON validation, and a
refused document is still shown to the trader as sent). What is not data is left out:
comments (dropped by the parser), namespace prefixes, whitespace between elements, and
``xsi:*`` attributes (``xsi:schemaLocation`` hints point at the sender's own schema copy;
we validate against ours).
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

from lxml import etree

from datamodel.dictionary import ElementSpec, declaration_spec

from .names import (
    DATETIME_STRING,
    NS_DEC,
    NS_XSI,
    STRING,
    local_name,
    metadata_fields,
    normalise_text,
    text_kind,
)

_XSI_PREFIX = f"{{{NS_XSI}}}"
_DEC = f"{{{NS_DEC}}}"
METADATA_KEY = "MetaData"
DECLARATION_KEY = "Declaration"


def _attributes(element: etree._Element) -> dict[str, str]:
    """Attributes as ``{name: value}``; namespaced ones in Clark notation, xsi:* left out."""
    return {key: value for key, value in element.items() if not key.startswith(_XSI_PREFIX)}


def _read_generic(element: etree._Element) -> Any:
    """An element the dictionary does not describe (or one in the wrong shape).

    Without child elements: a string, or ``{"value", attributes...}``. With child
    elements: an object of its children (repeated names as lists) and ``"@attribute"``
    keys, so nothing the trader sent disappears before it is reported.
    """
    attributes = _attributes(element)
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        text = element.text or ""
        return {"value": text, **attributes} if attributes else text
    out: dict[str, Any] = {f"@{key}": value for key, value in attributes.items()}
    _add_children(out, children, None)
    return out


def read_datetime(element: etree._Element) -> Any:
    """``<X><ds:DateTimeString formatCode="102">20240131</ds:DateTimeString></X>``
    -> ``{"value": "20240131", "formatCode": "102"}`` (the dictionary's convention)."""
    children = [child for child in element if isinstance(child.tag, str)]
    if (
        len(children) != 1
        or local_name(children[0].tag) != DATETIME_STRING
        or len(children[0])
        or element.keys()
    ):
        return _read_generic(element)
    inner = children[0]
    out: dict[str, Any] = {"value": inner.text or ""}
    out.update(_attributes(inner))
    return out


# What the reader needs to know about one child element, precomputed per class so that
# the loop over (tens of thousands of) elements does dictionary lookups only:
# (name, spec, repeatable, is_class, text kind, always an object, is a date-time).
type _Child = tuple[str, ElementSpec, bool, bool, str, bool, bool]


@cache
def _plan(spec: ElementSpec) -> tuple[dict[str, _Child], dict[str, _Child]]:
    """The children of a class by Clark tag (``{DEC-DMS ns}Name``) and by local name,
    once per spec (the dictionary's specs live for the whole process)."""
    by_name = {
        name: (
            name,
            child,
            child.repeatable,
            bool(child.children),
            text_kind(child),
            child.value_kind is not None,
            child.value_kind == "datetime",
        )
        for name, child in spec.children.items()
    }
    return {_DEC + name: e for name, e in by_name.items()}, by_name


def _read_class(element: etree._Element, spec: ElementSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if element.keys():
        # Not allowed on a class by the schema (the XSD reports it), but kept.
        out.update({f"@{key}": value for key, value in _attributes(element).items()})
    _add_children(out, element, spec)
    return out


def _add_children(
    out: dict[str, Any],
    children: Sequence[etree._Element] | etree._Element,
    spec: ElementSpec | None,
) -> None:
    """Read ``children`` into ``out`` in document order.

    A repeatable element (maxOccurs > 1) is always a list. A non-repeatable one that
    occurs more than once also becomes a list, so that the extra occurrence is kept for
    the TOO_MANY report instead of silently replacing the first.
    """
    by_tag, by_name = _plan(spec) if spec is not None else ({}, {})
    duplicated: set[str] | None = None  # non-repeatable names seen twice (rare)
    for child in children:
        tag = child.tag
        entry = by_tag.get(tag)
        if entry is None:
            if not isinstance(tag, str):
                continue
            # Another namespace or not in the dictionary: by local name, or as it came.
            entry = by_name.get(tag[tag.rfind("}") + 1 :])
        if entry is None:
            name = tag[tag.rfind("}") + 1 :]
            value = _read_generic(child)
            repeatable = False
        else:
            name, child_spec, repeatable, is_class, kind, wrapped, is_datetime = entry
            if is_class:
                value = _read_class(child, child_spec)
            elif len(child):
                value = read_datetime(child) if is_datetime else _read_generic(child)
            else:
                value = child.text or ""
                # Letters and digits only (no blank, sign or leading zero): already
                # canonical as a token and as a decimal, so skip the normalisation.
                if kind is not STRING and not (value.isalnum() and value[0] != "0"):
                    value = normalise_text(kind, value)
                if child.keys():
                    value = {"value": value, **_attributes(child)}
                    if len(value) == 1 and not wrapped:
                        value = value["value"]  # only xsi:* attributes, which are not data
                elif wrapped:
                    value = {"value": value}
        if repeatable:
            existing = out.get(name)
            if existing is None:
                out[name] = [value]
            else:
                existing.append(value)
        elif name not in out:
            out[name] = value
        elif duplicated is not None and name in duplicated:
            out[name].append(value)
        else:
            out[name] = [out[name], value]
            duplicated = duplicated or set()
            duplicated.add(name)


def read_metadata_field(element: etree._Element) -> Any:
    """A field of the MetaData envelope: its text (collapsed as its schema type says), or
    ``{"value", attributes...}`` when it carries attributes."""
    if len(element):
        return _read_generic(element)
    kind = metadata_fields().get(local_name(element.tag), STRING)
    text = normalise_text(kind, element.text or "")
    attributes = _attributes(element)
    return {"value": text, **attributes} if attributes else text


def document_from_xml_tree(root: etree._Element) -> dict[str, Any]:
    """The canonical JSON document of a parsed declaration.

    ``root`` is the ``MetaData`` element (or a bare ``Declaration``) as found by
    ``parse_declaration_xml``. Returns ``{"MetaData": {...}, "Declaration": {...}}``
    (``"MetaData"`` only when there was an envelope; ``"Declaration"`` only when there was
    one). Shape per ``datamodel.dictionary``: repeatables as lists, leaves as strings
    (decimals canonical, codes whitespace-collapsed as xs:token does), leaves with
    attributes and all amounts/measures/quantities/date-times as ``{"value", attr...}``.
    Never raises for a tree that ``parse_declaration_xml`` accepted; shape problems are
    kept in the document for the validators to report.
    """
    spec = declaration_spec()
    if local_name(root.tag) == DECLARATION_KEY:
        return {DECLARATION_KEY: _read_class(root, spec)}
    envelope: dict[str, Any] = {}
    document: dict[str, Any] = {METADATA_KEY: envelope}
    duplicated: set[str] = set()
    for child in root:
        if not isinstance(child.tag, str):
            continue
        name = local_name(child.tag)
        if name == DECLARATION_KEY and DECLARATION_KEY not in document:
            document[DECLARATION_KEY] = _read_class(child, spec)
            continue
        value = read_metadata_field(child) if name != DECLARATION_KEY else _read_generic(child)
        if name in duplicated:
            envelope[name].append(value)
        elif name in envelope:
            envelope[name] = [envelope[name], value]
            duplicated.add(name)
        else:
            envelope[name] = value
    return document


def element_parts(element: etree._Element, top: etree._Element) -> list[str | int]:
    """The JSON path (names and 0-based list indexes) of ``element`` in the document that
    ``document_from_xml_tree(top)`` builds. A ``DateTimeString`` maps to its date-time
    leaf. Same list rule as the reader: repeatable, or occurring more than once.
    """
    chain: list[etree._Element] = []
    node: etree._Element | None = element
    while node is not None and node is not top:
        chain.append(node)
        node = node.getparent()
    chain.reverse()
    top_name = local_name(top.tag)
    parts: list[str | int] = []
    spec: ElementSpec | None = None
    if top_name == DECLARATION_KEY:
        parts.append(DECLARATION_KEY)
        spec = declaration_spec()
    for index, node in enumerate(chain):
        name = local_name(node.tag)
        if index == 0 and top_name != DECLARATION_KEY:
            if name == DECLARATION_KEY:
                parts.append(DECLARATION_KEY)
                spec = declaration_spec()
                continue
            parts.append(METADATA_KEY)
        if spec is not None and spec.value_kind == "datetime" and name == DATETIME_STRING:
            break
        child_spec = spec.children.get(name) if spec is not None else None
        parts.append(name)
        parent = node.getparent()
        same = (
            [c for c in parent if isinstance(c.tag, str) and local_name(c.tag) == name]
            if parent is not None
            else [node]
        )
        if (child_spec is not None and child_spec.repeatable) or len(same) > 1:
            parts.append(next(i for i, c in enumerate(same) if c is node))
        spec = child_spec
    return parts


def spec_of_parts(parts: Sequence[str | int]) -> ElementSpec | None:
    """The dictionary spec at a JSON path (list indexes skipped); ``None`` if not there."""
    names = [part for part in parts if isinstance(part, str)]
    if not names or names[0] != DECLARATION_KEY:
        return None
    spec: ElementSpec | None = declaration_spec()
    for name in names[1:]:
        spec = spec.children.get(name) if spec is not None else None
    return spec
