"""A throwaway WCO DM XML -> canonical dict converter for the validation tests.

Stands in for ``datamodel.xml`` (written in parallel) so that the sample declarations can be
run through ``validate_declaration`` now. It does the least that the canonical shape needs:
element local names as keys, repeatables (from the dictionary) as lists, leaves with attributes
as ``{"value": ..., attr}``, date-times as ``{"value": DateTimeString, "formatCode": ...}``.
Elements that the dictionary does not know are kept, so the validator can report them.
"""

from pathlib import Path
from typing import Any

from lxml import etree

from datamodel.dictionary import ElementSpec, declaration_spec

SHARED = Path(__file__).resolve().parents[3] / "shared"
SAMPLES = SHARED / "wcodm" / "samples"
REJECTIONS = SHARED / "wcodm" / "rejections"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _leaf(element: etree._Element, spec: ElementSpec | None) -> Any:
    if spec is not None and spec.value_kind == "datetime":
        inner = next(iter(_children(element)), None)
        if inner is None:
            return {"value": element.text or ""}
        out = {"value": inner.text or ""}
        if inner.get("formatCode") is not None:
            out["formatCode"] = inner.get("formatCode")
        return out
    attributes = {etree.QName(k).localname: v for k, v in element.attrib.items()}
    attributes.pop("schemaLocation", None)
    if attributes:
        return {"value": element.text or "", **attributes}
    return element.text or ""


def _convert(element: etree._Element, spec: ElementSpec | None) -> Any:
    kids = _children(element)
    if not kids or (spec is not None and spec.is_leaf):
        return _leaf(element, spec)
    out: dict[str, Any] = {}
    for kid in kids:
        name = _local(kid)
        kid_spec = spec.children.get(name) if spec is not None else None
        value = _convert(kid, kid_spec)
        if kid_spec is not None and kid_spec.repeatable:
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


def metadata_element(root: etree._Element) -> etree._Element | None:
    """The ``MetaData`` element that holds a ``Declaration`` (the root or wrapped), or None."""
    for element in root.iter("{*}MetaData"):
        if any(_local(c) == "Declaration" for c in _children(element)):
            return element
    return None


def xml_to_canonical(path: Path) -> dict[str, Any]:
    """The canonical dict of the declaration in the XML file at ``path``."""
    root = etree.parse(str(path), _PARSER).getroot()
    metadata = metadata_element(root)
    assert metadata is not None, f"{path} holds no MetaData/Declaration"
    out: dict[str, Any] = {"MetaData": {}}
    for kid in _children(metadata):
        if _local(kid) == "Declaration":
            out["Declaration"] = _convert(kid, declaration_spec())
        else:
            out["MetaData"][_local(kid)] = (kid.text or "").strip()
    return out


def sample_declarations() -> list[Path]:
    """Every parseable XML file under the samples folder with a MetaData/Declaration."""
    found = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.suffix.lower() != ".xml":
            continue
        try:
            root = etree.parse(str(path), _PARSER).getroot()
        except etree.XMLSyntaxError:
            continue
        if metadata_element(root) is not None:
            found.append(path)
    return found
