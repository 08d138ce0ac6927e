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

``ElementSpec.allowed_attributes`` gives the XML attributes the schema allows on a leaf
(``languageID`` on a text, ``listID``/``listAgencyID``... on a code, ``schemeID``... on an
ID), read from the copied XSDs by ``leaf_attribute_types``.
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
LEAF_TYPES_SCHEMA = SCHEMA_DIR / "WCO_DS" / "WCO_DEC_DS_2_DMS.xsd"
_XS_NAMESPACE = "http://www.w3.org/2001/XMLSchema"
_XS = f"{{{_XS_NAMESPACE}}}"

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
    # The schema type of a leaf as the dictionary names it (``ds:...Type``), "" for classes.
    type_name: str = ""

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
    def allowed_attributes(self) -> dict[str, "AttributeSpec"]:
        """The XML attributes the schema allows on this leaf, by name in schema order
        (``{}`` for classes, numbers and date-times; ``currencyID``... for value kinds)."""
        return leaf_attribute_types().get(self.type_name.rpartition(":")[2], {})

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
                type_name=row["type"] if base else "",
            )
            by_path[row["path"]] = spec
            if len(names) == 1:
                root = spec
            else:
                by_path["/" + "/".join(names[:-1])].children[spec.name] = spec
    assert root is not None, f"no /Declaration row in {DATA_FILE}"
    return root


def _schema_root(schema: Path) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.parse(str(schema), parser).getroot()


def _imported(schema: Path, root: etree._Element) -> list[Path]:
    return [
        (schema.parent / i.get("schemaLocation", "")).resolve()
        for i in root.iterfind(f"{_XS}import")
    ]


def _qname(element: etree._Element, text: str) -> tuple[str, str]:
    """A QName written in a schema (``udt:CodeType``) as (namespace, local name)."""
    prefix, _, local = text.rpartition(":")
    return element.nsmap.get(prefix or None, "") or "", local


@cache
def metadata_attributes() -> dict[str, dict[str, int | None]]:
    """The MetaData envelope's own elements, in schema order, each with the XML attributes
    the schema allows on it (``languageID``, ``listID``...) and the ``maxLength`` of the
    attribute's type where it has one (``listAgencyID``: 3), else ``None``.

    Read from the copied ``DocumentMetaData_2_DMS.xsd``, the ``WCO_METADATA_2_DMS.xsd`` it
    imports (the types of the envelope's fields) and the code list schemas that one imports
    (the attributes' restricted types), so that the envelope has one source.
    """
    envelope_root = _schema_root(METADATA_SCHEMA)
    types_schema = _imported(METADATA_SCHEMA, envelope_root)[0]
    types_root = _schema_root(types_schema)
    max_length_of_type: dict[str, int] = {}
    for code_list in _imported(types_schema, types_root):
        for simple in _schema_root(code_list).iterfind(f"{_XS}simpleType"):
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


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """An XML attribute the schema allows on a leaf.

    ``base``: the XSD built-in type its type is or restricts (``string``, ``token``,
    ``language``, ``anyURI``); ``max_length``, ``pattern`` (an XSD regular expression) and
    ``enumeration``: the facets of its type where that is a restricted one (``listAgencyID``:
    the UN/ECE agency code type, maxLength 3 and pattern ``.{1,3}``).
    """

    name: str
    base: str
    max_length: int | None = None
    pattern: str | None = None
    enumeration: tuple[str, ...] = ()


@cache
def leaf_attribute_types() -> dict[str, dict[str, AttributeSpec]]:
    """The XML attributes the schema allows on each leaf type of the declaration that has
    any, by the type's name (``DeclarationFunctionalReferenceIDType``: the dictionary's
    ``type`` without ``ds:``), in schema order.

    Read from the copied ``WCO_DEC_DS_2_DMS.xsd``, whose leaf types restrict the UN/CEFACT
    ``udt:`` types (and could prohibit or narrow their attributes: a restriction's own
    ``xs:attribute`` is applied), the ``UnqualifiedDataType_6_DMS.xsd`` it imports (the
    attributes of ``udt:TextType``: ``languageID``; ``CodeType``: ``listID``,
    ``listAgencyID``...; ``IDType``: ``schemeID``...; the value kinds' ``currencyID``,
    ``unitCode``) and the code list schemas that one imports (the attributes' restricted
    types), so that the declaration's attributes have one source as the envelope's do
    (``metadata_attributes``). A date-time's ``formatCode`` is on its ``DateTimeString``,
    not on the leaf; numbers (``udt:NumericType``) take no attribute.
    """
    leaf_types_root = _schema_root(LEAF_TYPES_SCHEMA)
    udt_schema = _imported(LEAF_TYPES_SCHEMA, leaf_types_root)[0]
    udt_root = _schema_root(udt_schema)
    simple_roots = [udt_root, *(_schema_root(p) for p in _imported(udt_schema, udt_root))]

    restrictions: dict[tuple[str, str], etree._Element] = {}
    for root in simple_roots:
        namespace = root.get("targetNamespace", "")
        for simple in root.iterfind(f"{_XS}simpleType"):
            restriction = simple.find(f"{_XS}restriction")
            if restriction is not None:
                restrictions[(namespace, simple.get("name", ""))] = restriction

    def attribute_spec(attribute: etree._Element) -> AttributeSpec:
        name = attribute.get("name", "")
        namespace, local = _qname(attribute, attribute.get("type", "xs:anySimpleType"))
        max_length: int | None = None
        pattern: str | None = None
        enumeration: list[str] = []
        # A restricted simple type, possibly of another one: its facets, then its base's.
        while namespace != _XS_NAMESPACE:
            restriction = restrictions.get((namespace, local))
            assert restriction is not None, f"type {local} of {name} not in the copied schemas"
            # The derived type's facets hold where both types have one (they narrow).
            inherited_enumeration = not enumeration
            for facet in restriction:
                facet_name = facet.tag.removeprefix(_XS) if isinstance(facet.tag, str) else ""
                if facet_name == "maxLength" and max_length is None:
                    max_length = int(facet.get("value", ""))
                elif facet_name == "pattern" and pattern is None:
                    pattern = facet.get("value", "")
                elif facet_name == "enumeration" and inherited_enumeration:
                    enumeration.append(facet.get("value", ""))
            namespace, local = _qname(restriction, restriction.get("base", ""))
        return AttributeSpec(name, local, max_length, pattern, tuple(enumeration))

    udt_namespace = udt_root.get("targetNamespace", "")
    udt_attributes = {
        (udt_namespace, complex_type.get("name", "")): {
            a.get("name", ""): attribute_spec(a) for a in complex_type.iter(f"{_XS}attribute")
        }
        for complex_type in udt_root.iterfind(f"{_XS}complexType")
    }
    out: dict[str, dict[str, AttributeSpec]] = {}
    for complex_type in leaf_types_root.iterfind(f"{_XS}complexType"):
        derivation = complex_type.find(f"{_XS}simpleContent/*")
        if derivation is None:
            continue  # a date-time: a choice of its DateTimeString
        attributes = dict(udt_attributes.get(_qname(derivation, derivation.get("base", "")), {}))
        for attribute in derivation.iterfind(f"{_XS}attribute"):
            name = attribute.get("name", "")
            if attribute.get("use") == "prohibited":
                attributes.pop(name, None)
            elif attribute.get("type") is not None or name not in attributes:
                attributes[name] = attribute_spec(attribute)
        if attributes:
            out[complex_type.get("name", "")] = attributes
    return out


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
