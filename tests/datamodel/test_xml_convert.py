"""XML <-> canonical dict (datamodel.xmlio.reading / writing) and the data-level comparison
(datamodel.xmlio.compare)."""

import copy
from decimal import Decimal

import pytest

from datamodel.xmlio import (
    compare_declarations,
    declaration_to_xml,
    document_from_xml_tree,
    parse_declaration_xml,
    schema_issues,
)
from tests.factories import valid_document

MD = "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
DEC = "urn:wco:datamodel:WCO:DEC-DMS:2"
DS = "urn:wco:datamodel:WCO:Declaration_DS:DMS:2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# A declaration written the way traders write them: prefixes of their choosing, comments,
# schemaLocation hints, padding, one goods item, a date-time.
TRADER_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<m:MetaData xmlns:m="{MD}" xmlns:xsi="{XSI}" xmlns="{DEC}" xmlns:p1="{DS}"
    xsi:schemaLocation="{MD} ../DocumentMetaData_2_DMS.xsd">
  <m:WCODataModelVersionCode>3.6</m:WCODataModelVersionCode>
  <m:WCOTypeName>DEC</m:WCOTypeName>
  <m:ResponsibleCountryCode>GB</m:ResponsibleCountryCode>
  <Declaration xsi:schemaLocation="{DEC} ../WCO_DEC_2_DMS.xsd">
    <!-- DE 2/5 -->
    <AcceptanceDateTime>
      <p1:DateTimeString formatCode="304">20250301120000Z</p1:DateTimeString>
    </AcceptanceDateTime>
    <FunctionCode> 9 </FunctionCode>
    <FunctionalReferenceID>LRN 1 </FunctionalReferenceID>
    <TypeCode listID="DEC-TYPE">IMA</TypeCode>
    <GoodsItemQuantity>001</GoodsItemQuantity>
    <InvoiceAmount currencyID="EUR">0012.500</InvoiceAmount>
    <GoodsShipment>
      <GovernmentAgencyGoodsItem>
        <SequenceNumeric>1</SequenceNumeric>
        <Commodity>
          <Description>Roasted   coffee</Description>
          <Classification><ID>090121</ID><IdentificationTypeCode>TSP</IdentificationTypeCode></Classification>
          <GoodsMeasure><GrossMassMeasure unitCode="KGM">10.0</GrossMassMeasure></GoodsMeasure>
        </Commodity>
      </GovernmentAgencyGoodsItem>
    </GoodsShipment>
  </Declaration>
</m:MetaData>
""".encode()


def read(raw: bytes) -> dict:
    parsed = parse_declaration_xml(raw)
    assert parsed.root is not None, parsed.issues
    return document_from_xml_tree(parsed.root)


# --- reading ----------------------------------------------------------------------------------


def test_reading_follows_the_canonical_shape_of_the_dictionary() -> None:
    document = read(TRADER_XML)

    assert document == {
        "MetaData": {
            "WCODataModelVersionCode": "3.6",
            "WCOTypeName": "DEC",
            "ResponsibleCountryCode": "GB",
        },
        "Declaration": {
            "AcceptanceDateTime": {"value": "20250301120000Z", "formatCode": "304"},
            "FunctionCode": "9",  # xs:token: collapsed as the schema reads it
            "FunctionalReferenceID": "LRN 1 ",  # xs:string: kept exactly
            "TypeCode": {"value": "IMA", "listID": "DEC-TYPE"},  # a leaf with an attribute
            "GoodsItemQuantity": {"value": "1"},  # quantities are always objects
            "InvoiceAmount": {"value": "12.5", "currencyID": "EUR"},  # canonical decimal
            "GoodsShipment": {
                "GovernmentAgencyGoodsItem": [  # repeatable: a list even with one entry
                    {
                        "SequenceNumeric": "1",
                        "Commodity": {
                            "Description": "Roasted   coffee",
                            "Classification": [{"ID": "090121", "IdentificationTypeCode": "TSP"}],
                            "GoodsMeasure": {
                                "GrossMassMeasure": {"value": "10", "unitCode": "KGM"}
                            },
                        },
                    }
                ]
            },
        },
    }


def test_a_bare_declaration_root_has_no_metadata() -> None:
    raw = f'<Declaration xmlns="{DEC}"><FunctionCode>9</FunctionCode></Declaration>'.encode()

    assert read(raw) == {"Declaration": {"FunctionCode": "9"}}
    assert schema_issues(parse_declaration_xml(raw).root) == []


def test_elements_outside_the_dictionary_are_kept_for_the_validators() -> None:
    raw = TRADER_XML.replace(
        b"<FunctionCode> 9 </FunctionCode>",
        b'<FunctionCode>9</FunctionCode><FunctionCode>13</FunctionCode><Colour tone="dark">red'
        b"</Colour><Extra><Inner>1</Inner><Inner>2</Inner></Extra>",
    )

    declaration = read(raw)["Declaration"]

    assert declaration["FunctionCode"] == ["9", "13"]  # twice: both kept, as a list
    assert declaration["Colour"] == {"value": "red", "tone": "dark"}
    assert declaration["Extra"] == {"Inner": ["1", "2"]}


# --- writing ----------------------------------------------------------------------------------


def test_writing_gives_a_schema_valid_envelope_with_default_metadata() -> None:
    raw = declaration_to_xml(valid_document())
    parsed = parse_declaration_xml(raw)

    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert parsed.root is not None and parsed.root.tag == f"{{{MD}}}MetaData"
    assert schema_issues(parsed.root) == []
    assert read(raw)["MetaData"] == {"WCODataModelVersionCode": "3.6", "WCOTypeName": "DEC"}


def test_writing_puts_elements_in_schema_order_whatever_the_key_order() -> None:
    document = valid_document()
    document["Declaration"] = dict(reversed(list(document["Declaration"].items())))

    raw = declaration_to_xml(document)

    assert schema_issues(parse_declaration_xml(raw).root) == []
    assert read(raw)["Declaration"] == valid_document()["Declaration"]


def test_writing_then_reading_gives_the_document_back() -> None:
    document = read(TRADER_XML)

    assert read(declaration_to_xml(document)) == document


def test_numbers_given_as_json_numbers_are_written_without_exponent() -> None:
    document = valid_document(
        InvoiceAmount={"value": Decimal("1E+2"), "currencyID": "EUR"},
        GoodsItemQuantity={"value": 2},
    )

    declaration = read(declaration_to_xml(document))["Declaration"]

    assert declaration["InvoiceAmount"] == {"value": "100", "currencyID": "EUR"}
    assert declaration["GoodsItemQuantity"] == {"value": "2"}


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"Declaration": "9"},
        {"Declaration": {"FunctionCode": None}},
        {"Declaration": {"GoodsShipment": "x"}},
        {"Declaration": {"AdditionalDocument": [[{"ID": "1"}]]}},
        {"Declaration": {"FunctionCode": True}},
        {"Declaration": {"FunctionalReferenceID": "bell\x07"}},
        {"Declaration": {"FunctionCode": "9"}, "MetaData": "DEC"},
    ],
    ids=["empty", "string", "null", "class-as-text", "nested-list", "bool", "control", "meta"],
)
def test_writing_refuses_documents_not_in_canonical_shape(document: dict) -> None:
    with pytest.raises(ValueError):
        declaration_to_xml(document)


# --- comparison -------------------------------------------------------------------------------


def test_export_of_an_import_carries_every_data_element() -> None:
    assert compare_declarations(TRADER_XML, declaration_to_xml(read(TRADER_XML))) == []


def test_comparison_ignores_what_is_not_data() -> None:
    # Other prefixes, no comments, no schemaLocation, other indentation, 12.5 for 0012.500.
    assert compare_declarations(TRADER_XML, declaration_to_xml(read(TRADER_XML))) == []
    unpadded = TRADER_XML.replace(
        b"<FunctionCode> 9 </FunctionCode>", b"<FunctionCode>9</FunctionCode>"
    )
    assert compare_declarations(TRADER_XML, unpadded) == []


def test_comparison_reports_lost_changed_and_added_elements() -> None:
    document = read(TRADER_XML)
    changed = copy.deepcopy(document)
    declaration = changed["Declaration"]
    del declaration["TypeCode"]  # lost (value and attribute)
    declaration["InvoiceAmount"]["currencyID"] = "GBP"  # changed
    declaration["IssueLocationID"] = "GBLON"  # added

    differences = compare_declarations(TRADER_XML, declaration_to_xml(changed))

    found = {(d.kind, d.path.rsplit("/", 1)[1], d.original, d.exported) for d in differences}
    assert found == {
        ("lost", "TypeCode", "IMA [listID=DEC-TYPE]", None),
        ("changed", "InvoiceAmount", "12.5 [currencyID=EUR]", "12.5 [currencyID=GBP]"),
        ("added", "IssueLocationID", None, "GBLON"),
    }
    lost = next(d for d in differences if d.kind == "lost")
    lines = TRADER_XML.decode().splitlines()
    assert lost.line == lines.index('    <TypeCode listID="DEC-TYPE">IMA</TypeCode>') + 1


def test_comparison_counts_repeated_elements() -> None:
    document = read(TRADER_XML)
    items = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    items.append(copy.deepcopy(items[0]))

    differences = compare_declarations(TRADER_XML, declaration_to_xml(document))

    assert differences and {d.kind for d in differences} == {"added"}


def test_a_bare_declaration_compares_without_the_added_envelope() -> None:
    raw = f'<Declaration xmlns="{DEC}"><FunctionCode>9</FunctionCode></Declaration>'.encode()

    assert compare_declarations(raw, declaration_to_xml(read(raw))) == []


def test_comparing_a_non_declaration_is_an_error() -> None:
    with pytest.raises(ValueError, match="no declaration"):
        compare_declarations(b"<a/>", TRADER_XML)
