"""validate_declaration, stage 1: structure, formats, normalisation, hostile input; and the
customs samples (accepted ones pass, rejected ones are caught at the customs pointer)."""

import copy
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from datamodel import IssueCode, Severity, ValidationResult, validate_declaration
from datamodel.dictionary import ElementSpec, declaration_spec, json_pointer, spec_at, wco_pointer
from datamodel.validation import (
    MAX_ISSUES,
    canonical_decimal,
    check_structure,
    kind_leaf_check,
    text_leaf_attributes_check,
    text_leaf_check,
    text_leaf_object_check,
)
from datamodel.xmlio import declaration_to_xml, parse_declaration_xml, schema_issues
from datamodel.xmlio.names import NS_DEC
from tests.datamodel.leaf_attributes import with_attributes
from tests.factories import VALID_DOCUMENT, valid_document

TODAY = date(2026, 6, 1)
ITEM = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem"


def validate(data: object, **kwargs) -> ValidationResult:
    return validate_declaration(data, today=TODAY, **kwargs)


def issue(result: ValidationResult, code: IssueCode):
    found = [i for i in result.issues if i.code == code]
    assert len(found) == 1, f"expected one {code}, got {[i.as_dict() for i in result.issues]}"
    return found[0]


def first_item(doc: dict) -> dict:
    return doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]


# -- the valid document ----------------------------------------------------------------------


def test_valid_document_is_accepted_as_it_is():
    # given the factory's valid import declaration
    # when it is validated
    result = validate(VALID_DOCUMENT)
    # then there is no issue and the canonical document equals the input
    assert result.ok
    assert result.issues == []
    assert result.document == VALID_DOCUMENT


def test_validation_does_not_change_the_input():
    doc = valid_document()
    before = copy.deepcopy(doc)
    validate(doc)
    assert doc == before


def test_keys_come_out_in_schema_order():
    # given a declarant with ID before Name and header elements shuffled
    doc = valid_document()
    doc["Declaration"]["Declarant"] = {"ID": "GB123456789000", "Name": "Example Importers Ltd"}
    doc["Declaration"] = dict(reversed(list(doc["Declaration"].items())))
    # when validated
    result = validate(doc)
    # then keys follow the dictionary: Name (R124) before ID (R123), FunctionCode first
    assert list(result.document["Declaration"]["Declarant"]) == ["Name", "ID"]
    assert list(result.document["Declaration"])[:3] == [
        "FunctionCode",
        "FunctionalReferenceID",
        "TypeCode",
    ]


# -- normalisation ---------------------------------------------------------------------------


def test_strings_are_stripped_and_codes_upper_cased():
    doc = valid_document(FunctionalReferenceID="  LRN-1  ", TypeCode=" IMA ")
    doc["Declaration"]["Exporter"]["Address"]["CountryCode"] = " br "
    doc["Declaration"]["InvoiceAmount"]["currencyID"] = "eur"
    doc["Declaration"]["GoodsShipment"]["TradeTerms"]["ConditionCode"] = "fob"
    first_item(doc)["Commodity"]["GoodsMeasure"]["GrossMassMeasure"]["unitCode"] = "kgm"
    result = validate(doc)
    declaration = result.document["Declaration"]
    assert result.ok, [i.as_dict() for i in result.issues]
    assert declaration["FunctionalReferenceID"] == "LRN-1"
    assert declaration["TypeCode"] == "IMA"
    assert declaration["Exporter"]["Address"]["CountryCode"] == "BR"
    assert declaration["InvoiceAmount"]["currencyID"] == "EUR"
    assert declaration["GoodsShipment"]["TradeTerms"]["ConditionCode"] == "FOB"
    measures = declaration["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]["Commodity"]
    assert measures["GoodsMeasure"]["GrossMassMeasure"]["unitCode"] == "KGM"


def test_code_values_have_inner_blanks_folded():
    doc = valid_document()
    first_item(doc)["Commodity"]["Classification"][0]["IdentificationTypeCode"] = " H S "
    result = validate(doc)
    assert first_item(result.document)["Commodity"]["Classification"][0][
        "IdentificationTypeCode"
    ] == ("H S")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("12.500", "12.5"),
        ("0012", "12"),
        ("+7.", "7"),
        (".5", "0.5"),
        ("-0", "0"),
        ("-0.000", "0"),
        (-0.0, "0"),
        (1e-05, "0.00001"),
        (1050, "1050"),
        (1050.25, "1050.25"),
        (Decimal("1E+3"), "1000"),
        ("-3.10", "-3.1"),
    ],
)
def test_decimals_become_canonical_decimal_strings(raw, canonical):
    assert canonical_decimal(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    ["1e3", "1E+3", "", ".", "-", "12,5", "0x10", "١٢", float("nan"), float("inf"), True, None],
)
def test_non_decimals_are_refused(raw):
    assert canonical_decimal(raw) is None


def test_bare_scalars_become_value_objects():
    # given amounts, measures and quantities as bare JSON numbers and strings
    doc = valid_document(GoodsItemQuantity=2, InvoiceAmount={"value": 15000.0, "currencyID": "EUR"})
    measures = first_item(doc)["Commodity"]["GoodsMeasure"]
    measures["GrossMassMeasure"] = "1050.000"
    measures["NetNetWeightMeasure"] = 1000
    # when validated
    result = validate(doc)
    # then each is a {"value": ...} object with a canonical decimal string
    assert result.ok, [i.as_dict() for i in result.issues]
    declaration = result.document["Declaration"]
    assert declaration["GoodsItemQuantity"] == {"value": "2"}
    assert declaration["InvoiceAmount"] == {"value": "15000", "currencyID": "EUR"}
    measures = first_item(result.document)["Commodity"]["GoodsMeasure"]
    assert measures["GrossMassMeasure"] == {"value": "1050"}
    assert measures["NetNetWeightMeasure"] == {"value": "1000"}


def test_integers_are_refused_for_codes():
    # A code sent as a JSON number would lose its leading zeros (issue 7; see
    # tests/datamodel/test_input_hardening.py).
    result = validate(valid_document(FunctionCode=9))
    assert [(i.code, i.path) for i in result.errors] == [
        (IssueCode.WRONG_TYPE, "/Declaration/FunctionCode")
    ]


def test_date_time_gets_the_format_code_its_length_implies():
    doc = valid_document(AcceptanceDateTime="20250131113636Z", IssueDateTime={"value": "20250131"})
    result = validate(doc)
    assert result.ok, [i.as_dict() for i in result.issues]
    declaration = result.document["Declaration"]
    assert declaration["AcceptanceDateTime"] == {"value": "20250131113636Z", "formatCode": "304"}
    assert declaration["IssueDateTime"] == {"value": "20250131", "formatCode": "102"}


@pytest.mark.parametrize(
    "value", ["2025-01-31", "20251331", "20250131253000Z", "20250131113636+0100", "19990131"]
)
def test_malformed_date_times_are_bad_format(value):
    result = validate(valid_document(AcceptanceDateTime={"value": value, "formatCode": "304"}))
    found = issue(result, IssueCode.BAD_FORMAT)
    assert (found.pointer, found.path) == ("42A/023", "/Declaration/AcceptanceDateTime")


def test_format_code_must_match_the_date_time():
    result = validate(
        valid_document(AcceptanceDateTime={"value": "20250131113636Z", "formatCode": "102"})
    )
    found = issue(result, IssueCode.BAD_FORMAT)
    assert found.path == "/Declaration/AcceptanceDateTime/formatCode"
    assert found.pointer == "42A/023/formatCode"


def test_blank_values_count_as_absent():
    # given an optional element sent empty, as a browser form does
    doc = valid_document(DeclarationOfficeID="   ", ID=None)
    result = validate(doc)
    assert result.ok
    assert "DeclarationOfficeID" not in result.document["Declaration"]
    assert "ID" not in result.document["Declaration"]


def test_metadata_is_kept_as_given():
    doc = valid_document()
    doc["MetaData"] = {"WCODataModelVersionCode": " 3.6 ", "WCOTypeName": "DEC"}
    result = validate(doc)
    assert result.ok
    assert result.document["MetaData"] == {"WCODataModelVersionCode": "3.6", "WCOTypeName": "DEC"}


def test_metadata_values_must_be_texts():
    doc = valid_document()
    doc["MetaData"] = {"WCOTypeName": {"nested": 1}}
    found = issue(validate(doc), IssueCode.WRONG_TYPE)
    assert (found.pointer, found.path) == ("MetaData/WCOTypeName", "/MetaData/WCOTypeName")


def test_metadata_with_attributes_the_schema_allows_is_kept_stripped():
    # given envelope fields in the leaf form, as the XML import gives them
    doc = valid_document()
    doc["MetaData"] = {
        "WCODataModelVersionCode": {"value": " 3.6 ", "listAgencyID": " 5 ", "listID": ""},
        "WCOTypeName": {"value": "DEC", "languageID": "EN"},
        "ResponsibleAgencyName": {"value": "HMRC", "languageID": None},
    }
    # when validated
    result = validate(doc)
    # then they pass, stripped, blank attributes left out (and with them the leaf form)
    assert result.ok, [i.as_dict() for i in result.issues]
    assert result.document["MetaData"] == {
        "WCODataModelVersionCode": {"value": "3.6", "listAgencyID": "5"},
        "WCOTypeName": {"value": "DEC", "languageID": "EN"},
        "ResponsibleAgencyName": "HMRC",
    }


@pytest.mark.parametrize(
    ("field", "code", "path"),
    [
        ({"value": "DEC", "listID": "x"}, IssueCode.UNKNOWN_ELEMENT, "/WCOTypeName/listID"),
        ({"value": "DEC", "languageID": {"a": 1}}, IssueCode.WRONG_TYPE, "/WCOTypeName/languageID"),
        ({"value": "DEC", "languageID": "E\x00N"}, IssueCode.BAD_FORMAT, "/WCOTypeName/languageID"),
        ({"value": "DEC", "languageID": "E" * 513}, IssueCode.TOO_LONG, "/WCOTypeName/languageID"),
        ({"value": ["DEC"], "languageID": "EN"}, IssueCode.WRONG_TYPE, "/WCOTypeName"),
        ({"languageID": "EN"}, IssueCode.WRONG_TYPE, "/WCOTypeName"),
    ],
    ids=["not-allowed", "not-text", "control", "too-long", "value-not-text", "no-value"],
)
def test_metadata_attributes_are_checked(field, code, path):
    doc = valid_document()
    doc["MetaData"] = {"WCOTypeName": field}
    result = validate(doc)
    found = issue(result, code)
    assert (found.pointer, found.path) == (f"MetaData{path}", f"/MetaData{path}")
    assert not result.ok


@pytest.mark.parametrize("agency", ["ABCD", "A\nB"])
def test_metadata_list_agency_id_keeps_to_its_schema_type(agency):
    # the schema's AgencyIdentificationCodeContentType: maxLength 3, pattern .{1,3}
    doc = valid_document()
    doc["MetaData"] = {"ResponsibleCountryCode": {"value": "GB", "listAgencyID": agency}}
    result = validate(doc)
    assert [(i.code, i.path) for i in result.errors] == [
        (
            IssueCode.TOO_LONG if len(agency) > 3 else IssueCode.BAD_FORMAT,
            "/MetaData/ResponsibleCountryCode/listAgencyID",
        )
    ]


def test_an_unknown_metadata_field_takes_no_attribute():
    doc = valid_document()
    doc["MetaData"] = {"Colour": {"value": "blue", "languageID": "EN"}}
    found = issue(validate(doc), IssueCode.UNKNOWN_ELEMENT)
    assert found.path == "/MetaData/Colour/languageID"


# -- attributes of texts, codes and IDs --------------------------------------------------------

DESCRIPTION = ("GoodsShipment", "GovernmentAgencyGoodsItem", 0, "Commodity", "Description")


def _at(doc: dict | None, *parts: str | int) -> object:
    """The element at ``parts`` of the declaration, ``None`` where there is none."""
    node: object = (doc or {}).get("Declaration")
    for part in parts:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def _put(doc: dict, parts: tuple[str | int, ...], value: object) -> dict:
    node = doc["Declaration"]
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    return doc


def test_leaves_with_the_attributes_their_schema_types_allow_are_accepted():
    # given a text, a code and an ID with attributes, as broker software sends them
    doc = valid_document(
        TypeCode={"listAgencyID": " 6 ", "value": "IMA", "listID": "DEC-TYPE"},
        Declarant={"ID": {"value": "GB123456789000", "schemeID": "EORI"}},
    )
    _put(doc, DESCRIPTION, {"value": " Roasted coffee ", "languageID": " EN "})
    # when validated
    result = validate(doc)
    # then they pass, stripped, the attributes in schema order after the value
    assert result.issues == []
    declaration = result.document["Declaration"]
    assert list(declaration["TypeCode"].items()) == [
        ("value", "IMA"),
        ("listID", "DEC-TYPE"),
        ("listAgencyID", "6"),
    ]
    assert declaration["Declarant"]["ID"] == {"value": "GB123456789000", "schemeID": "EORI"}
    assert _at(result.document, *DESCRIPTION) == {"value": "Roasted coffee", "languageID": "EN"}


def test_every_attribute_the_schema_allows_on_every_leaf_is_accepted_as_it_is():
    doc = with_attributes(VALID_DOCUMENT)

    result = validate(doc)

    assert result.issues == []
    assert result.document == doc


def test_a_leaf_whose_attributes_are_all_blank_is_its_plain_value():
    doc = valid_document(TypeCode={"value": " IMA ", "listID": " ", "listAgencyID": None})

    result = validate(doc)

    assert result.issues == []
    assert result.document == VALID_DOCUMENT


@pytest.mark.parametrize(
    ("parts", "value"),
    [
        (("FunctionalReferenceID",), "L" * 36),  # too long
        (("FunctionalReferenceID",), "LRN\nTWO"),  # on two lines
        (("FunctionCode",), "10"),  # not in the enumeration
        (("TypeCode",), "  im   a "),  # a code: blanks folded
        (("Exporter", "Address", "CountryCode"), " br "),  # a country: upper-cased
        (("Exporter", "Address", "CountryCode"), "BRA"),  # too long
        (("Exporter", "Name"), 42),  # an integer for a text
        (("Exporter", "Name"), ["Cafe"]),  # not a text
        (DESCRIPTION, "x\x00y"),  # a control character
    ],
)
def test_the_value_of_a_leaf_with_attributes_is_checked_as_its_bare_form(parts, value):
    bare = validate(_put(valid_document(), parts, value))
    spec = spec_at(("Declaration", *(p for p in parts if isinstance(p, str))))
    name = next(iter(spec.allowed_attributes))
    attributed = validate(_put(valid_document(), parts, {"value": value, name: "EN"}))

    assert [(i.code, i.pointer, i.path) for i in attributed.issues] == [
        (i.code, i.pointer, i.path) for i in bare.issues
    ]
    expected = _at(bare.document, *parts)
    found = _at(attributed.document, *parts)
    assert found == (None if expected is None else {"value": expected, name: "EN"})


@pytest.mark.parametrize(
    ("parts", "attributes", "code", "where"),
    [
        (("TypeCode",), {"colour": "red"}, IssueCode.UNKNOWN_ELEMENT, "colour"),
        (("FunctionalReferenceID",), {"languageID": "EN"}, IssueCode.UNKNOWN_ELEMENT, "languageID"),
        (DESCRIPTION, {"listID": "x"}, IssueCode.UNKNOWN_ELEMENT, "listID"),
        (("TypeCode",), {"languageID": "en_GB"}, IssueCode.BAD_FORMAT, "languageID"),
        (("TypeCode",), {"listAgencyID": "ABCD"}, IssueCode.TOO_LONG, "listAgencyID"),
        (("TypeCode",), {"listAgencyID": "A\nB"}, IssueCode.BAD_FORMAT, "listAgencyID"),
        (("TypeCode",), {"listURI": "%zz"}, IssueCode.BAD_FORMAT, "listURI"),
        (("TypeCode",), {"listName": "N" * 513}, IssueCode.TOO_LONG, "listName"),
        (("TypeCode",), {"listID": "a\x00b"}, IssueCode.BAD_FORMAT, "listID"),
        (("TypeCode",), {"listID": {"a": 1}}, IssueCode.WRONG_TYPE, "listID"),
        (("TypeCode",), {"listID": True}, IssueCode.WRONG_TYPE, "listID"),
        (("Declarant", "ID"), {"schemeURI": "http://a:b@c:d/"}, IssueCode.BAD_FORMAT, "schemeURI"),
    ],
    ids=[
        "unknown",
        "languageID-on-an-ID",
        "listID-on-a-text",
        "bad-language",
        "agency-too-long",
        "agency-on-two-lines",
        "bad-uri",
        "name-too-long",
        "control-character",
        "object",
        "boolean",
        "bad-port",
    ],
)
def test_a_wrong_attribute_is_reported_once_at_its_pointer(parts, attributes, code, where):
    # given a leaf with a good value and one wrong attribute
    bare = _at(valid_document(), *parts)
    doc = _put(valid_document(), parts, {"value": bare, **attributes})
    # when validated
    result = validate(doc)
    # then that attribute is reported, once, and the value is kept without it
    path = json_pointer(("Declaration", *parts, where))
    assert [(i.code, i.path) for i in result.issues] == [(code, path)]
    assert result.issues[0].pointer == f"{wco_pointer(('Declaration', *parts))}/{where}"
    assert _at(result.document, *parts) == bare


def test_an_attribute_on_a_number_is_unknown():
    doc = valid_document()
    first_item(doc)["SequenceNumeric"] = {"value": "1", "listID": "x"}

    result = validate(doc)

    assert [(i.code, i.path) for i in result.issues] == [
        (IssueCode.UNKNOWN_ELEMENT, f"{ITEM}/0/SequenceNumeric/listID")
    ]
    assert first_item(result.document)["SequenceNumeric"] == "1"


@pytest.mark.parametrize("value", ["", "  ", None])
def test_a_leaf_with_attributes_has_a_value(value):
    result = validate(valid_document(TypeCode={"value": value, "listID": "DEC-TYPE"}))

    assert [(i.code, i.path) for i in result.issues] == [
        (IssueCode.REQUIRED, "/Declaration/TypeCode")
    ]


# -- structure -------------------------------------------------------------------------------


def test_unknown_elements_are_reported_where_they_are():
    doc = valid_document(Colour="blue")
    first_item(doc)["Commodity"]["Flavour"] = "sweet"
    result = validate(doc)
    paths = {i.path: i.pointer for i in result.issues if i.code == IssueCode.UNKNOWN_ELEMENT}
    assert paths == {
        "/Declaration/Colour": "42A/Colour",
        f"{ITEM}/0/Commodity/Flavour": "42A/67A/68A[1]/23A/Flavour",
    }
    assert "Colour" not in result.document["Declaration"]


def test_unknown_top_level_key_is_reported():
    doc = valid_document()
    doc["Envelope"] = {}
    found = issue(validate(doc), IssueCode.UNKNOWN_ELEMENT)
    assert (found.pointer, found.path) == ("Envelope", "/Envelope")


def test_missing_mandatory_elements_are_required():
    # given a declaration without FunctionCode (minOccurs 1) and an item without its number
    doc = valid_document()
    del doc["Declaration"]["FunctionCode"]
    del first_item(doc)["SequenceNumeric"]
    result = validate(doc)
    required = {i.pointer: i.path for i in result.issues if i.code == IssueCode.REQUIRED}
    assert required == {
        "42A/017": "/Declaration/FunctionCode",
        "42A/67A/68A[1]/006": f"{ITEM}/0/SequenceNumeric",
    }


def test_a_single_object_for_a_repeatable_is_wrapped_with_a_warning():
    doc = valid_document()
    first_item(doc)["Origin"] = {"CountryCode": "BR"}
    result = validate(doc)
    found = issue(result, IssueCode.NOT_A_LIST)
    assert found.severity == Severity.WARNING
    assert (found.pointer, found.path) == ("42A/67A/68A[1]/92A", f"{ITEM}/0/Origin")
    assert result.ok
    assert first_item(result.document)["Origin"] == [{"CountryCode": "BR"}]


def test_a_list_for_a_single_element_is_wrong_type():
    doc = valid_document(Declarant=[{"ID": "GB123456789000"}])
    found = issue(validate(doc), IssueCode.WRONG_TYPE)
    assert (found.pointer, found.path) == ("42A/57B", "/Declaration/Declarant")


def test_more_than_max_occurs_is_too_many_at_the_first_extra_entry():
    doc = valid_document()
    item = first_item(doc)
    doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"] = [
        dict(item, SequenceNumeric=str(n)) for n in range(1, 1001)
    ]
    result = validate(doc)
    found = issue(result, IssueCode.TOO_MANY)
    assert (found.pointer, found.path) == ("42A/67A/68A[1000]", f"{ITEM}/999")
    assert len(result.document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]) == 999


@pytest.mark.parametrize(
    ("key", "value", "pointer"),
    [
        ("Exporter", "Cafe do Brasil", "42A/57A"),  # a value where an object belongs
        ("FunctionalReferenceID", {"value": "X"}, "42A/D026"),  # an object for a text
        ("FunctionalReferenceID", ["LRN"], "42A/D026"),
        ("FunctionCode", True, "42A/017"),
        ("FunctionCode", 9.5, "42A/017"),
        ("InvoiceAmount", {"value": {"x": 1}, "currencyID": "EUR"}, "42A/109"),
    ],
)
def test_wrong_json_types_are_reported(key, value, pointer):
    result = validate(valid_document(**{key: value}))
    found = issue(result, IssueCode.WRONG_TYPE)
    assert (found.pointer, found.path) == (pointer, f"/Declaration/{key}")
    assert not result.ok


def test_a_list_entry_that_is_not_an_object_is_kept_as_empty_object():
    doc = valid_document()
    doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"].insert(0, "item")
    result = validate(doc)
    found = [i for i in result.issues if i.code == IssueCode.WRONG_TYPE][0]
    assert found.path == f"{ITEM}/0"
    # the indexes of the other items stay those of the input
    items = result.document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    assert items[0] == {}
    assert items[1]["SequenceNumeric"] == "1"


def test_value_object_with_an_unknown_key_and_no_value():
    doc = valid_document(InvoiceAmount={"amount": "15000", "currencyID": "EUR"})
    result = validate(doc)
    assert issue(result, IssueCode.UNKNOWN_ELEMENT).path == "/Declaration/InvoiceAmount/amount"
    assert issue(result, IssueCode.REQUIRED).path == "/Declaration/InvoiceAmount"


# -- facets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "code", "pointer"),
    [
        ({"FunctionalReferenceID": "L" * 36}, IssueCode.TOO_LONG, "42A/D026"),  # an..35
        ({"FunctionCode": "10"}, IssueCode.BAD_FORMAT, "42A/017"),  # enumeration 9, 13, 14
        ({"FunctionCode": "X"}, IssueCode.BAD_FORMAT, "42A/017"),  # pattern ([0-9])*
        ({"GoodsItemQuantity": "123456"}, IssueCode.BAD_FORMAT, "42A/228"),  # n..5
        ({"GoodsItemQuantity": "1.5"}, IssueCode.BAD_FORMAT, "42A/228"),  # whole number
        (
            {"InvoiceAmount": {"value": "1.2345", "currencyID": "EUR"}},
            IssueCode.BAD_FORMAT,
            "42A/109",
        ),  # n..16,3
        (
            {"InvoiceAmount": {"value": "12345678901234567", "currencyID": "EUR"}},
            IssueCode.BAD_FORMAT,
            "42A/109",
        ),
        ({"BorderTransportMeans": {"ModeCode": "12"}}, IssueCode.BAD_FORMAT, "42A/15A/T022"),
    ],
)
def test_facets_of_the_schema_are_checked(header, code, pointer):
    result = validate(valid_document(**header))
    found = issue(result, code)
    assert found.pointer == pointer
    assert found.severity == Severity.ERROR


def test_country_code_of_three_letters_is_bad_format_only():
    # given a country code breaking the a2 format (stage 1)
    doc = valid_document()
    doc["Declaration"]["Exporter"]["Address"]["CountryCode"] = "BRA"
    result = validate(doc)
    # then stage 1 reports it and stage 2 leaves the field alone
    found = issue(result, IssueCode.BAD_FORMAT)
    assert (found.pointer, found.path) == (
        "42A/57A/04A/242",
        "/Declaration/Exporter/Address/CountryCode",
    )
    assert not [i for i in result.issues if i.code == IssueCode.UNKNOWN_COUNTRY]
    # and the text is kept so a form can show it again
    assert result.document["Declaration"]["Exporter"]["Address"]["CountryCode"] == "BRA"


def test_currency_attribute_must_be_three_letters():
    result = validate(valid_document(InvoiceAmount={"value": "15000", "currencyID": "EURO"}))
    found = issue(result, IssueCode.BAD_FORMAT)
    assert (found.pointer, found.path) == (
        "42A/109/currencyID",
        "/Declaration/InvoiceAmount/currencyID",
    )
    assert not [i for i in result.issues if i.code == IssueCode.UNKNOWN_CURRENCY]


def test_text_on_several_lines_is_bad_format():
    doc = valid_document()
    first_item(doc)["Commodity"]["Description"] = "Roasted coffee\nnot decaffeinated"
    found = issue(validate(doc), IssueCode.BAD_FORMAT)
    assert found.pointer == "42A/67A/68A[1]/23A/137"


def test_unicode_text_is_accepted():
    doc = valid_document()
    first_item(doc)["Commodity"]["Description"] = "Café torréfié — 咖啡 ☕"
    result = validate(doc)
    assert result.ok
    assert first_item(result.document)["Commodity"]["Description"] == "Café torréfié — 咖啡 ☕"


# -- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", [[], 5, "declaration", True, None, 1.5, [VALID_DOCUMENT]])
def test_anything_but_an_object_is_malformed(data):
    result = validate(data)
    assert result.document is None
    assert [i.code for i in result.issues] == [IssueCode.MALFORMED]


@pytest.mark.parametrize("data", [{}, {"Declaration": None}, {"Declaration": ""}])
def test_without_a_declaration_there_is_no_document(data):
    result = validate(data)
    assert result.document is None
    assert issue(result, IssueCode.REQUIRED).path == "/Declaration"


def test_deep_nesting_is_not_followed():
    # given 10,000 nested objects and lists where values belong
    nested: object = "x"
    for _ in range(10_000):
        nested = {"Declaration": [nested]}
    doc = valid_document(FunctionalReferenceID=nested)
    doc["Declaration"]["Exporter"] = nested
    # when validated, then it is reported, not followed
    result = validate(doc)
    assert issue(result, IssueCode.WRONG_TYPE).path == "/Declaration/FunctionalReferenceID"
    assert issue(result, IssueCode.UNKNOWN_ELEMENT).path == "/Declaration/Exporter/Declaration"


def test_huge_strings_are_too_long_and_not_echoed():
    result = validate(valid_document(FunctionalReferenceID="A" * 10_000_000))
    found = issue(result, IssueCode.TOO_LONG)
    assert len(str(found.message)) < 200


@pytest.mark.parametrize("text", ["LRN\x00001", "LRN\x1b[31m", "LRN\ud800", "LRN\x7f"])
def test_control_characters_and_lone_surrogates_are_bad_format(text):
    found = issue(validate(valid_document(FunctionalReferenceID=text)), IssueCode.BAD_FORMAT)
    assert found.pointer == "42A/D026"


@pytest.mark.parametrize(
    "number",
    [float("nan"), float("inf"), float("-inf"), json.loads("1e999"), 10**5000, "1e3"],
    ids=["nan", "inf", "-inf", "1e999", "10**5000", "exponent"],
)
def test_non_finite_and_huge_numbers_are_bad_format(number):
    result = validate(valid_document(InvoiceAmount={"value": number, "currencyID": "EUR"}))
    assert issue(result, IssueCode.BAD_FORMAT).path == "/Declaration/InvoiceAmount"


def test_negative_zero_is_zero():
    doc = valid_document()
    first_item(doc)["CustomsValueAmount"] = {"value": -0.0, "currencyID": "EUR"}
    result = validate(doc)
    assert first_item(result.document)["CustomsValueAmount"] == {"value": "0", "currencyID": "EUR"}


def test_huge_keys_are_reported_shortened():
    result = validate({"Declaration": {"k" * 1_000_000: 1}})
    found = [i for i in result.issues if i.code == IssueCode.UNKNOWN_ELEMENT][0]
    assert len(found.path) < 200


def test_too_many_elements_are_too_large():
    doc = valid_document()
    doc["Declaration"].update({f"Unknown{n}": n for n in range(300_000)})
    result = validate(doc)
    assert result.document is None
    assert result.issues[-1].code == IssueCode.TOO_LARGE


def test_issues_are_capped():
    doc = valid_document()
    doc["Declaration"].update({f"Unknown{n}": n for n in range(2 * MAX_ISSUES)})
    result = validate(doc)
    assert len(result.issues) == MAX_ISSUES + 1
    assert result.issues[-1].code == IssueCode.TOO_LARGE
    assert not result.ok


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
_paths = st.sampled_from(
    [
        ("Declaration",),
        ("Declaration", "FunctionalReferenceID"),
        ("Declaration", "InvoiceAmount"),
        ("Declaration", "GoodsItemQuantity"),
        ("Declaration", "GoodsShipment"),
        ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem"),
        ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem", 0),
        ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem", 0, "Commodity"),
        ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem", 0, "SequenceNumeric"),
        ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem", 1, "Origin"),
        ("Declaration", "AcceptanceDateTime"),
        ("MetaData",),
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=_paths, value=_json)
def test_any_json_anywhere_never_raises(path, value):
    # given the valid document with one element replaced by arbitrary JSON
    doc = valid_document()
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    # when validated, then a result comes back, every issue with pointer and path
    result = validate(doc, lrn_taken=lambda lrn: False)
    assert isinstance(result, ValidationResult)
    for found in result.issues:
        assert isinstance(found.as_dict()["message"], str)
        assert found.path.startswith("/") or found.path == ""


# -- size ------------------------------------------------------------------------------------
# (speed is measured by bench/bench_xml.py, not asserted here)


def test_a_999_item_declaration_is_valid():
    # given 999 goods items like the valid document's
    doc = valid_document(GoodsItemQuantity="999", InvoiceAmount=None)
    item = first_item(doc)
    doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"] = [
        dict(copy.deepcopy(item), SequenceNumeric=str(n)) for n in range(1, 1000)
    ]
    # when validated, then it is accepted with every item kept
    result = validate(doc)
    assert result.ok, [e.as_dict() for e in result.errors]
    assert len(result.document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]) == 999


# -- fast checks -----------------------------------------------------------------------------


def _all_leaves(spec: ElementSpec) -> list[ElementSpec]:
    if spec.is_leaf:
        return [spec]
    return [leaf for child in spec.children.values() for leaf in _all_leaves(child)]


LEAVES = _all_leaves(declaration_spec())
# Letters, digits, signs, blanks of every kind, line breaks, controls, non-characters.
_AWKWARD = st.text(
    st.one_of(
        st.sampled_from(list("aZz09-+./ \t\n\r\u00a0\u2028\u00ad\x00\x1f\x7f\ufffeé")),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


def _checked_alone(spec: ElementSpec, value: object) -> tuple[object, bool]:
    """Stage 1's value of one leaf put at its place, and whether it reported on it."""
    doc: dict = {}
    node: dict = doc
    parts: list[str | int] = []
    current = declaration_spec()
    for depth, name in enumerate(spec.path):
        if depth:
            current = current.children[name]
        parts.append(name)
        if name == spec.name and depth == len(spec.path) - 1:
            node[name] = [value] if current.repeatable else value
        else:
            child: dict = {}
            node[name] = [child] if current.repeatable else child
            node = child
        if current.repeatable:
            parts.append(0)
    result = check_structure(doc)
    path = json_pointer(parts)
    reported = any(i.path == path or i.path.startswith(path + "/") for i in result.issues)
    found: object = result.document
    for part in parts:
        found = (
            found[part]
            if isinstance(found, (dict, list)) and (isinstance(part, int) or part in found)
            else None
        )
    return found, reported


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.sampled_from(LEAVES), text=_AWKWARD)
def test_fast_checks_accept_exactly_what_stage_1_accepts(spec, text):
    # The fast checks (also used by the XML import's one walk) give the canonical value of
    # a non-blank text exactly when stage 1 accepts it without an issue, and the same one.
    assume(text.strip())
    value, reported = _checked_alone(spec, text)
    if spec.value_kind is None:
        fast = text_leaf_check(spec)(text)
    else:
        checked = kind_leaf_check(spec)(text)
        fast = checked[0] if checked is not None else None
    assert fast == (None if reported else value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=st.sampled_from([leaf for leaf in LEAVES if leaf.value_kind is not None]),
    text=_AWKWARD,
    attribute=st.one_of(st.none(), _AWKWARD, st.sampled_from(["EUR", "kgm", "102", "304"])),
)
def test_fast_checks_of_values_with_attributes(spec, text, attribute):
    assume(text.strip())
    raw = {"value": text} if attribute is None else {"value": text, spec.attribute: attribute}
    value, reported = _checked_alone(spec, raw)
    checked = kind_leaf_check(spec)(raw)
    assert (checked[0] if checked is not None else None) == (None if reported else value)


def _good_value(spec: ElementSpec) -> str | None:
    """A value stage 1 accepts for ``spec`` without an issue, if one of a few does."""
    for candidate in [*spec.enumeration[:1], "1", "A", "GB", "IMA", "AB1"]:
        if text_leaf_check(spec)(candidate) is not None:
            return candidate
    return None


ATTRIBUTED_LEAVES = [
    leaf
    for leaf in LEAVES
    if leaf.value_kind is None and leaf.allowed_attributes and _good_value(leaf) is not None
]
# Attribute texts: of URIs, language tags, agency codes, and of any kind.
_ATTRIBUTE_TEXT = st.text(
    st.one_of(
        st.sampled_from(list("aZ09-_.:/?#[]@%!$&'()*+,;=~ \t\n")),
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn")),
    ),
    max_size=20,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), text=st.one_of(_AWKWARD, _ATTRIBUTE_TEXT))
def test_fast_check_of_attributes_accepts_exactly_what_stage_1_accepts(data, text):
    # The fast checks of a text's, code's or ID's attributes (the XML import's one walk)
    # and of the leaf as an object with them give the canonical attributes and leaf exactly
    # when stage 1 accepts them without an issue.
    spec = data.draw(st.sampled_from(ATTRIBUTED_LEAVES))
    name = data.draw(st.sampled_from([*spec.allowed_attributes, "colour"]))
    good = _good_value(spec)
    found, reported = _checked_alone(spec, {"value": good, name: text})
    fast = text_leaf_attributes_check(spec)([(name, text)])
    checked = text_leaf_object_check(spec)({"value": good, name: text})
    if reported:
        assert fast is None
        assert checked is None
    else:
        value = text_leaf_check(spec)(good)
        assert fast is not None
        assert found == ({"value": value, **fast} if fast else value)
        assert checked == (found, value, None)


_TYPE_CODE = f"{{{NS_DEC}}}TypeCode"
_DECLARANT_ID = f"{{{NS_DEC}}}Declarant/{{{NS_DEC}}}ID"


def _schema_accepts(path: str, name: str, text: str) -> bool:
    root = parse_declaration_xml(declaration_to_xml(VALID_DOCUMENT)).root
    element = root.find(f"{{{NS_DEC}}}Declaration/{path}")
    try:
        element.set(name, text)
    except ValueError:
        return False  # a character XML cannot carry
    return schema_issues(root) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(
        [
            (("TypeCode",), _TYPE_CODE, "languageID"),  # xs:language
            (("TypeCode",), _TYPE_CODE, "listURI"),  # xs:anyURI
            (("TypeCode",), _TYPE_CODE, "listAgencyID"),  # maxLength 3, pattern .{1,3}
            (("TypeCode",), _TYPE_CODE, "listID"),  # xs:token
            (("Declarant", "ID"), _DECLARANT_ID, "schemeName"),  # xs:string
            (("Declarant", "ID"), _DECLARANT_ID, "schemeURI"),
        ]
    ),
    text=_ATTRIBUTE_TEXT,
)
def test_stage_1_accepts_an_attribute_exactly_when_the_schema_does(where, text):
    # What stage 1 accepts (and keeps stripped) the exported XML carries as the XSD wants.
    assume(text.strip())
    parts, path, name = where
    bare = _at(VALID_DOCUMENT, *parts)
    result = validate(_put(valid_document(), parts, {"value": bare, name: text}))

    assert (result.issues == []) == _schema_accepts(path, name, text.strip())


@pytest.mark.parametrize(
    ("parts", "pointer"),
    [
        ((), ""),
        (("Declaration", "GoodsShipment", 0), "/Declaration/GoodsShipment/0"),
        (("a", 0, "b/c"), "/a/0/b~1c"),
        (("a~b", "~/"), "/a~0b/~0~1"),
        (("",), "/"),
    ],
)
def test_json_pointers_escape_as_rfc_6901_says(parts, pointer):
    assert json_pointer(parts) == pointer
