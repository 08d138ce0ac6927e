"""Declarations whose texts, codes and IDs carry the XML attributes their schema types allow
(``languageID``, ``listID``, ``listAgencyID``, ``schemeID``...), as broker software sends them."""

from typing import Any

from datamodel.dictionary import ElementSpec, declaration_spec
from tests.datamodel.samples import SAMPLES

# A value each attribute of udt:TextType, CodeType and IDType takes (by its schema type).
ATTRIBUTE_EXAMPLES = {
    "languageID": "EN",
    "listID": "DEC-TYPE",
    "listAgencyID": "6",
    "listAgencyName": "UN/ECE",
    "listName": "Declaration types",
    "listVersionID": "D12B",
    "name": "Standard import",
    "listURI": "urn:un:unece:uncefact:codelist:standard:5:3055:D12B",
    "listSchemeURI": "https://unece.org/trade/uncefact/cl",
    "schemeID": "EORI",
    "schemeName": "Economic Operators Registration and Identification",
    "schemeAgencyID": "ZZZ",
    "schemeAgencyName": "HMRC",
    "schemeVersionID": "1",
    "schemeDataURI": "https://ec.europa.eu/taxation_customs/dds2/eos/eori_validation.jsp",
    "schemeURI": "urn:eu:taxud:eori",
}

# A sample customs accepted (TT_IM068a: an import into Northern Ireland), with attributes
# added on a text, codes and IDs, each of which the schema allows.
SAMPLE = SAMPLES / "TT_IM068a" / "TT_IM068a.xml"
SAMPLE_EDITS = (
    (b"<Description>Antiques", b'<Description languageID="EN">Antiques'),
    (b"<TypeCode>IMD</TypeCode>", b'<TypeCode listAgencyID="6">IMD</TypeCode>'),
    (
        b"<IdentificationTypeCode>TSP</IdentificationTypeCode>",
        b'<IdentificationTypeCode listID="CN" listAgencyID="ZZZ">TSP</IdentificationTypeCode>',
    ),
    (
        b"<ID>97020000</ID>",
        b'<ID schemeID="CN8" schemeAgencyID="EU">97020000</ID>',
    ),
    (
        b"<ID>XI603202734852</ID>",
        b'<ID schemeAgencyName="HMRC" schemeID="EORI">XI603202734852</ID>',
    ),
    (b"<CountryCode>US</CountryCode>", b'<CountryCode listID="ISO3166">US</CountryCode>'),
)


def sample_with_attributes() -> tuple[bytes, bytes]:
    """The sample as customs accepted it, and the same with the attributes added."""
    raw = SAMPLE.read_bytes()
    edited = raw
    for old, new in SAMPLE_EDITS:
        assert edited.count(old) == 1, old
        edited = edited.replace(old, new)
    return raw, edited


def with_attributes(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with every text, code and ID carrying every attribute its schema type
    allows (``ATTRIBUTE_EXAMPLES``), in the canonical leaf form."""
    out = dict(document)
    out["Declaration"] = _with_attributes(document["Declaration"], declaration_spec())
    return out


def _with_attributes(node: Any, spec: ElementSpec) -> Any:
    if isinstance(node, list):
        return [_with_attributes(entry, spec) for entry in node]
    if spec.children:
        return {
            name: _with_attributes(value, spec.children[name]) if name in spec.children else value
            for name, value in node.items()
        }
    if spec.value_kind is not None or not spec.allowed_attributes or isinstance(node, dict):
        return node
    return {"value": node, **{name: ATTRIBUTE_EXAMPLES[name] for name in spec.allowed_attributes}}
