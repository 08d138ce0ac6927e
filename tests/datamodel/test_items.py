"""goods_item_rows and declaration_summary: rows and header facts of a declaration."""

from datetime import date
from decimal import Decimal

import pytest

from datamodel import (
    DeclarationSummary,
    GoodsItemRow,
    declaration_summary,
    goods_item_rows,
    validate_declaration,
)
from datamodel.xmlio import declaration_from_xml
from tests.datamodel.leaf_attributes import sample_with_attributes, with_attributes
from tests.datamodel.samples import sample_declarations
from tests.factories import VALID_DOCUMENT, valid_document


def items(doc: dict) -> list[dict]:
    return doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]


def test_rows_of_the_valid_document():
    rows = goods_item_rows(VALID_DOCUMENT)
    assert rows == [
        GoodsItemRow(
            sequence=1,
            hs_code="090121",
            description="Roasted coffee, not decaffeinated",
            origin_country="BR",
            net_mass_kg=Decimal("1000"),
            gross_mass_kg=Decimal("1050"),
            quantity=Decimal("1000"),
            quantity_unit="KGM",
            customs_value=Decimal("5000"),
            currency="EUR",
        ),
        GoodsItemRow(
            sequence=2,
            hs_code="300490",
            description="Paracetamol tablets, packed for retail sale",
            origin_country="IN",
            net_mass_kg=Decimal("200"),
            gross_mass_kg=Decimal("220"),
            quantity=Decimal("5000"),
            quantity_unit="NAR",
            customs_value=Decimal("10000"),
            currency="EUR",
        ),
    ]


def test_rows_of_a_normalised_document():
    # given bare values, normalised by validation first
    doc = valid_document()
    items(doc)[0]["Commodity"]["GoodsMeasure"]["NetNetWeightMeasure"] = "1000.500"
    result = validate_declaration(doc, today=date(2026, 6, 1))
    row = goods_item_rows(result.document)[0]
    assert row.net_mass_kg == Decimal("1000.5")


def test_hs_code_is_the_first_hs_like_classification():
    doc = valid_document()
    items(doc)[0]["Commodity"]["Classification"] = [
        {"ID": "00", "IdentificationTypeCode": "TRC"},
        {"ID": "VATZ", "IdentificationTypeCode": "GN"},
        {"ID": "8510900000", "IdentificationTypeCode": "TSP"},
    ]
    assert goods_item_rows(doc)[0].hs_code == "8510900000"


@pytest.mark.parametrize(
    ("classification", "hs_code"),
    [
        ([{"ID": "00", "IdentificationTypeCode": "TRC"}], "00"),  # the first, being digits
        ([{"ID": "VATZ", "IdentificationTypeCode": "GN"}], ""),  # not digits: no HS code
        ([], ""),
    ],
)
def test_hs_code_falls_back_to_the_first_classification(classification, hs_code):
    doc = valid_document()
    items(doc)[0]["Commodity"]["Classification"] = classification
    assert goods_item_rows(doc)[0].hs_code == hs_code


def test_currency_falls_back_to_the_invoice_currency():
    doc = valid_document()
    items(doc)[0]["CustomsValueAmount"] = {"value": "5000"}
    assert goods_item_rows(doc)[0].currency == "EUR"


def test_item_without_facts_gives_empty_values():
    doc = valid_document(InvoiceAmount=None)
    items(doc)[:] = [{}]
    assert goods_item_rows(doc) == [
        GoodsItemRow(
            sequence=1,
            hs_code="",
            description="",
            origin_country="",
            net_mass_kg=None,
            gross_mass_kg=None,
            quantity=None,
            quantity_unit="",
            customs_value=None,
            currency="",
        )
    ]


@pytest.mark.parametrize(
    "document", [{}, {"Declaration": []}, {"Declaration": {"GoodsShipment": 5}}]
)
def test_no_rows_without_goods_items(document):
    assert goods_item_rows(document) == []


def test_rows_of_every_accepted_sample():
    paths = sample_declarations()
    assert len(paths) >= 200
    for path in paths:
        result = declaration_from_xml(path.read_bytes(), today=date(2026, 6, 1))
        assert result.document is not None, path
        for row in goods_item_rows(result.document):
            assert row.sequence >= 1
            assert row.hs_code == "" or (row.hs_code.isdigit() and len(row.hs_code) <= 10)
            assert len(row.origin_country) in (0, 2)
            assert len(row.quantity_unit) <= 5
            assert len(row.currency) in (0, 3)


def test_summary_of_the_valid_document():
    assert declaration_summary(VALID_DOCUMENT) == DeclarationSummary(
        lrn="LRN-2026-000001",
        type_code="IM",
        additional_type="A",
        function_code="9",
        declarant_id="GB123456789000",
        importer_id="GB123456789000",
        exporter_id="BR12345678000190",
        invoice_amount=Decimal("15000"),
        currency="EUR",
        goods_item_count=2,
    )


@pytest.mark.parametrize(
    "draft",
    [
        None,
        [],
        "text",
        {},
        {"Declaration": None},
        {"Declaration": {"FunctionalReferenceID": 5, "TypeCode": ["IM"], "Declarant": "x"}},
        {"Declaration": {"InvoiceAmount": {"value": "NaN"}, "GoodsShipment": []}},
        {"Declaration": {"InvoiceAmount": {"value": "9" * 1000}}},
    ],
)
def test_summary_of_a_draft_never_raises(draft):
    summary = declaration_summary(draft)
    assert summary.lrn == ""
    assert summary.type_code == ""
    assert summary.invoice_amount is None
    assert summary.goods_item_count == 0


def test_summary_of_a_half_filled_draft():
    summary = declaration_summary(
        {"Declaration": {"FunctionalReferenceID": " LRN-9 ", "TypeCode": "ex"}}
    )
    assert (summary.lrn, summary.type_code, summary.additional_type) == ("LRN-9", "EX", "")


def test_rows_and_summary_read_the_values_of_leaves_with_attributes():
    # given every text, code and ID carrying the attributes its schema type allows
    doc = valid_document(
        CurrencyExchange=[{"CurrencyTypeCode": "EUR"}], InvoiceAmount={"value": "15000"}
    )
    attributed = with_attributes(doc)
    assert attributed["Declaration"]["CurrencyExchange"][0]["CurrencyTypeCode"]["listID"]
    # then the rows and the summary are those of the plain document
    assert goods_item_rows(attributed) == goods_item_rows(doc)
    assert declaration_summary(attributed) == declaration_summary(doc)
    assert declaration_summary(attributed).currency == "EUR"
    assert goods_item_rows(attributed)[0].description == "Roasted coffee, not decaffeinated"


def test_rows_and_summary_of_an_imported_declaration_with_attributes():
    raw, edited = sample_with_attributes()
    plain = declaration_from_xml(raw).document
    attributed = declaration_from_xml(edited).document

    assert goods_item_rows(attributed) == goods_item_rows(plain)
    assert declaration_summary(attributed) == declaration_summary(plain)
    assert goods_item_rows(attributed)[0].hs_code == "97020000"
