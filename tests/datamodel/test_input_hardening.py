"""Input hardening in the datamodel, whatever the channel: codes sent as JSON numbers,
exponents in amounts, Unicode NFC, control characters, XML encodings and namespaces."""

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from datamodel import draft_document, validate_declaration
from datamodel.issues import IssueCode, ValidationResult
from datamodel.text import ExponentDecimal, json_decimal
from datamodel.xmlio import declaration_from_xml
from tests.factories import valid_document

SAMPLE = Path(__file__).resolve().parents[2] / "../shared/wcodm/samples"
ITEM_1 = ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem", 0)
HS_1 = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/Commodity/Classification/0/ID"


def at(result: ValidationResult, path: str) -> list[IssueCode]:
    return [issue.code for issue in result.issues if issue.path == path]


def with_item_1(change: Any) -> dict[str, Any]:
    document = valid_document()
    change(document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][0])
    return document


# --- codes as JSON numbers ------------------------------------------------------------------


@pytest.mark.parametrize("number", [90121, 90121.0, Decimal("90121")])
def test_a_commodity_code_sent_as_a_json_number_is_refused_at_its_pointer(number: Any) -> None:
    def change(item: dict[str, Any]) -> None:
        item["Commodity"]["Classification"][0]["ID"] = number

    result = validate_declaration(with_item_1(change))

    assert at(result, HS_1) == [IssueCode.WRONG_TYPE]
    assert "leading zeros" in str(result.errors[0].message)


@pytest.mark.parametrize(
    ("field", "value"),
    [("FunctionalReferenceID", 12345), ("FunctionCode", 9), ("TypeCode", 1)],
)
def test_any_other_code_or_id_sent_as_a_json_number_is_refused(field: str, value: int) -> None:
    result = validate_declaration(valid_document(**{field: value}))

    assert at(result, f"/Declaration/{field}") == [IssueCode.WRONG_TYPE]


def test_numbers_stay_accepted_where_the_schema_wants_a_number() -> None:
    result = validate_declaration(valid_document(GoodsItemQuantity=2))

    assert result.ok, result.issues
    assert result.document["Declaration"]["GoodsItemQuantity"] == {"value": "2"}


# --- exponents --------------------------------------------------------------------------------


def test_the_json_parser_marks_numbers_written_with_an_exponent() -> None:
    assert isinstance(json_decimal("1e3"), ExponentDecimal)
    assert isinstance(json_decimal("2.5E-2"), ExponentDecimal)
    assert not isinstance(json_decimal("1000.5"), ExponentDecimal)


@pytest.mark.parametrize("text", ["1e3", "1.5E+4"])
def test_an_amount_in_exponent_notation_is_refused(text: str) -> None:
    document = valid_document(InvoiceAmount={"value": json_decimal(text), "currencyID": "EUR"})

    result = validate_declaration(document)

    assert at(result, "/Declaration/InvoiceAmount") == [IssueCode.BAD_FORMAT]
    assert "no exponent" in str(result.errors[0].message)


def test_an_amount_as_a_plain_json_number_is_accepted() -> None:
    document = valid_document(
        InvoiceAmount={"value": json_decimal("15000.00"), "currencyID": "EUR"}
    )

    result = validate_declaration(document)

    assert result.ok, result.issues
    assert result.document["Declaration"]["InvoiceAmount"]["value"] == "15000"


# --- NFC -------------------------------------------------------------------------------------


def test_texts_are_stored_in_nfc_and_their_length_counted_after() -> None:
    # Declarant name is an..70: 70 characters once composed, 140 code points as sent.
    document = valid_document()
    document["Declaration"]["Declarant"]["Name"] = "e\u0301" * 70
    document["Declaration"]["Exporter"]["Name"] = "Mu\u0308ller"

    result = validate_declaration(document)

    assert result.ok, result.issues
    assert result.document["Declaration"]["Declarant"]["Name"] == "\u00e9" * 70
    assert result.document["Declaration"]["Exporter"]["Name"] == "M\u00fcller"


def test_a_text_over_its_length_once_composed_is_still_refused() -> None:
    document = valid_document()
    document["Declaration"]["Declarant"]["Name"] = "e\u0301" * 71

    result = validate_declaration(document)

    assert at(result, "/Declaration/Declarant/Name") == [IssueCode.TOO_LONG]
    assert "71 characters" in str(result.errors[0].message)


# --- control characters ------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"])
def test_control_characters_c0_and_c1_are_refused_at_the_field(char: str) -> None:
    document = valid_document()
    document["Declaration"]["Declarant"]["Name"] = f"Example{char}Importers"

    result = validate_declaration(document)

    assert at(result, "/Declaration/Declarant/Name") == [IssueCode.BAD_FORMAT]


def test_a_tab_stays_allowed_and_a_line_break_gets_the_schemas_single_line_rule() -> None:
    # Every text of DEC-DMS 2.15 has the pattern ".*[^\s].*": one line, tabs allowed.
    def tab(item: dict[str, Any]) -> None:
        item["Commodity"]["Description"] = "Roasted coffee,\tnot decaffeinated"

    def line_break(item: dict[str, Any]) -> None:
        item["Commodity"]["Description"] = "Roasted coffee,\r\nnot decaffeinated"

    assert validate_declaration(with_item_1(tab)).ok
    result = validate_declaration(with_item_1(line_break))
    assert [str(i.message) for i in result.errors] == [
        "Description of goods (Description) must be on a single line."
    ]


def test_a_draft_is_normalised_and_its_control_characters_refused_at_each_field() -> None:
    draft = {"Declaration": {"Declarant": {"Name": "Mu\u0308ller\x85"}, "Remark": ["ok", "\x01"]}}

    document, issues = draft_document(draft)

    assert document == {
        "Declaration": {"Declarant": {"Name": "M\u00fcller\x85"}, "Remark": ["ok", "\x01"]}
    }
    assert [(i.code, i.path) for i in issues] == [
        (IssueCode.BAD_FORMAT, "/Declaration/Declarant/Name"),
        (IssueCode.BAD_FORMAT, "/Declaration/Remark/1"),
    ]


# --- XML: encodings and namespaces -------------------------------------------------------


def sample_xml() -> bytes:
    return (SAMPLE / "CUS_Code" / "New_Export_CUS_Code_Sample.xml").read_bytes()


def with_a_name(raw: bytes, name: str, declaration: bytes) -> bytes:
    """The sample with its first ``...Name`` element holding ``name`` in UTF-8 bytes."""
    named = re.sub(
        rb"(<[A-Za-z:]*Name>)[^<]*<", lambda m: m.group(1) + name.encode() + b"<", raw, count=1
    )
    return declaration + named


def test_the_sample_is_accepted_as_it_is() -> None:
    assert declaration_from_xml(sample_xml()).ok


def test_utf8_bytes_declared_iso_8859_1_are_refused_naming_the_misreading() -> None:
    raw = with_a_name(sample_xml(), "Müller", b'<?xml version="1.0" encoding="ISO-8859-1"?>\n')

    result = declaration_from_xml(raw)

    assert [i.code for i in result.issues] == [IssueCode.ENCODING_MISMATCH]
    text = str(result.issues[0].message)
    assert '"Müller" would be read as "MÃ¼ller"' in text
    assert 'encoding="UTF-8"' in text


def test_real_iso_8859_1_bytes_are_read_as_declared() -> None:
    raw = with_a_name(sample_xml(), "Müller", b'<?xml version="1.0" encoding="ISO-8859-1"?>\n')
    raw = raw.decode("utf-8").encode("iso-8859-1")

    result = declaration_from_xml(raw)

    assert result.ok, result.issues
    assert "Müller" in str(result.document)


def test_utf8_declared_as_utf8_is_accepted() -> None:
    raw = with_a_name(sample_xml(), "Müller", b'<?xml version="1.0" encoding="UTF-8"?>\n')

    assert declaration_from_xml(raw).ok


def test_a_declaration_in_another_namespace_names_the_expected_one() -> None:
    raw = sample_xml().replace(
        b"urn:wco:datamodel:WCO:DEC-DMS:2", b"urn:wco:datamodel:WCO:DEC-DMS:1"
    )

    result = declaration_from_xml(raw)

    assert [i.code for i in result.issues] == [IssueCode.WRONG_NAMESPACE]
    assert "expected namespace urn:wco:datamodel:WCO:DEC-DMS:2" in str(result.issues[0].message)


def test_a_mixed_namespace_inside_the_declaration_names_the_expected_one() -> None:
    # One element of the goods shipment without a namespace (xmlns="").
    raw = re.sub(rb"<GoodsShipment>", b'<GoodsShipment xmlns="">', sample_xml(), count=1)
    assert raw != sample_xml()

    result = declaration_from_xml(raw)

    codes = [i.code for i in result.issues]
    assert codes and set(codes) == {IssueCode.WRONG_NAMESPACE}, result.issues
    assert "in namespace (none); expected namespace urn:wco:datamodel:WCO:DEC-DMS:2" in str(
        result.issues[0].message
    )


def test_a_root_in_a_wrong_namespace_names_the_expected_one() -> None:
    raw = sample_xml().replace(b"urn:wco:datamodel:WCO:DocumentMetaData-DMS:2", b"urn:example")

    result = declaration_from_xml(raw)

    assert [i.code for i in result.issues] == [IssueCode.NOT_A_DECLARATION]
    assert "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" in str(result.issues[0].message)
