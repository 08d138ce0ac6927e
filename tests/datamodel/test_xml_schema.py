"""XSD validation: the schema's errors become Issues at the WCO pointer and JSON path of the
field concerned (datamodel.xmlio.schema)."""

import re
from collections.abc import Callable

import pytest
from lxml import etree

from datamodel.dictionary import ElementSpec, declaration_spec
from datamodel.issues import IssueCode
from datamodel.xmlio import (
    MAX_DEPTH,
    declaration_schema,
    declaration_to_xml,
    parse_declaration_xml,
)
from datamodel.xmlio.names import SCHEMA_DIR
from datamodel.xmlio.schema import SchemaLoadError, _LocalSchemaResolver, schema_issues
from tests.factories import valid_document

VALID_XML = declaration_to_xml(valid_document()).decode()


def xsd_issues(text: str) -> list[tuple[IssueCode, str, str]]:
    parsed = parse_declaration_xml(text.encode())
    assert parsed.root is not None, parsed.issues
    return [(i.code, i.pointer, i.path) for i in schema_issues(parsed.root)]


def test_the_exported_valid_document_has_no_schema_errors() -> None:
    assert xsd_issues(VALID_XML) == []


def test_the_schema_is_built_once_per_process() -> None:
    assert declaration_schema() is declaration_schema()


def test_schema_imports_outside_the_copied_folder_are_refused(tmp_path) -> None:
    schema = tmp_path / "evil.xsd"
    schema.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:include schemaLocation="/etc/passwd"/></xs:schema>'
    )
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemaResolver())

    with pytest.raises((SchemaLoadError, etree.XMLSchemaParseError)):
        etree.XMLSchema(etree.parse(str(schema), parser))


GOODS_ITEM_1 = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0"

CASES: dict[str, tuple[Callable[[str], str], IssueCode, str, str]] = {
    "missing mandatory element": (
        lambda x: x.replace("<FunctionCode>9</FunctionCode>", ""),
        IssueCode.REQUIRED,
        "42A/017",
        "/Declaration/FunctionCode",
    ),
    "missing mandatory element at the end": (
        lambda x: re.sub(r"<SequenceNumeric>2</SequenceNumeric>", "", x),
        IssueCode.REQUIRED,
        "42A/67A/68A[2]/006",
        "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/1/SequenceNumeric",
    ),
    "text over maxLength": (
        lambda x: x.replace("LRN-2026-000001", "L" * 36),
        IssueCode.TOO_LONG,
        "42A/D026",
        "/Declaration/FunctionalReferenceID",
    ),
    "too many digits": (
        lambda x: x.replace(">1050<", ">12345678901234567<"),
        IssueCode.TOO_LONG,
        "42A/67A/68A[1]/23A/65A/126",
        f"{GOODS_ITEM_1}/Commodity/GoodsMeasure/GrossMassMeasure",
    ),
    "unknown element": (
        lambda x: x.replace("<FunctionCode>", "<Colour>red</Colour><FunctionCode>"),
        IssueCode.UNKNOWN_ELEMENT,
        "42A/Colour",
        "/Declaration/Colour",
    ),
    "non-repeatable element twice": (
        lambda x: x.replace(
            "<TypeCode>IMA</TypeCode>", "<TypeCode>IMA</TypeCode><TypeCode>IMA</TypeCode>"
        ),
        IssueCode.TOO_MANY,
        "42A/D013[2]",
        "/Declaration/TypeCode/1",
    ),
    "elements out of schema order": (
        lambda x: x.replace(
            "<FunctionalReferenceID>LRN-2026-000001</FunctionalReferenceID>\n    "
            "<TypeCode>IMA</TypeCode>",
            "<TypeCode>IMA</TypeCode><FunctionalReferenceID>LRN-2026-000001"
            "</FunctionalReferenceID>",
        ),
        IssueCode.BAD_FORMAT,
        "42A/D026",
        "/Declaration/FunctionalReferenceID",
    ),
    "not a decimal": (
        lambda x: x.replace(">1050<", ">heavy<"),
        IssueCode.BAD_FORMAT,
        "42A/67A/68A[1]/23A/65A/126",
        f"{GOODS_ITEM_1}/Commodity/GoodsMeasure/GrossMassMeasure",
    ),
    "value outside the enumeration": (
        lambda x: x.replace("<FunctionCode>9<", "<FunctionCode>7<"),
        IssueCode.BAD_FORMAT,
        "42A/017",
        "/Declaration/FunctionCode",
    ),
    "blank text against the pattern": (
        lambda x: x.replace("LRN-2026-000001", "   "),
        IssueCode.BAD_FORMAT,
        "42A/D026",
        "/Declaration/FunctionalReferenceID",
    ),
    "attribute value against its pattern": (
        lambda x: x.replace('currencyID="EUR"', 'currencyID="eur"', 1),
        IssueCode.BAD_FORMAT,
        "42A/109/currencyID",
        "/Declaration/InvoiceAmount/currencyID",
    ),
    "undeclared attribute": (
        lambda x: x.replace("<TypeCode>IMA", '<TypeCode colour="red">IMA', 1),
        IssueCode.UNKNOWN_ELEMENT,
        "42A/D013/colour",
        "/Declaration/TypeCode/colour",
    ),
    "attribute on a number": (
        lambda x: x.replace("<SequenceNumeric>1<", '<SequenceNumeric listID="x">1<', 1),
        IssueCode.UNKNOWN_ELEMENT,
        "42A/67A/68A[1]/006/listID",
        f"{GOODS_ITEM_1}/SequenceNumeric/listID",
    ),
    "attribute of a code against its type": (
        lambda x: x.replace("<TypeCode>IMA", '<TypeCode listAgencyID="ABCD">IMA', 1),
        IssueCode.TOO_LONG,
        "42A/D013/listAgencyID",
        "/Declaration/TypeCode/listAgencyID",
    ),
    "text inside a class": (
        lambda x: x.replace("<GoodsShipment>", "<GoodsShipment>loose text", 1),
        IssueCode.WRONG_TYPE,
        "42A/67A",
        "/Declaration/GoodsShipment",
    ),
    "element inside a value": (
        lambda x: x.replace("<TypeCode>IMA</TypeCode>", "<TypeCode>IMA<Sub/></TypeCode>", 1),
        IssueCode.WRONG_TYPE,
        "42A/D013",
        "/Declaration/TypeCode",
    ),
    "unknown envelope element": (
        lambda x: x.replace("<md:WCOTypeName>", "<md:Colour>red</md:Colour><md:WCOTypeName>"),
        IssueCode.UNKNOWN_ELEMENT,
        "MetaData/Colour",
        "/MetaData/Colour",
    ),
    "envelope without declaration": (
        lambda x: re.sub(r"<Declaration>.*</Declaration>", "", x, flags=re.S),
        IssueCode.REQUIRED,
        "42A",
        "/Declaration",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_schema_errors_map_to_issues_at_the_field(case: str) -> None:
    mutate, code, pointer, path = CASES[case]
    mutated = mutate(VALID_XML)
    assert mutated != VALID_XML, "the mutation must change the document"

    assert xsd_issues(mutated) == [(code, pointer, path)]


def test_date_time_errors_point_at_the_date_time_leaf() -> None:
    document = valid_document(AcceptanceDateTime={"value": "20250101", "formatCode": "102"})
    text = declaration_to_xml(document).decode()

    wrong_value = xsd_issues(text.replace(">20250101<", ">1.1.2025<"))
    wrong_format_code = xsd_issues(text.replace('formatCode="102"', 'formatCode="999"'))
    missing_format_code = xsd_issues(text.replace(' formatCode="102"', ""))

    assert wrong_value == [(IssueCode.BAD_FORMAT, "42A/023", "/Declaration/AcceptanceDateTime")]
    assert wrong_format_code == [
        (IssueCode.BAD_FORMAT, "42A/023/formatCode", "/Declaration/AcceptanceDateTime/formatCode")
    ]
    assert missing_format_code == [
        (IssueCode.REQUIRED, "42A/023/formatCode", "/Declaration/AcceptanceDateTime/formatCode")
    ]


def test_one_issue_per_field_and_one_per_problem_elsewhere() -> None:
    mutated = VALID_XML.replace("LRN-2026-000001", "L" * 36).replace(">1050<", ">heavy<")

    assert [code for code, _pointer, _path in xsd_issues(mutated)] == [
        IssueCode.TOO_LONG,
        IssueCode.BAD_FORMAT,
    ]


def test_a_wrapped_declaration_is_validated_on_its_own() -> None:
    body = VALID_XML.split("?>", 1)[1]
    wrapped = (
        f'<env:Request xmlns:env="urn:example:transport"><env:Body>{body}</env:Body></env:Request>'
    )

    mutated = wrapped.replace("LRN-2026-000001", "L" * 36)

    assert xsd_issues(wrapped) == []
    assert xsd_issues(mutated) == [
        (IssueCode.TOO_LONG, "42A/D026", "/Declaration/FunctionalReferenceID")
    ]


# --- what the import relies on ----------------------------------------------------------------

XS = "{http://www.w3.org/2001/XMLSchema}"


def _schema_depth() -> int:
    """The deepest element nesting a document valid against the submission schema can have,
    computed from the copied XSD files: MetaData, then the Declaration's element tree.

    Fails when the schema could nest without bound (a recursive type) or admit elements it
    does not declare (``xs:any`` other than MetaData's strict one for the Declaration)."""
    folder = SCHEMA_DIR / "wco" / "declaration"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    dec = etree.parse(str(folder / "WCO_DEC_2_DMS.xsd"), parser).getroot()
    ds = etree.parse(str(folder / "WCO_DS" / "WCO_DEC_DS_2_DMS.xsd"), parser).getroot()
    assert dec.find(f".//{XS}any") is None and ds.find(f".//{XS}any") is None
    assert [e.get("name") for e in dec.iterfind(f"{XS}element")] == ["Declaration"]
    types = {
        **{t.get("name"): t for t in dec.iterfind(f"{XS}complexType")},
        **{f"ds:{t.get('name')}": t for t in ds.iterfind(f"{XS}complexType")},
    }

    def content(element: etree._Element) -> list[etree._Element]:
        """The element declarations of an element's content model (not deeper)."""
        body = types.get(element.get("type", ""))
        if body is None:
            body = element.find(f"{XS}complexType")
        if body is None:
            return []
        return [
            e
            for e in body.iter(f"{XS}element")
            if next(a for a in e.iterancestors(f"{XS}element", f"{XS}complexType")) is body
        ]

    def depth(element: etree._Element, seen: tuple[str, ...]) -> int:
        name = element.get("type") or element.get("name", "")
        assert name not in seen, f"recursive type {name}"
        children = content(element)
        return 1 + max((depth(c, (*seen, name)) for c in children), default=0)

    return 1 + depth(dec.find(f"{XS}element"), ())


def test_a_schema_valid_declaration_is_far_from_the_depth_limit() -> None:
    # declaration_from_xml leaves out the depth search for a document the schema accepts
    # whole. The schema's depth is that of the dictionary's deepest leaf (a date-time's
    # DateTimeString one more) under MetaData.
    deepest_leaf = max(
        len(leaf.path) + (leaf.value_kind == "datetime") for leaf in _leaves(declaration_spec())
    )

    assert _schema_depth() == 1 + deepest_leaf
    assert _schema_depth() < MAX_DEPTH


def _leaves(spec: ElementSpec) -> list[ElementSpec]:
    if spec.is_leaf:
        return [spec]
    return [leaf for child in spec.children.values() for leaf in _leaves(child)]
