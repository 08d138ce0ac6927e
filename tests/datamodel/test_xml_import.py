"""declaration_from_xml: the whole import path, the kinds of document it refuses or unwraps,
and one report per field from the XSD and the JSON validation together."""

import json
from datetime import date

import pytest

from datamodel import validate_declaration
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.xmlio import (
    MAX_DEPTH,
    compare_declarations,
    declaration_from_xml,
    declaration_to_xml,
    parse_declaration_xml,
    schema_issues,
)
from datamodel.xmlio.importing import merge_issues
from tests.datamodel.leaf_attributes import sample_with_attributes
from tests.factories import valid_document

VALID_XML = declaration_to_xml(valid_document())
BODY = VALID_XML.split(b"?>", 1)[1]
TODAY = date(2026, 3, 1)


def codes(raw: bytes, **kwargs: object) -> list[IssueCode]:
    return [issue.code for issue in declaration_from_xml(raw, today=TODAY, **kwargs).issues]


# --- what is and is not a declaration ---------------------------------------------------------


def test_a_valid_declaration_is_accepted_with_its_canonical_document() -> None:
    result = declaration_from_xml(VALID_XML, today=TODAY)

    assert result.issues == []
    assert result.ok
    assert result.document is not None
    assert result.document["Declaration"] == valid_document()["Declaration"]


def test_a_customs_response_is_not_a_declaration() -> None:
    notification = (
        b'<MetaData xmlns="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2">'
        b"<WCOTypeName>RES</WCOTypeName>"
        b'<Response xmlns="urn:wco:datamodel:WCO:RES-DMS:2"><FunctionCode>01</FunctionCode>'
        b"</Response></MetaData>"
    )

    result = declaration_from_xml(notification)

    assert [i.code for i in result.issues] == [IssueCode.NOT_A_DECLARATION]
    assert "response" in result.issues[0].message
    assert result.document is None


@pytest.mark.parametrize(
    "raw",
    [
        b'<inventoryLinkingMovementRequest xmlns="http://gov.uk/customs/inventoryLinking/v1">'
        b"<messageCode>EAL</messageCode></inventoryLinkingMovementRequest>",
        b"<MetaData><Declaration><FunctionCode>9</FunctionCode></Declaration></MetaData>",
        b'<md:MetaData xmlns:md="urn:example:not-wco"/>',
    ],
    ids=["inventory-linking", "no-namespace", "foreign-namespace"],
)
def test_other_messages_are_not_declarations(raw: bytes) -> None:
    assert codes(raw) == [IssueCode.NOT_A_DECLARATION]


def test_a_transport_envelope_is_unwrapped_with_a_warning() -> None:
    wrapped = (
        b'<v1:submitDeclarationRequest xmlns:v1="urn:example:gateway"><v1:requestCommon>'
        b"<v1:clientID>abc</v1:clientID></v1:requestCommon><v1:requestDetail>"
        + BODY
        + b"</v1:requestDetail></v1:submitDeclarationRequest>"
    )

    result = declaration_from_xml(wrapped, today=TODAY)
    plain = declaration_from_xml(VALID_XML, today=TODAY)

    assert result.issues[0].code == IssueCode.ENVELOPE_UNWRAPPED
    assert result.issues[0].severity == Severity.WARNING
    assert "submitDeclarationRequest" in result.issues[0].message
    assert result.issues[1:] == plain.issues
    assert result.document == plain.document
    assert result.ok == plain.ok


def test_an_envelope_with_two_declarations_is_refused() -> None:
    wrapped = b"<batch>" + BODY + BODY + b"</batch>"

    result = declaration_from_xml(wrapped)

    assert [i.code for i in result.issues] == [IssueCode.NOT_A_DECLARATION]
    assert "2 declarations" in result.issues[0].message


@pytest.mark.parametrize(
    ("element", "field", "leaf"),
    [
        (
            b'<md:WCOTypeName languageID="EN">DEC</md:WCOTypeName>',
            "WCOTypeName",
            {"value": "DEC", "languageID": "EN"},
        ),
        (
            b'<md:WCODataModelVersionCode listAgencyID="5" listID="WCO">3.6'
            b"</md:WCODataModelVersionCode>",
            "WCODataModelVersionCode",
            {"value": "3.6", "listAgencyID": "5", "listID": "WCO"},
        ),
    ],
    ids=["languageID", "list-attributes"],
)
def test_metadata_attributes_the_schema_allows_are_imported_and_exported(
    element: bytes, field: str, leaf: dict[str, str]
) -> None:
    # given a schema-valid declaration whose envelope field carries attributes
    tag = field.encode()
    start = VALID_XML.index(b"<md:" + tag + b">")
    end = VALID_XML.index(b"</md:" + tag + b">") + len(b"</md:" + tag + b">")
    raw = VALID_XML[:start] + element + VALID_XML[end:]
    parsed = parse_declaration_xml(raw)
    assert parsed.root is not None and schema_issues(parsed.root) == []

    # when imported
    result = declaration_from_xml(raw, today=TODAY)

    # then it is accepted, with the field in the leaf form
    assert result.issues == []
    assert result.document is not None
    assert result.document["MetaData"][field] == leaf
    # and the export writes the attributes back: schema-valid, nothing lost
    exported = declaration_to_xml(result.document)
    back = parse_declaration_xml(exported)
    assert back.root is not None and schema_issues(back.root) == []
    assert compare_declarations(raw, exported) == []


def test_a_metadata_attribute_the_schema_refuses_is_reported_once() -> None:
    raw = VALID_XML.replace(b"<md:WCOTypeName>", b'<md:WCOTypeName colour="red">')

    result = declaration_from_xml(raw, today=TODAY)

    assert [(i.code, i.path) for i in result.issues] == [
        (IssueCode.UNKNOWN_ELEMENT, "/MetaData/WCOTypeName/colour")
    ]


# --- attributes of texts, codes and IDs --------------------------------------------------------


def test_a_declaration_whose_texts_codes_and_ids_carry_attributes_is_accepted() -> None:
    # given an accepted sample with attributes the schema allows on a text, codes and IDs
    raw, edited = sample_with_attributes()
    parsed = parse_declaration_xml(edited)
    assert parsed.root is not None and schema_issues(parsed.root) == []

    # when imported
    result = declaration_from_xml(edited, today=TODAY)

    # then it is accepted as the sample is, the attributed leaves in the leaf form
    assert result.errors == []
    assert result.issues == declaration_from_xml(raw, today=TODAY).issues
    assert result.document is not None
    declaration = result.document["Declaration"]
    item = declaration["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]
    assert item["Commodity"]["Description"] == {
        "value": "Antiques - Original engravings, prints and lithographs",
        "languageID": "EN",
    }
    assert declaration["TypeCode"] == {"value": "IMD", "listAgencyID": "6"}
    assert item["Commodity"]["Classification"] == [
        {
            "ID": {"value": "97020000", "schemeID": "CN8", "schemeAgencyID": "EU"},
            "IdentificationTypeCode": {"value": "TSP", "listID": "CN", "listAgencyID": "ZZZ"},
        }
    ]
    assert declaration["Declarant"]["ID"] == {
        "value": "XI603202734852",
        "schemeID": "EORI",  # in schema order
        "schemeAgencyName": "HMRC",
    }
    # and the export writes them back: schema-valid, nothing lost, read back the same
    exported = declaration_to_xml(result.document)
    back = parse_declaration_xml(exported)
    assert back.root is not None and schema_issues(back.root) == []
    assert compare_declarations(edited, exported) == []
    assert declaration_from_xml(exported, today=TODAY).document == result.document


def test_the_same_declaration_as_json_gives_the_same_result() -> None:
    _raw, edited = sample_with_attributes()
    imported = declaration_from_xml(edited, today=TODAY)

    result = validate_declaration(json.loads(json.dumps(imported.document)), today=TODAY)

    assert result.issues == imported.issues
    assert result.document == imported.document


def test_blank_attributes_are_left_out_and_lose_nothing() -> None:
    # (schema-valid: xs:token and xs:string may be empty; the agency code may not)
    raw = VALID_XML.replace(b"<TypeCode>", b'<TypeCode listID=" " listName="">', 1)

    result = declaration_from_xml(raw, today=TODAY)

    assert result.issues == []
    assert result.document is not None
    assert result.document["Declaration"]["TypeCode"] == "IMA"
    assert compare_declarations(raw, declaration_to_xml(result.document)) == []


@pytest.mark.parametrize(
    ("old", "new", "code", "path"),
    [
        (
            b"<TypeCode>",
            b'<TypeCode colour="red">',
            IssueCode.UNKNOWN_ELEMENT,
            "/Declaration/TypeCode/colour",
        ),
        (
            b"<FunctionalReferenceID>",
            b'<FunctionalReferenceID languageID="EN">',
            IssueCode.UNKNOWN_ELEMENT,
            "/Declaration/FunctionalReferenceID/languageID",
        ),
        (
            b"<Description>Roasted",
            b'<Description languageID="en_GB">Roasted',
            IssueCode.BAD_FORMAT,
            "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/Commodity/Description"
            "/languageID",
        ),
        (
            b"<TypeCode>",
            b'<TypeCode listAgencyID="ABCD">',
            IssueCode.TOO_LONG,
            "/Declaration/TypeCode/listAgencyID",
        ),
        (
            b"<SequenceNumeric>1<",
            b'<SequenceNumeric listID="x">1<',
            IssueCode.UNKNOWN_ELEMENT,
            "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/SequenceNumeric/listID",
        ),
    ],
    ids=["unknown", "languageID-on-an-ID", "bad-language", "agency-too-long", "on-a-number"],
)
def test_a_wrong_attribute_on_a_leaf_is_reported_once(
    old: bytes, new: bytes, code: IssueCode, path: str
) -> None:
    # The XSD reports it; stage 1 finds it too, on the same field, and is not listed again.
    raw = VALID_XML.replace(old, new, 1)

    result = declaration_from_xml(raw, today=TODAY)

    assert [(i.code, i.path) for i in result.issues] == [(code, path)]


# --- depth: the search runs unless the schema bounded it -------------------------------------

DEEP = b"<Nest>" * (MAX_DEPTH + 1) + b"</Nest>" * (MAX_DEPTH + 1)


@pytest.mark.parametrize(
    "raw",
    [
        VALID_XML.replace(b"<FunctionCode>", DEEP + b"<FunctionCode>", 1),
        VALID_XML.replace(b"</md:MetaData>", DEEP + b"</md:MetaData>", 1),
        b"<Envelope><Header>" + DEEP + b"</Header>" + BODY + b"</Envelope>",
    ],
    ids=["in-the-declaration", "in-the-envelope", "beside-the-declaration"],
)
def test_a_too_deep_document_is_refused_whole(raw: bytes) -> None:
    # As parse_declaration_xml refuses it: one TOO_LARGE issue, no document.
    result = declaration_from_xml(raw)

    assert [i.code for i in result.issues] == [IssueCode.TOO_LARGE]
    assert result.document is None
    assert parse_declaration_xml(raw).issues == result.issues


# --- XSD and JSON validation together ----------------------------------------------------------


def test_a_field_the_xsd_reported_is_not_reported_again_by_stage_1() -> None:
    too_long = VALID_XML.replace(b"LRN-2026-000001", b"L" * 36)

    result = declaration_from_xml(too_long, today=TODAY)

    at_lrn = [i for i in result.issues if i.path == "/Declaration/FunctionalReferenceID"]
    assert [i.code for i in at_lrn] == [IssueCode.TOO_LONG]
    assert not result.ok


def test_every_missing_element_is_reported_once() -> None:
    # The XSD stops at the first content error of a parent; stage 1 finds the others.
    mutated = VALID_XML.replace(b"<SequenceNumeric>1</SequenceNumeric>", b"").replace(
        b"<SequenceNumeric>2</SequenceNumeric>", b""
    )

    issues = declaration_from_xml(mutated, today=TODAY).issues

    required = sorted(i.path for i in issues if i.code == IssueCode.REQUIRED)
    assert required == [
        "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/Packaging/0/SequenceNumeric",
        "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/SequenceNumeric",
        "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/1/Packaging/0/SequenceNumeric",
        "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/1/SequenceNumeric",
    ]


def test_business_rules_run_on_imported_xml() -> None:
    mutated = VALID_XML.replace(b"<CountryCode>BR</CountryCode>", b"<CountryCode>ZZ</CountryCode>")

    assert IssueCode.UNKNOWN_COUNTRY in codes(mutated)


def test_lrn_taken_is_passed_to_the_rules() -> None:
    assert IssueCode.DUPLICATE_LRN in codes(VALID_XML, lrn_taken=lambda lrn: True)
    assert IssueCode.DUPLICATE_LRN not in codes(VALID_XML, lrn_taken=lambda lrn: False)


def _issue(code: IssueCode, path: str) -> Issue:
    return Issue(code=code, pointer="", path=path, message="")


def test_merge_keeps_xsd_issues_and_drops_stage_1_issues_on_the_same_fields() -> None:
    xsd = [_issue(IssueCode.TOO_LONG, "/Declaration/FunctionalReferenceID")]
    json = [
        _issue(IssueCode.TOO_LONG, "/Declaration/FunctionalReferenceID"),  # same field
        _issue(IssueCode.BAD_LRN, "/Declaration/FunctionalReferenceID"),  # a rule: kept
        _issue(IssueCode.REQUIRED, "/Declaration/TypeCode"),  # another field: kept
        _issue(IssueCode.UNKNOWN_ELEMENT, "/Declaration/FunctionalReferenceID/x"),  # inside
    ]

    merged = merge_issues(xsd, json)

    assert [(i.code, i.path) for i in merged] == [
        (IssueCode.TOO_LONG, "/Declaration/FunctionalReferenceID"),
        (IssueCode.BAD_LRN, "/Declaration/FunctionalReferenceID"),
        (IssueCode.REQUIRED, "/Declaration/TypeCode"),
    ]
