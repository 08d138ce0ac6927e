"""Namespaces, the MetaData envelope's fields and the value normalisation of leaves.

Shared by the reader, the writer and the comparison so that all three agree on what a
value "is" (source: the XSD built-in types the DEC-DMS 2.15 leaves derive from).
"""

import re
from functools import cache
from pathlib import Path

from lxml import etree

from datamodel.dictionary import ElementSpec

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "schemas"
SUBMIT_SCHEMA = SCHEMA_DIR / "customs" / "wrapper_submit.xsd"
# The cancellation ("invalidation") message of CDS: its entry point, and the Declaration
# it holds (FunctionCode 13, TypeCode INV; ``datamodel.messages``).
CANCEL_SCHEMA = SCHEMA_DIR / "customs" / "wrapper_cancel.xsd"
CANCEL_DECLARATION_SCHEMA = SCHEMA_DIR / "wco" / "declaration" / "CANCEL.xsd"
CANCEL_METADATA_SCHEMA = SCHEMA_DIR / "wco" / "declaration" / "CANCEL_METADATA.xsd"
METADATA_SCHEMA = SCHEMA_DIR / "wco" / "declaration" / "DocumentMetaData_2_DMS.xsd"

NS_METADATA = "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
NS_DEC = "urn:wco:datamodel:WCO:DEC-DMS:2"
# The DateTimeString child of a date-time element is declared locally in the
# Declaration_DS schema (elementFormDefault="qualified"), hence its own namespace.
NS_DEC_DS = "urn:wco:datamodel:WCO:Declaration_DS:DMS:2"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

TAG_METADATA = f"{{{NS_METADATA}}}MetaData"
TAG_DECLARATION = f"{{{NS_DEC}}}Declaration"
TAG_DATETIME_STRING = f"{{{NS_DEC_DS}}}DateTimeString"
DATETIME_STRING = "DateTimeString"

# Values written into a new envelope when the document carries no "MetaData" object:
# WCO DM 3.6, a declaration (DEC). Source: the envelope of every sample declaration.
DEFAULT_METADATA: dict[str, str] = {"WCODataModelVersionCode": "3.6", "WCOTypeName": "DEC"}

# How the XSD reads a leaf's text before checking facets (XSD 1.0 part 2, whiteSpace):
# xs:token collapses runs of blanks, xs:decimal collapses and has a canonical form,
# xs:string keeps every character.
TOKEN, DECIMAL, STRING = "token", "decimal", "string"
_WHITESPACE_BY_BASE = {
    "udt:CodeType": TOKEN,
    "udt:AmountType": DECIMAL,
    "udt:MeasureType": DECIMAL,
    "udt:QuantityType": DECIMAL,
    "udt:NumericType": DECIMAL,
}
_XSD_BLANKS = re.compile(r"[ \t\n\r]+")
# ASCII digits only: xs:decimal's lexical space (Python's \d would accept other scripts).
_DECIMAL = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")


def text_kind(spec: ElementSpec) -> str:
    """``token``, ``decimal`` or ``string``: how the XSD treats the leaf's text."""
    return _WHITESPACE_BY_BASE.get(spec.base_type, STRING)


def canonical_decimal(text: str) -> str | None:
    """The canonical form of an xs:decimal lexical value, or ``None`` if it is not one.

    ``" +0012.500 "`` -> ``"12.5"``, ``"-0.0"`` -> ``"0"``, ``"7."`` -> ``"7"``. No exponent
    (xs:decimal has none), so this never writes ``1E+2`` as ``Decimal.normalize`` would.
    """
    match = _DECIMAL.fullmatch(text.strip(" \t\n\r"))
    if match is None:
        return None
    sign, whole, fraction = match.groups()
    if not whole and not fraction:
        return None
    whole = whole.lstrip("0") or "0"
    fraction = (fraction or "").rstrip("0")
    number = f"{whole}.{fraction}" if fraction else whole
    return "-" + number if sign == "-" and number != "0" else number


def collapse_token(text: str) -> str:
    """xs:token whitespace collapse: trim and fold runs of XSD blanks into one space."""
    text = text.strip(" \t\n\r")
    if "  " in text or "\t" in text or "\n" in text or "\r" in text:
        text = _XSD_BLANKS.sub(" ", text)
    return text


def normalise_text(kind: str, text: str) -> str:
    """The value of a leaf as the XSD sees it, in canonical form where one exists.

    Text that is not a valid value of its type (``"abc"`` for a decimal) is returned
    trimmed but otherwise unchanged, so that error messages show what the trader sent.
    """
    if kind == STRING:
        return text
    if kind == DECIMAL:
        return canonical_decimal(text) or text.strip(" \t\n\r")
    return collapse_token(text)


@cache
def metadata_fields() -> dict[str, str]:
    """The MetaData envelope's own elements in schema order, each with its text kind.

    Read from the copied ``DocumentMetaData_2_DMS.xsd`` so that the envelope has one source.
    Code types (``ds:...CodeType``) derive from xs:token, the text types from xs:string.
    """
    xs = "{http://www.w3.org/2001/XMLSchema}"
    root = etree.parse(str(METADATA_SCHEMA), etree.XMLParser(no_network=True)).getroot()
    envelope = root.find(f"{xs}element[@name='MetaData']")
    assert envelope is not None, f"no MetaData element in {METADATA_SCHEMA}"
    return {
        el.get("name", ""): TOKEN if el.get("type", "").endswith("CodeType") else STRING
        for el in envelope.iterfind(f"{xs}complexType/{xs}sequence/{xs}element")
    }


def local_name(tag: str) -> str:
    """``{ns}Name`` -> ``Name``."""
    return tag.rpartition("}")[2]


def namespace_of(tag: str) -> str:
    """``{ns}Name`` -> ``ns`` (``""`` when the element has no namespace)."""
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""
