"""datamodel.xmlio.fastread: reading and stage 1 in one walk give exactly what the two steps
(``document_from_xml_tree`` then ``check_structure``) give, or step aside."""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from datamodel.dictionary import ElementSpec, declaration_spec
from datamodel.rules import WATCH
from datamodel.validation import Structure, check_structure
from datamodel.xmlio import (
    declaration_from_xml,
    declaration_to_xml,
    document_from_xml_tree,
    parse_declaration_xml,
    schema_issues,
)
from datamodel.xmlio.fastread import checked_structure
from tests.datamodel.leaf_attributes import sample_with_attributes, with_attributes
from tests.datamodel.samples import SampleFile, sample_files
from tests.datamodel.test_roundtrip_property import DOCUMENTS
from tests.factories import VALID_DOCUMENT, valid_document

VALID_XML = declaration_to_xml(valid_document())


def _root(raw: bytes) -> Any:
    parsed = parse_declaration_xml(raw)
    assert parsed.root is not None, parsed.issues
    return parsed.root


def _as_compared(structure: Structure) -> tuple[str, list[Any], set[Any], list[Any]]:
    # JSON text keeps the key order of the document; leaves in order, by key in order.
    leaves = [(key, [tuple(leaf) for leaf in found]) for key, found in structure.leaves.items()]
    return json.dumps(structure.document), structure.issues, structure.failed, leaves


def two_steps(raw: bytes) -> Structure:
    return check_structure(document_from_xml_tree(_root(raw)), watch=WATCH)


def assert_same_or_stepped_aside(raw: bytes) -> Structure | None:
    """The one walk gives the two steps' outcome, or None when those find an issue."""
    fast = checked_structure(_root(raw), WATCH)
    slow = two_steps(raw)
    if fast is None:
        return None
    assert slow.issues == [], "the one walk accepted what stage 1 reports"
    assert _as_compared(fast) == _as_compared(slow)
    return fast


@pytest.mark.parametrize(
    "sample",
    [pytest.param(f, id=f.id) for f in sample_files() if f.kind in ("declaration", "enveloped")],
)
def test_every_shared_declaration_is_read_in_one_walk_alike(sample: SampleFile) -> None:
    # Every declaration customs accepted or rejected has a stage 1 without issue, so
    # each one takes the one walk, and gets the very outcome of the two steps.
    assert assert_same_or_stepped_aside(sample.path.read_bytes()) is not None


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(DOCUMENTS)
def test_any_document_the_dictionary_allows_is_read_alike(document: dict[str, Any]) -> None:
    # Generated documents carry codes, IDs and texts with and without the attributes their
    # schema types allow, which the one walk reads as the two steps do.
    assert_same_or_stepped_aside(declaration_to_xml(document))


def _without_attributes(node: Any, spec: ElementSpec) -> Any:
    """The document with codes, IDs and texts as plain values."""
    if isinstance(node, list):
        return [_without_attributes(entry, spec) for entry in node]
    if spec.children:
        return {name: _without_attributes(v, spec.children[name]) for name, v in node.items()}
    if spec.value_kind is None and isinstance(node, dict):
        return node["value"]
    return node


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(DOCUMENTS)
def test_any_plain_document_is_read_alike(document: dict[str, Any]) -> None:
    document["Declaration"] = _without_attributes(document["Declaration"], declaration_spec())

    assert_same_or_stepped_aside(declaration_to_xml(document))


def _replace(old: bytes, new: bytes) -> bytes:
    assert old in VALID_XML
    return VALID_XML.replace(old, new, 1)


def test_the_valid_document_is_read_in_one_walk() -> None:
    assert assert_same_or_stepped_aside(VALID_XML) is not None


@pytest.mark.parametrize(
    "raw",
    [
        # xsi attributes are not data: the reader drops them, on classes and on values.
        _replace(
            b"<GoodsShipment>",
            b'<GoodsShipment xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x">',
        ),
        _replace(b"<CountryCode>BR</CountryCode>", b"<CountryCode> br </CountryCode>"),
        _replace(
            b"<SequenceNumeric>1</SequenceNumeric>", b"<SequenceNumeric>001</SequenceNumeric>"
        ),
        _replace(b"<Description>Roasted coffee", b"<Description>  Roasted   coffee "),
        # Attributes of texts, codes and IDs the schema allows: kept stripped, in schema
        # order; blank ones left out; xsi:* dropped beside them.
        _replace(b"<FunctionCode>9<", b'<FunctionCode listID="x">9<'),
        _replace(b"<Description>Roasted", b'<Description languageID=" EN ">Roasted'),
        _replace(
            b"<ID>BR12345678000190<",
            b'<ID xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x"'
            b' schemeAgencyID="ZZZ" schemeID="CNPJ">BR12345678000190<',
        ),
        _replace(b"<TypeCode>", b'<TypeCode listID=" " listName="">'),
        _replace(b"<TypeCode>", b'<TypeCode listURI="urn:x" listAgencyID="6" listID="D">'),
        _replace(
            b"<TypeCode>",
            b'<TypeCode xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x">',
        ),
    ],
    ids=[
        "xsi-attribute",
        "code-normalised",
        "number-normalised",
        "text-with-blanks",
        "attribute-on-code",
        "attribute-on-text",
        "attributes-on-ID-with-xsi",
        "blank-attributes",
        "attributes-out-of-schema-order",
        "xsi-attribute-on-code",
    ],
)
def test_normalised_values_are_read_in_one_walk_alike(raw: bytes) -> None:
    assert assert_same_or_stepped_aside(raw) is not None


def test_every_attribute_the_schema_allows_is_read_in_one_walk_alike() -> None:
    raw = declaration_to_xml(with_attributes(VALID_DOCUMENT))
    assert assert_same_or_stepped_aside(raw) is not None
    assert assert_same_or_stepped_aside(sample_with_attributes()[1]) is not None


@pytest.mark.parametrize(
    "raw",
    [
        _replace(b"<FunctionCode>9</FunctionCode>", b"<FunctionCode>9</FunctionCode><Colour/>"),
        _replace(b"<FunctionCode>9<", b'<FunctionCode colour="red">9<'),
        _replace(b"<FunctionCode>9<", b'<FunctionCode listAgencyID="ABCD">9<'),
        _replace(b"<FunctionCode>9<", b'<FunctionCode languageID="en_GB">9<'),
        _replace(b"<FunctionalReferenceID>", b'<FunctionalReferenceID languageID="EN">'),
        _replace(b"<SequenceNumeric>1<", b'<SequenceNumeric listID="x">1<'),
        _replace(b"<TypeCode>IMA<", b'<TypeCode listID="x"> <'),
        _replace(b"<FunctionCode>9</FunctionCode>", b"<FunctionCode>9</FunctionCode>" * 2),
        _replace(b"<FunctionCode>9</FunctionCode>", b"<FunctionCode> </FunctionCode>"),
        _replace(b"<FunctionCode>9</FunctionCode>", b"<FunctionCode>99</FunctionCode>"),
        _replace(b"<FunctionCode>9</FunctionCode>", b"<FunctionCode><a/></FunctionCode>"),
        _replace(b"<SequenceNumeric>1</SequenceNumeric>", b""),
        _replace(b"<CountryCode>BR</CountryCode>", b"<CountryCode>BRA</CountryCode>"),
        _replace(b'unitCode="KGM"', b'unitCode="KGM" colour="red"'),
        _replace(b"</md:WCOTypeName>", b"</md:WCOTypeName><md:WCOTypeName>DEC</md:WCOTypeName>"),
        _replace(b"<md:WCOTypeName>", b'<md:WCOTypeName colour="red">'),
    ],
    ids=[
        "unknown-element",
        "unknown-attribute-on-code",
        "too-long-attribute-on-code",
        "bad-language-on-code",
        "text-attribute-on-ID",
        "attribute-on-number",
        "attribute-on-blank-code",
        "repeated-once-only",
        "blank",
        "too-long",
        "element-in-value",
        "missing-mandatory",
        "bad-country-format",
        "unknown-attribute-on-measure",
        "repeated-envelope-field",
        "unknown-envelope-attribute",
    ],
)
def test_what_stage_1_reports_is_left_to_the_two_steps(raw: bytes) -> None:
    assert checked_structure(_root(raw), WATCH) is None
    assert two_steps(raw).issues or schema_issues(_root(raw))


def test_out_of_schema_order_is_left_to_the_two_steps() -> None:
    raw = _replace(b"<FunctionCode>9</FunctionCode>", b"").replace(
        b"</Declaration>", b"<FunctionCode>9</FunctionCode></Declaration>"
    )

    assert checked_structure(_root(raw), WATCH) is None


def test_the_import_gives_what_the_two_steps_give() -> None:
    # The same stage 2 runs on either: the whole result is that of validate_declaration.
    from datamodel import validate_declaration

    for raw in (
        VALID_XML,
        _replace(b"<CountryCode>BR</CountryCode>", b"<CountryCode>ZZ</CountryCode>"),
    ):
        imported = declaration_from_xml(raw, lrn_taken=lambda lrn: True)
        expected = validate_declaration(
            document_from_xml_tree(_root(raw)), lrn_taken=lambda lrn: True
        )
        assert json.dumps(imported.document) == json.dumps(expected.document)
        assert imported.issues == expected.issues
