"""Canonical JSON document -> WCO DEC-DMS 2.15 XML (MetaData envelope, UTF-8).

Elements are written in schema order (the dictionary's order, which is the XSD sequence),
so a document that passes stage 1 of the JSON validation yields schema-valid XML.
"""

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from lxml import etree

from datamodel.dictionary import ElementSpec, declaration_spec

from .names import (
    DEFAULT_METADATA,
    NS_DEC,
    NS_DEC_DS,
    NS_METADATA,
    TAG_DATETIME_STRING,
    metadata_fields,
)
from .reading import DECLARATION_KEY, METADATA_KEY

_NSMAP = {"md": NS_METADATA, None: NS_DEC, "ds": NS_DEC_DS}
_DEC = f"{{{NS_DEC}}}"
_MD = f"{{{NS_METADATA}}}"


@cache
def _order(spec: ElementSpec) -> dict[str, int]:
    """Position of each child in the schema sequence, once per spec."""
    return {name: i for i, name in enumerate(spec.children)}


def _text(value: Any, path: str) -> str:
    """A leaf value as XML text. Strings as they are; numbers written without exponent."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{path}: a boolean is not a WCO value")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return format(Decimal(str(value)), "f")
    raise ValueError(f"{path}: expected a string value, got {type(value).__name__}")


def _set_attributes(element: etree._Element, values: Mapping[str, Any], path: str) -> None:
    for key, value in values.items():
        if key != "value":
            element.set(key, _text(value, f"{path}/{key}"))


def _write_leaf(element: etree._Element, spec: ElementSpec, value: Any, path: str) -> None:
    if not isinstance(value, Mapping):
        element.text = _text(value, path)
        return
    if spec.value_kind == "datetime" and "value" in value:
        inner = etree.SubElement(element, TAG_DATETIME_STRING)
        inner.text = _text(value["value"], path)
        _set_attributes(inner, value, path)
        return
    if "value" not in value:
        # Not canonical (an object without "value" for a leaf): write what is there so
        # that the XSD can say what is wrong with it.
        _write_generic_children(element, value, path)
        return
    element.text = _text(value["value"], path)
    _set_attributes(element, value, path)


def _write_generic_children(element: etree._Element, value: Mapping[str, Any], path: str) -> None:
    for key, child in value.items():
        if key.startswith("@"):
            element.set(key[1:], _text(child, f"{path}/{key}"))
        else:
            _write_element(element, key, None, child, f"{path}/{key}")


def _write_element(
    parent: etree._Element, name: str, spec: ElementSpec | None, value: Any, path: str
) -> None:
    if value is None:
        raise ValueError(f"{path}: null is not a value; leave the element out")
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, list):
                raise ValueError(f"{path}/{index}: a list inside a list")
            _write_element(parent, name, spec, item, f"{path}/{index}")
        return
    element = etree.SubElement(parent, _DEC + name)
    if spec is None:
        # Not in the dictionary: written as given (the XSD will refuse it).
        if isinstance(value, Mapping):
            if "value" in value and not any(isinstance(v, Mapping | list) for v in value.values()):
                element.text = _text(value["value"], path)
                _set_attributes(element, value, path)
            else:
                _write_generic_children(element, value, path)
        else:
            element.text = _text(value, path)
    elif spec.children:
        if not isinstance(value, Mapping):
            raise ValueError(f"{path}: {name} is a class; expected an object")
        _write_class(element, spec, value, path)
    else:
        _write_leaf(element, spec, value, path)


def _write_class(
    element: etree._Element, spec: ElementSpec, value: Mapping[str, Any], path: str
) -> None:
    order = _order(spec)
    unknown = len(order)
    # Schema order first; names the dictionary does not know go last, as they came.
    for key in sorted(value, key=lambda k: order.get(k, unknown)):
        if key.startswith("@"):
            element.set(key[1:], _text(value[key], f"{path}/{key}"))
            continue
        _write_element(element, key, spec.children.get(key), value[key], f"{path}/{key}")


def _write_metadata(root: etree._Element, envelope: Mapping[str, Any]) -> None:
    order = {name: position for position, name in enumerate(metadata_fields())}
    unknown = len(order)
    for key in sorted(envelope, key=lambda k: order.get(k, unknown)):
        values = envelope[key]
        for value in values if isinstance(values, list) else [values]:
            path = f"/{METADATA_KEY}/{key}"
            element = etree.SubElement(root, _MD + key)
            if isinstance(value, Mapping):
                element.text = _text(value.get("value", ""), path)
                _set_attributes(element, value, path)
            else:
                element.text = _text(value, path)


def declaration_to_xml(document: Mapping[str, Any]) -> bytes:
    """Write a canonical document as a WCO DEC-DMS 2.15 submission (bytes, UTF-8).

    ``document`` is ``{"Declaration": {...}, "MetaData": {...}?}`` in the shape of
    ``datamodel.dictionary``. The result has an XML declaration, an ``md:MetaData`` root
    (namespace ``urn:wco:datamodel:WCO:DocumentMetaData-DMS:2``) whose fields come from
    ``document["MetaData"]`` or, when absent, ``DEFAULT_METADATA`` (WCO DM 3.6, type DEC),
    then the ``Declaration`` in ``urn:wco:datamodel:WCO:DEC-DMS:2`` with elements in schema
    order; date-times as ``<ds:DateTimeString formatCode=...>``. A document that passes
    stage 1 of ``validate_declaration`` gives XML valid against the submission XSD.

    Raises ``ValueError`` when the document is not in the canonical shape (no
    ``Declaration`` object, ``null`` values, a class given as a string, nested lists,
    text that XML cannot hold such as control characters).
    """
    declaration = document.get(DECLARATION_KEY) if isinstance(document, Mapping) else None
    if not isinstance(declaration, Mapping):
        raise ValueError('the document needs a "Declaration" object')
    envelope = document.get(METADATA_KEY, DEFAULT_METADATA)
    if not isinstance(envelope, Mapping):
        raise ValueError('"MetaData" must be an object')
    root = etree.Element(_MD + METADATA_KEY, nsmap=_NSMAP)
    _write_metadata(root, envelope)
    element = etree.SubElement(root, _DEC + DECLARATION_KEY)
    _write_class(element, declaration_spec(), declaration, f"/{DECLARATION_KEY}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
