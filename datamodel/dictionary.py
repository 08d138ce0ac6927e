"""The WCO DEC-DMS 2.15 element dictionary: shape, cardinality, formats and WCO IDs.

Loaded once per process from ``data/wco_dec_dms_2.15_elements.csv`` (see ``data/SOURCES.md``).
It is the single source of the document's shape for JSON validation, XML import/export and
the WCO error pointers.

The canonical JSON document mirrors the XML (WCO DEC-DMS 2, namespaces dropped):

- ``{"Declaration": {...}}`` at the top (an optional ``"MetaData"`` object beside it holds
  the envelope's own elements, texts or ``{"value", attribute...}`` leaves as below, see
  ``metadata_attributes``); object keys are WCO element names, in schema order;
- an element whose ``maxOccurs`` is above 1 is always a JSON array, even with one entry;
- an element with child elements is an object;
- a leaf is a string (decimals as canonical decimal strings, e.g. ``"12.5"``), except that a
  leaf that carries XML attributes is ``{"value": "...", "<attribute>": "..."}``; amounts
  (``currencyID``), measures and quantities (``unitCode``) and date-times (``formatCode``)
  are always such objects in the canonical form.
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

DATA_FILE = Path(__file__).parent / "data" / "wco_dec_dms_2.15_elements.csv"
SCHEMA_DIR = Path(__file__).parent / "data" / "schemas" / "wco" / "declaration"
METADATA_SCHEMA = SCHEMA_DIR / "DocumentMetaData_2_DMS.xsd"
_XS = "{http://www.w3.org/2001/XMLSchema}"

# udt base type -> the canonical leaf kind and the attribute it may carry.
_VALUE_KINDS = {
    "udt:AmountType": ("amount", "currencyID"),
    "udt:MeasureType": ("measure", "unitCode"),
    "udt:QuantityType": ("quantity", "unitCode"),
    "udt:DateTimeType": ("datetime", "formatCode"),
}


@dataclass(slots=True, eq=False)
class ElementSpec:
    """One element of the declaration schema.

    Compared and hashed by identity (``eq=False``): each spec is one node of the cached
    dictionary tree, so the validators and the XML reader and writer can cache what they
    derive from a spec with ``functools.cache``.

    ``max_occurs`` is ``None`` for unbounded. ``facets`` holds the XSD facets as strings
    (``maxLength``, ``length``, ``pattern``, ``totalDigits``, ``fractionDigits``) and
    ``enumeration`` as a list. ``value_kind`` is ``amount``/``measure``/``quantity``/
    ``datetime`` for leaves that are objects in the canonical JSON, else ``None``.
    """

    name: str
    path: tuple[str, ...]
    wco_id: str
    wco_name: str
    wco_format: str
    min_occurs: int
    max_occurs: int | None
    base_type: str
    facets: dict[str, str]
    enumeration: list[str]
    children: dict[str, "ElementSpec"] = field(default_factory=dict)

    @property
    def repeatable(self) -> bool:
        return self.max_occurs is None or self.max_occurs > 1

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def value_kind(self) -> str | None:
        kind = _VALUE_KINDS.get(self.base_type)
        return kind[0] if kind else None

    @property
    def attribute(self) -> str | None:
        """The XML attribute a leaf of this kind carries (``currencyID``, ``unitCode``...)."""
        kind = _VALUE_KINDS.get(self.base_type)
        return kind[1] if kind else None

    @property
    def pointer_id(self) -> str:
        """WCO ID used in error pointers; the element name where the dictionary has none."""
        return self.wco_id or self.name


def _parse_facets(raw: str) -> tuple[str, dict[str, str], list[str]]:
    base, facets, enumeration = "", {}, []
    for part in (p.strip() for p in raw.split(";")):
        if not part or "=" not in part:
            continue
        key, _, value = part.partition("=")
        if key == "base":
            base = value
        elif key == "enumeration":
            enumeration.append(value)
        else:
            facets[key] = value
    return base, facets, enumeration


@cache
def declaration_spec() -> ElementSpec:
    """The root ``Declaration`` (WCO DM 42A) with its whole tree of children."""
    by_path: dict[str, ElementSpec] = {}
    root: ElementSpec | None = None
    with DATA_FILE.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            base, facets, enumeration = _parse_facets(row["facets"])
            names = tuple(row["path"].strip("/").split("/"))
            spec = ElementSpec(
                name=names[-1],
                path=names,
                wco_id=row["WCOID"],
                wco_name=row["WCOName"],
                wco_format=row["WCOFormat"],
                min_occurs=int(row["minOccurs"]),
                max_occurs=None if row["maxOccurs"] == "unbounded" else int(row["maxOccurs"]),
                base_type=base,
                facets=facets,
                enumeration=enumeration,
            )
            by_path[row["path"]] = spec
            if len(names) == 1:
                root = spec
            else:
                by_path["/" + "/".join(names[:-1])].children[spec.name] = spec
    assert root is not None, f"no /Declaration row in {DATA_FILE}"
    return root


@cache
def metadata_attributes() -> dict[str, dict[str, int | None]]:
    """The MetaData envelope's own elements, in schema order, each with the XML attributes
    the schema allows on it (``languageID``, ``listID``...) and the ``maxLength`` of the
    attribute's type where it has one (``listAgencyID``: 3), else ``None``.

    Read from the copied ``DocumentMetaData_2_DMS.xsd``, the ``WCO_METADATA_2_DMS.xsd`` it
    imports (the types of the envelope's fields) and the code list schemas that one imports
    (the attributes' restricted types), so that the envelope has one source.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )

    def imports(schema: Path) -> list[Path]:
        root = etree.parse(str(schema), parser).getroot()
        return [
            (schema.parent / i.get("schemaLocation", "")).resolve()
            for i in root.iterfind(f"{_XS}import")
        ]

    envelope_root = etree.parse(str(METADATA_SCHEMA), parser).getroot()
    types_schema = imports(METADATA_SCHEMA)[0]
    types_root = etree.parse(str(types_schema), parser).getroot()
    max_length_of_type: dict[str, int] = {}
    for code_list in imports(types_schema):
        for simple in etree.parse(str(code_list), parser).getroot().iterfind(f"{_XS}simpleType"):
            facet = simple.find(f"{_XS}restriction/{_XS}maxLength")
            if facet is not None:
                max_length_of_type[simple.get("name", "")] = int(facet.get("value", ""))
    attributes_of_type = {
        complex_type.get("name", ""): {
            attribute.get("name", ""): max_length_of_type.get(
                attribute.get("type", "").rpartition(":")[2]
            )
            for attribute in complex_type.iter(f"{_XS}attribute")
        }
        for complex_type in types_root.iterfind(f"{_XS}complexType")
    }
    envelope = envelope_root.find(f"{_XS}element[@name='MetaData']")
    assert envelope is not None, f"no MetaData element in {METADATA_SCHEMA}"
    return {
        element.get("name", ""): attributes_of_type.get(
            element.get("type", "").rpartition(":")[2], {}
        )
        for element in envelope.iterfind(f"{_XS}complexType/{_XS}sequence/{_XS}element")
    }


def spec_at(names: Sequence[str]) -> ElementSpec | None:
    """The spec of the element at ``names`` (``("Declaration", "GoodsShipment", ...)``)."""
    spec = declaration_spec()
    if not names or names[0] != spec.name:
        return None
    for name in names[1:]:
        spec = spec.children.get(name)
        if spec is None:
            return None
    return spec


def wco_pointer(parts: Sequence[str | int]) -> str:
    """WCO error pointer for a JSON path given as parts (names and 0-based list indexes).

    ``("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem", 0, "Commodity",
    "GoodsMeasure", "NetNetWeightMeasure")`` -> ``"42A/67A/68A[1]/23A/65A/128"``.
    Indexes are written 1-based after repeatable classes only. Parts below a leaf (such as
    ``value`` or ``unitCode``) and unknown names are written as they are.
    """
    out: list[str] = []
    spec: ElementSpec | None = None
    for part in parts:
        if isinstance(part, int):
            if out:
                out[-1] = f"{out[-1]}[{part + 1}]"
            continue
        if spec is None and not out:
            spec = declaration_spec() if part == declaration_spec().name else None
        elif spec is not None:
            spec = spec.children.get(part)
        if spec is None:
            if part in ("value",):
                continue
            out.append(part)
        else:
            out.append(spec.pointer_id)
    return "/".join(out)


def json_pointer(parts: Sequence[str | int]) -> str:
    """RFC 6901 JSON pointer for the parts: ``("a", 0, "b/c")`` -> ``"/a/0/b~1c"``."""
    if not parts:
        return ""
    texts = [str(p) for p in parts]
    joined = "/" + "/".join(texts)
    if "~" not in joined and joined.count("/") == len(texts):
        return joined  # nothing to escape: the common case, in one join
    return "".join("/" + text.replace("~", "~0").replace("/", "~1") for text in texts)
