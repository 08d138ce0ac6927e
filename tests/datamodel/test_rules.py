"""Stage 2: each rule of datamodel.rules, its accepting and its refusing branch, with the WCO
pointer and the JSON path of what it reports."""

import copy
from datetime import date

import pytest
from django.utils import translation

from datamodel import IssueCode, Severity, duplicate_lrn_issue, validate_declaration
from datamodel.rules import WATCH, RuleContext
from datamodel.rules.requirements import (
    DataRequirement,
    data_requirements,
    data_requirements_met,
    declaration_categories,
)
from datamodel.validation import check_structure
from tests.datamodel.leaf_attributes import with_attributes
from tests.factories import valid_document

TODAY = date(2026, 6, 1)
ITEM = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem"


def issues(doc: dict, code: IssueCode, **kwargs) -> list:
    result = validate_declaration(doc, today=kwargs.pop("today", TODAY), **kwargs)
    return [i for i in result.issues if i.code == code]


def one(doc: dict, code: IssueCode, **kwargs):
    found = issues(doc, code, **kwargs)
    assert len(found) == 1, [i.as_dict() for i in found]
    return found[0]


def item(doc: dict, index: int = 0) -> dict:
    return doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][index]


def measures(doc: dict, index: int = 0) -> dict:
    return item(doc, index)["Commodity"]["GoodsMeasure"]


# -- countries -------------------------------------------------------------------------------


def test_unknown_country_code_is_refused():
    doc = valid_document()
    doc["Declaration"]["Exporter"]["Address"]["CountryCode"] = "XX"
    found = one(doc, IssueCode.UNKNOWN_COUNTRY)
    assert found.pointer == "42A/57A/04A/242"
    assert found.path == "/Declaration/Exporter/Address/CountryCode"
    assert found.severity == Severity.ERROR
    assert "XX" in str(found.message)


@pytest.mark.parametrize("code", ["GB", "de", "ZU", "XK"])
def test_iso_and_customs_country_codes_pass(code):
    doc = valid_document()
    doc["Declaration"]["Exporter"]["Address"]["CountryCode"] = code
    assert issues(doc, IssueCode.UNKNOWN_COUNTRY) == []


@pytest.mark.parametrize(
    ("where", "pointer"),
    [
        (("GoodsShipment", "ExportCountry", "ID"), "42A/67A/95B/062"),
        (("GoodsShipment", "Destination", "CountryCode"), "42A/67A/99B/465"),
        (("BorderTransportMeans", "RegistrationNationalityCode"), "42A/15A/T014"),
    ],
)
def test_every_country_field_is_checked(where, pointer):
    doc = valid_document()
    node = doc["Declaration"]
    for name in where[:-1]:
        node = node[name]
    node[where[-1]] = "QQ"
    assert one(doc, IssueCode.UNKNOWN_COUNTRY).pointer == pointer


def test_origin_may_be_the_european_union():
    doc = valid_document()
    item(doc)["Origin"] = [{"CountryCode": "EU"}]
    assert issues(doc, IssueCode.UNKNOWN_COUNTRY) == []


@pytest.mark.parametrize("code", ["ZZ", "EUR", "E"])
def test_origin_other_than_a_country_or_eu_is_refused(code):
    doc = valid_document()
    item(doc, 1)["Origin"] = [{"CountryCode": code}]
    found = one(doc, IssueCode.UNKNOWN_COUNTRY)
    assert (found.pointer, found.path) == (
        "42A/67A/68A[2]/92A[1]/063",
        f"{ITEM}/1/Origin/0/CountryCode",
    )


# -- currencies ------------------------------------------------------------------------------


def test_unknown_currency_is_refused_at_its_attribute():
    doc = valid_document(InvoiceAmount={"value": "15000", "currencyID": "XYZ"})
    found = one(doc, IssueCode.UNKNOWN_CURRENCY)
    assert (found.pointer, found.path) == (
        "42A/109/currencyID",
        "/Declaration/InvoiceAmount/currencyID",
    )


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU"])
def test_iso_codes_that_are_not_money_are_refused_for_an_amount(code):
    # given an invoice "in" ISO 4217's no-currency, testing or gold code
    doc = valid_document(InvoiceAmount={"value": "15000", "currencyID": code})
    # then the currency is refused, and nothing else is said of the totals
    result = validate_declaration(doc, today=TODAY)
    assert [i.code for i in result.issues] == [IssueCode.UNKNOWN_CURRENCY]


def test_unknown_exchange_currency_is_refused():
    doc = valid_document(CurrencyExchange=[{"CurrencyTypeCode": "ABC", "RateNumeric": "1.1"}])
    assert one(doc, IssueCode.UNKNOWN_CURRENCY).pointer == "42A/40A[1]/135"


def test_amount_without_any_currency_is_refused():
    # given no currencyID anywhere
    doc = valid_document(InvoiceAmount={"value": "15000"})
    item(doc)["CustomsValueAmount"] = {"value": "5000"}
    item(doc, 1)["CustomsValueAmount"] = "10000"
    found = issues(doc, IssueCode.CURRENCY_MISSING)
    assert [(i.pointer, i.path) for i in found] == [
        ("42A/109", "/Declaration/InvoiceAmount"),
        ("42A/67A/68A[1]/108", f"{ITEM}/0/CustomsValueAmount"),
        ("42A/67A/68A[2]/108", f"{ITEM}/1/CustomsValueAmount"),
    ]


def test_amount_takes_the_invoice_currency():
    doc = valid_document()
    item(doc)["CustomsValueAmount"] = {"value": "5000"}
    assert issues(doc, IssueCode.CURRENCY_MISSING) == []


def test_amount_takes_the_exchange_currency():
    doc = valid_document(
        InvoiceAmount={"value": "15000"}, CurrencyExchange=[{"CurrencyTypeCode": "EUR"}]
    )
    item(doc)["CustomsValueAmount"] = {"value": "5000"}
    assert issues(doc, IssueCode.CURRENCY_MISSING) == []


# -- units, masses, quantities ---------------------------------------------------------------


def test_mass_in_pounds_is_wrong_unit():
    doc = valid_document()
    measures(doc)["GrossMassMeasure"] = {"value": "2315", "unitCode": "LBR"}
    found = one(doc, IssueCode.WRONG_UNIT)
    assert found.pointer == "42A/67A/68A[1]/23A/65A/126/unitCode"
    assert found.path == f"{ITEM}/0/Commodity/GoodsMeasure/GrossMassMeasure/unitCode"


def test_mass_without_unit_is_in_kilograms():
    doc = valid_document()
    measures(doc)["GrossMassMeasure"] = "1050"
    assert issues(doc, IssueCode.WRONG_UNIT) == []


def test_unknown_quantity_unit_is_refused():
    doc = valid_document()
    measures(doc, 1)["TariffQuantity"] = {"value": "5000", "unitCode": "ZZZ"}
    found = one(doc, IssueCode.UNKNOWN_CODE)
    assert found.pointer == "42A/67A/68A[2]/23A/65A/130/unitCode"
    assert found.severity == Severity.ERROR


@pytest.mark.parametrize("unit", ["NAR", "KGM#G", "LTR", "ASV", "KTC"])
def test_tariff_units_pass(unit):
    doc = valid_document()
    measures(doc, 1)["TariffQuantity"] = {"value": "5000", "unitCode": unit}
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


@pytest.mark.parametrize(
    ("field", "pointer"),
    [
        ("GrossMassMeasure", "42A/67A/68A[1]/23A/65A/126"),
        ("NetNetWeightMeasure", "42A/67A/68A[1]/23A/65A/128"),
        ("TariffQuantity", "42A/67A/68A[1]/23A/65A/130"),
    ],
)
@pytest.mark.parametrize("value", ["0", "-1"])
def test_masses_and_tariff_quantity_must_be_positive(field, pointer, value):
    doc = valid_document()
    measures(doc)[field] = {"value": value}
    found = [i for i in issues(doc, IssueCode.NOT_POSITIVE) if i.pointer == pointer]
    assert len(found) == 1


def test_total_gross_mass_must_be_positive():
    doc = valid_document(TotalGrossMassMeasure="0")
    assert one(doc, IssueCode.NOT_POSITIVE).pointer == "42A/131"


def test_zero_packages_are_allowed():
    doc = valid_document(TotalPackageQuantity="0")
    item(doc)["Packaging"] = [{"SequenceNumeric": "1", "QuantityQuantity": "0", "TypeCode": "VR"}]
    assert issues(doc, IssueCode.NOT_POSITIVE) == []


def test_negative_amount_is_refused():
    doc = valid_document()
    item(doc)["CustomsValueAmount"] = {"value": "-5000", "currencyID": "EUR"}
    found = one(doc, IssueCode.NOT_POSITIVE)
    assert found.path == f"{ITEM}/0/CustomsValueAmount"


def test_gross_mass_below_net_mass_is_refused_at_the_gross_mass():
    # given gross 1000 kg and net 1050 kg
    doc = valid_document()
    measures(doc)["GrossMassMeasure"] = {"value": "1000", "unitCode": "KGM"}
    measures(doc)["NetNetWeightMeasure"] = {"value": "1050.000", "unitCode": "KGM"}
    # then the gross mass is pointed at, with both masses in the message
    found = one(doc, IssueCode.GROSS_BELOW_NET)
    assert found.pointer == "42A/67A/68A[1]/23A/65A/126"
    assert found.path == f"{ITEM}/0/Commodity/GoodsMeasure/GrossMassMeasure"
    assert str(found.message) == "Gross mass (1000 kg) is less than net mass (1050 kg)."


def test_gross_mass_equal_to_net_mass_passes():
    doc = valid_document()
    measures(doc)["GrossMassMeasure"] = "1000"
    assert issues(doc, IssueCode.GROSS_BELOW_NET) == []


def test_messages_are_translated_when_shown():
    doc = valid_document()
    measures(doc)["GrossMassMeasure"] = "1000"
    measures(doc)["NetNetWeightMeasure"] = "1050"
    found = one(doc, IssueCode.GROSS_BELOW_NET)
    with translation.override("fr"):
        assert "1000" in str(found.message) and "1050" in str(found.message)


# -- HS codes --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["0901", "09012", "0901211", "09012X", "090121000000"])
def test_commodity_code_of_wrong_length_or_not_digits_is_bad(code):
    doc = valid_document()
    item(doc)["Commodity"]["Classification"] = [{"ID": code, "IdentificationTypeCode": "HS"}]
    found = one(doc, IssueCode.BAD_HS_CODE)
    assert found.pointer == "42A/67A/68A[1]/23A/21A[1]/145"
    assert found.path == f"{ITEM}/0/Commodity/Classification/0/ID"


def test_commodity_code_outside_the_hs_is_unknown():
    doc = valid_document()
    item(doc)["Commodity"]["Classification"] = [{"ID": "99999999", "IdentificationTypeCode": "TSP"}]
    found = one(doc, IssueCode.UNKNOWN_HS_CODE)
    assert found.pointer == "42A/67A/68A[1]/23A/21A[1]/145"


def test_undivided_heading_code_of_a_heading_the_hs_divides_is_a_warning_naming_the_subheadings():
    # given 9702.00, the undivided heading of an earlier edition, which HS 2022 divides
    doc = valid_document()
    item(doc)["Commodity"]["Classification"] = [{"ID": "97020000", "IdentificationTypeCode": "TSP"}]
    # when validated, then it is a warning that names the subheadings in force
    found = one(doc, IssueCode.UNKNOWN_HS_CODE)
    assert found.severity == Severity.WARNING
    assert "970210, 970290" in str(found.message)
    assert found.pointer == "42A/67A/68A[1]/23A/21A[1]/145"


def test_subheading_code_not_in_the_hs_of_a_divided_heading_stays_an_error():
    # given 0901.99: heading 09.01 exists but has no such subheading
    doc = valid_document()
    item(doc)["Commodity"]["Classification"] = [{"ID": "090199", "IdentificationTypeCode": "HS"}]
    # then it is refused
    assert one(doc, IssueCode.UNKNOWN_HS_CODE).severity == Severity.ERROR


@pytest.mark.parametrize(
    "classification",
    [
        [{"ID": "090121"}],  # no type: taken as HS
        [{"ID": "0901210000", "IdentificationTypeCode": "HS"}],
        [
            {"ID": "09012100", "IdentificationTypeCode": "TSP"},
            {"ID": "00", "IdentificationTypeCode": "TRC"},
        ],
        [
            {"ID": "85109000", "IdentificationTypeCode": "TSP"},
            {"ID": "VATZ", "IdentificationTypeCode": "GN"},
        ],
    ],
)
def test_hs_based_commodity_codes_pass_and_other_classifications_are_not_hs(classification):
    doc = valid_document()
    item(doc)["Commodity"]["Classification"] = classification
    assert issues(doc, IssueCode.BAD_HS_CODE) == []
    assert issues(doc, IssueCode.UNKNOWN_HS_CODE) == []


# -- header codes ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["EXW", "DPU", "CIF"])
def test_incoterms_2020_pass(code):
    doc = valid_document()
    doc["Declaration"]["GoodsShipment"]["TradeTerms"]["ConditionCode"] = code
    assert issues(doc, IssueCode.UNKNOWN_INCOTERM) == []


def test_earlier_incoterm_still_accepted_by_customs_is_a_warning():
    doc = valid_document()
    doc["Declaration"]["GoodsShipment"]["TradeTerms"]["ConditionCode"] = "DAT"
    found = one(doc, IssueCode.UNKNOWN_INCOTERM)
    assert found.severity == Severity.WARNING
    assert found.pointer == "42A/67A/22B/090"


def test_unknown_incoterm_is_refused():
    doc = valid_document()
    doc["Declaration"]["GoodsShipment"]["TradeTerms"]["ConditionCode"] = "ABC"
    found = one(doc, IssueCode.UNKNOWN_INCOTERM)
    assert (found.severity, found.path) == (
        Severity.ERROR,
        "/Declaration/GoodsShipment/TradeTerms/ConditionCode",
    )


# -- LRN -------------------------------------------------------------------------------------


def test_lrn_is_required():
    found = one(valid_document(FunctionalReferenceID=None), IssueCode.REQUIRED)
    assert (found.pointer, found.path) == ("42A/D026", "/Declaration/FunctionalReferenceID")


@pytest.mark.parametrize("lrn", ["---", "LRN#1", "LRN;DROP", "Ünïcødé"])
def test_lrn_in_a_bad_format_is_refused(lrn):
    found = one(valid_document(FunctionalReferenceID=lrn), IssueCode.BAD_LRN)
    assert found.pointer == "42A/D026"


@pytest.mark.parametrize("lrn", ["A", "TT_IM01b_v1.7_220322_1", "U.7847767797YA", "NEW-TT 9/1"])
def test_lrn_in_a_good_format_passes(lrn):
    assert issues(valid_document(FunctionalReferenceID=lrn), IssueCode.BAD_LRN) == []


def test_lrn_of_a_declaration_has_at_most_22_characters():
    found = one(valid_document(FunctionalReferenceID="L" * 23), IssueCode.BAD_LRN)
    assert "23" in str(found.message)


def test_lrn_of_a_request_may_be_longer():
    doc = valid_document(FunctionCode="13", TypeCode="COR", FunctionalReferenceID="L" * 25)
    assert issues(doc, IssueCode.BAD_LRN) == []


def test_duplicate_lrn_is_refused():
    asked = []

    def lrn_taken(lrn: str) -> bool:
        asked.append(lrn)
        return True

    found = one(valid_document(), IssueCode.DUPLICATE_LRN, lrn_taken=lrn_taken)
    assert asked == ["LRN-2026-000001"]
    assert (found.pointer, found.path) == ("42A/D026", "/Declaration/FunctionalReferenceID")


def test_unused_lrn_passes():
    assert issues(valid_document(), IssueCode.DUPLICATE_LRN, lrn_taken=lambda lrn: False) == []


def test_lrn_in_a_bad_format_is_not_looked_up():
    asked = []
    doc = valid_document(FunctionalReferenceID="LRN#1")
    issues(doc, IssueCode.DUPLICATE_LRN, lrn_taken=lambda lrn: asked.append(lrn) or True)
    assert asked == []


def test_duplicate_lrn_issue_for_the_declarations_app():
    found = duplicate_lrn_issue("LRN-1")
    assert found.as_dict()["code"] == "duplicate_lrn"
    assert found.pointer == "42A/D026"
    assert "LRN-1" in found.as_dict()["message"]


# -- declaration type ------------------------------------------------------------------------


@pytest.mark.parametrize("type_code", ["IMA", "IMZ", "EXD", "EXJ", "COA", "IMQ"])
def test_known_declaration_types_pass(type_code):
    doc = valid_document(TypeCode=type_code)
    if type_code.startswith("EX"):
        doc["Declaration"]["ExitOffice"] = {"ID": "GB000093"}
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


@pytest.mark.parametrize("type_code", ["XXA", "IMW", "IM", "I"])
def test_unknown_declaration_type_is_refused(type_code):
    found = one(valid_document(TypeCode=type_code), IssueCode.UNKNOWN_CODE)
    assert (found.pointer, found.path) == ("42A/D013", "/Declaration/TypeCode")


def test_declaration_type_is_required_on_an_original():
    found = one(valid_document(TypeCode=None), IssueCode.REQUIRED)
    assert found.pointer == "42A/D013"


def test_a_request_names_its_own_type():
    doc = valid_document(FunctionCode="13", TypeCode="INV")
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


# -- offices and locations -------------------------------------------------------------------


def export_document(type_code: str = "EXD", **header) -> dict:
    """The valid document as a standard export (B1: procedure 10 after 40)."""
    doc = valid_document(TypeCode=type_code, **header)
    for goods_item in doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]:
        goods_item["GovernmentProcedure"] = [{"CurrentCode": "10", "PreviousCode": "40"}]
    return doc


def test_export_needs_an_office_of_exit():
    found = one(export_document(), IssueCode.REQUIRED)
    assert (found.pointer, found.path) == ("42A/56A/G005", "/Declaration/ExitOffice/ID")


def test_import_needs_no_office_of_exit():
    assert issues(valid_document(TypeCode="IMA"), IssueCode.REQUIRED) == []


def test_unknown_office_of_exit_is_refused():
    doc = valid_document(TypeCode="EXD", ExitOffice={"ID": "GB999999"})
    found = one(doc, IssueCode.UNKNOWN_CODE)
    assert (found.pointer, found.severity) == ("42A/56A/G005", Severity.ERROR)


@pytest.mark.parametrize("office", ["GB000093", "IEDUB100"])
def test_known_or_foreign_office_of_exit_passes(office):
    doc = valid_document(TypeCode="EXD", ExitOffice={"ID": office})
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


def test_office_with_an_unknown_country_prefix_is_refused():
    doc = valid_document(TypeCode="EXD", ExitOffice={"ID": "QQ000001"})
    assert one(doc, IssueCode.UNKNOWN_CODE).pointer == "42A/56A/G005"


def test_unknown_supervising_office_is_refused():
    doc = valid_document(SupervisingOffice={"ID": "GBZZZ001"})
    assert one(doc, IssueCode.UNKNOWN_CODE).pointer == "42A/97B/G012"


def _goods_location(name: str, country: str = "GB", qualifier: str = "U") -> dict:
    return {
        "Name": name,
        "TypeCode": "A",
        "Address": {"TypeCode": qualifier, "CountryCode": country},
    }


def test_known_goods_location_passes():
    doc = valid_document()
    doc["Declaration"]["GoodsShipment"]["Consignment"] = {
        "GoodsLocation": _goods_location("WLALONBTW")
    }
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


def test_unknown_goods_location_is_a_warning():
    doc = valid_document()
    doc["Declaration"]["GoodsShipment"]["Consignment"] = {
        "GoodsLocation": _goods_location("XXXXXXXXX")
    }
    found = one(doc, IssueCode.UNKNOWN_CODE)
    assert found.severity == Severity.WARNING
    assert found.pointer == "42A/67A/28A/64A/L016"


@pytest.mark.parametrize(("country", "qualifier"), [("FR", "U"), ("GB", "Y")])
def test_goods_locations_the_list_does_not_cover_are_not_checked(country, qualifier):
    doc = valid_document()
    doc["Declaration"]["GoodsShipment"]["Consignment"] = {
        "GoodsLocation": _goods_location("XXXXXXXXX", country, qualifier)
    }
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


# -- goods items -----------------------------------------------------------------------------


def test_declaration_without_goods_items_is_refused():
    doc = valid_document(GoodsItemQuantity=None)
    del doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    found = one(doc, IssueCode.NO_GOODS_ITEMS)
    assert (found.pointer, found.path) == ("42A/67A/68A", ITEM)


def test_request_without_goods_items_passes():
    doc = valid_document(FunctionCode="13", TypeCode="INV", GoodsItemQuantity=None)
    del doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    assert issues(doc, IssueCode.NO_GOODS_ITEMS) == []


def test_item_count_must_match_the_goods_items():
    found = one(valid_document(GoodsItemQuantity="3"), IssueCode.ITEM_COUNT_MISMATCH)
    assert (found.pointer, found.path) == ("42A/228", "/Declaration/GoodsItemQuantity")
    assert "3" in str(found.message) and "2" in str(found.message)


def test_item_count_is_optional():
    assert issues(valid_document(GoodsItemQuantity=None), IssueCode.ITEM_COUNT_MISMATCH) == []


@pytest.mark.parametrize(
    ("numbers", "pointer"),
    [
        (["1", "3"], "42A/67A/68A[2]/006"),
        (["1", "1"], "42A/67A/68A[2]/006"),
        (["0", "1"], "42A/67A/68A[1]/006"),
    ],
)
def test_goods_item_numbers_must_run_from_one_without_gaps(numbers, pointer):
    doc = valid_document()
    for index, number in enumerate(numbers):
        item(doc, index)["SequenceNumeric"] = number
    found = one(doc, IssueCode.SEQUENCE_GAP)
    assert found.pointer == pointer


def test_goods_items_may_come_in_any_order():
    doc = valid_document()
    item(doc, 0)["SequenceNumeric"] = "2"
    item(doc, 1)["SequenceNumeric"] = "1"
    assert issues(doc, IssueCode.SEQUENCE_GAP) == []


def test_request_may_carry_some_goods_items_only():
    doc = valid_document(FunctionCode="13", TypeCode="COR", GoodsItemQuantity="5")
    item(doc, 0)["SequenceNumeric"] = "4"
    item(doc, 1)["SequenceNumeric"] = "5"
    assert issues(doc, IssueCode.SEQUENCE_GAP) == []
    assert issues(doc, IssueCode.ITEM_COUNT_MISMATCH) == []


# -- procedures, packages, documents ---------------------------------------------------------


def test_unknown_procedure_code_is_refused():
    doc = valid_document()
    item(doc)["GovernmentProcedure"] = [{"CurrentCode": "99", "PreviousCode": "00"}]
    found = one(doc, IssueCode.UNKNOWN_CODE)
    assert found.pointer == "42A/67A/68A[1]/70A[1]/166"
    assert found.path == f"{ITEM}/0/GovernmentProcedure/0/CurrentCode"
    assert found.severity == Severity.ERROR


def test_known_procedure_codes_pass():
    doc = valid_document()
    item(doc)["GovernmentProcedure"] = [
        {"CurrentCode": "40", "PreviousCode": "00"},
        {"CurrentCode": "000"},
        {"CurrentCode": "C07"},
    ]
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


def test_unknown_additional_procedure_code_is_a_warning():
    doc = valid_document()
    item(doc)["GovernmentProcedure"] = [{"CurrentCode": "40"}, {"CurrentCode": "Z9Z"}]
    found = one(doc, IssueCode.UNKNOWN_CODE)
    assert (found.severity, found.pointer) == (Severity.WARNING, "42A/67A/68A[1]/70A[2]/166")


def test_procedure_code_of_another_length_is_refused():
    doc = valid_document()
    item(doc)["GovernmentProcedure"] = [{"CurrentCode": "4000"}]
    assert one(doc, IssueCode.UNKNOWN_CODE).severity == Severity.ERROR


def test_unknown_package_type_is_refused():
    doc = valid_document()
    item(doc)["Packaging"] = [{"SequenceNumeric": "1", "QuantityQuantity": "10", "TypeCode": "Q9"}]
    found = one(doc, IssueCode.UNKNOWN_CODE)
    assert (found.pointer, found.severity) == ("42A/67A/68A[1]/93A[1]/141", Severity.ERROR)


def test_known_package_type_passes():
    doc = valid_document()
    item(doc)["Packaging"] = [{"SequenceNumeric": "1", "QuantityQuantity": "10", "TypeCode": "bx"}]
    # package types are not among the upper-cased lists: "bx" is not "BX"
    assert one(doc, IssueCode.UNKNOWN_CODE).pointer == "42A/67A/68A[1]/93A[1]/141"
    item(doc)["Packaging"][0]["TypeCode"] = "BX"
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


def test_document_codes_known_and_unknown():
    doc = valid_document()
    item(doc)["AdditionalDocument"] = [
        {"CategoryCode": "N", "TypeCode": "935", "ID": "INV-1"},
        {"CategoryCode": "Q", "TypeCode": "999", "ID": "X"},
    ]
    found = one(doc, IssueCode.UNKNOWN_CODE)
    assert (found.severity, found.pointer) == (Severity.WARNING, "42A/67A/68A[1]/02A[2]/D006")


def test_document_code_without_a_valid_category_is_its_type_alone():
    # A category that failed stage 1 (reported there) or none at all: the code looked up
    # is the type alone, as the document has no category to use.
    doc = valid_document()
    item(doc)["AdditionalDocument"] = [
        {"CategoryCode": "NNNN", "TypeCode": "935", "ID": "INV-1"},
        {"TypeCode": "935", "ID": "INV-2"},
    ]
    found = issues(doc, IssueCode.UNKNOWN_CODE)
    assert [(i.pointer, str(i.message)) for i in found] == [
        ("42A/67A/68A[1]/02A[1]/D006", "935 is not a known document code."),
        ("42A/67A/68A[1]/02A[2]/D006", "935 is not a known document code."),
    ]


def test_header_documents_are_not_document_codes():
    doc = valid_document(AdditionalDocument=[{"CategoryCode": "1", "TypeCode": "DAN", "ID": "1"}])
    assert issues(doc, IssueCode.UNKNOWN_CODE) == []


# -- values and dates ------------------------------------------------------------------------


def test_customs_values_must_add_up_to_the_invoice():
    doc = valid_document(InvoiceAmount={"value": "15100", "currencyID": "EUR"})
    found = one(doc, IssueCode.VALUE_MISMATCH)
    assert (found.pointer, found.path) == ("42A/109", "/Declaration/InvoiceAmount")
    assert "15100" in str(found.message) and "15000" in str(found.message)


def test_rounding_of_a_cent_per_item_is_allowed():
    doc = valid_document(InvoiceAmount={"value": "15000.02", "currencyID": "EUR"})
    assert issues(doc, IssueCode.VALUE_MISMATCH) == []
    doc = valid_document(InvoiceAmount={"value": "15000.03", "currencyID": "EUR"})
    assert len(issues(doc, IssueCode.VALUE_MISMATCH)) == 1


def test_values_in_another_currency_are_only_a_warning():
    doc = valid_document(InvoiceAmount={"value": "1", "currencyID": "USD"})
    found = one(doc, IssueCode.CURRENCY_MISMATCH)
    assert (found.severity, found.pointer) == (Severity.WARNING, "42A/109")
    assert issues(doc, IssueCode.VALUE_MISMATCH) == []


def test_values_are_not_compared_when_an_item_has_none():
    doc = valid_document(InvoiceAmount={"value": "1", "currencyID": "EUR"})
    del item(doc)["CustomsValueAmount"]
    assert issues(doc, IssueCode.VALUE_MISMATCH) == []


def test_date_in_the_future_is_refused():
    doc = valid_document(AcceptanceDateTime={"value": "20260602", "formatCode": "102"})
    found = one(doc, IssueCode.DATE_IN_FUTURE)
    assert (found.pointer, found.path) == ("42A/023", "/Declaration/AcceptanceDateTime")


@pytest.mark.parametrize(
    ("value", "future"),
    [
        ("20260601", False),
        ("20260601235959Z", False),
        ("20260602003000+02", False),  # 2026-06-01 22:30 UTC
        ("20260601233000-02", True),  # 2026-06-02 01:30 UTC
    ],
)
def test_date_times_are_compared_in_utc(value, future):
    doc = valid_document(IssueDateTime=value)
    assert len(issues(doc, IssueCode.DATE_IN_FUTURE)) == int(future)


def test_exit_date_may_lie_ahead():
    doc = valid_document()
    doc["Declaration"]["GoodsShipment"]["ExitDateTime"] = "20270101"
    assert issues(doc, IssueCode.DATE_IN_FUTURE) == []


def test_item_count_is_checked_despite_an_error_inside_an_item():
    doc = valid_document(GoodsItemQuantity="3")
    item(doc)["Origin"] = [{"CountryCode": "ZZ"}]
    assert len(issues(doc, IssueCode.ITEM_COUNT_MISMATCH)) == 1


def test_item_count_is_not_checked_when_the_item_list_is_refused():
    doc = valid_document(GoodsItemQuantity="3")
    doc["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"] = "items"
    result = validate_declaration(doc, today=TODAY)
    assert [i.code for i in result.errors] == [IssueCode.WRONG_TYPE]


# -- leaves with attributes ------------------------------------------------------------------


def _edited(edit) -> dict:
    doc = valid_document()
    edit(doc)
    return doc


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(valid_document(), id="valid"),
        pytest.param(
            _edited(lambda d: d["Declaration"]["Exporter"]["Address"].update(CountryCode="XX")),
            id="country",
        ),
        pytest.param(
            _edited(lambda d: item(d).update(Origin=[{"CountryCode": "ZZ"}])), id="origin"
        ),
        pytest.param(valid_document(FunctionalReferenceID="LRN#1"), id="lrn-format"),
        pytest.param(valid_document(FunctionalReferenceID="L" * 23), id="lrn-length"),
        pytest.param(valid_document(TypeCode="XXA"), id="declaration-type"),
        pytest.param(valid_document(TypeCode="EXD"), id="export-without-exit-office"),
        pytest.param(
            valid_document(TypeCode="EXD", ExitOffice={"ID": "GB999999"}), id="exit-office"
        ),
        pytest.param(valid_document(FunctionCode="13", TypeCode="INV"), id="request"),
        pytest.param(
            _edited(lambda d: item(d)["Commodity"].update(Classification=[{"ID": "12345"}])),
            id="hs-code",
        ),
        pytest.param(
            _edited(
                lambda d: item(d)["Commodity"].update(
                    Classification=[{"ID": "ABC", "IdentificationTypeCode": "TRC"}]
                )
            ),
            id="not-hs",
        ),
        pytest.param(
            _edited(
                lambda d: d["Declaration"]["GoodsShipment"].update(
                    TradeTerms={"ConditionCode": "XYZ"}
                )
            ),
            id="incoterm",
        ),
        pytest.param(
            valid_document(
                InvoiceAmount={"value": "15000"}, CurrencyExchange=[{"CurrencyTypeCode": "USD"}]
            ),
            id="exchange-currency",
        ),
        pytest.param(
            _edited(
                lambda d: d["Declaration"]["GoodsShipment"].update(
                    Consignment={"GoodsLocation": _goods_location("XXXXXXXXX")}
                )
            ),
            id="goods-location",
        ),
        pytest.param(
            _edited(lambda d: item(d).update(GovernmentProcedure=[{"CurrentCode": "99"}])),
            id="procedure",
        ),
        pytest.param(
            _edited(
                lambda d: item(d).update(
                    AdditionalDocument=[{"CategoryCode": "Q", "TypeCode": "999", "ID": "X"}]
                )
            ),
            id="document-code",
        ),
    ],
)
def test_rules_read_the_values_of_leaves_with_attributes(doc):
    # The same issues whether the texts, codes and IDs carry their attributes or not; the
    # LRN looked up is the plain text.
    looked_up: list[object] = []

    def lrn_taken(lrn: object) -> bool:
        looked_up.append(lrn)
        return lrn == "LRN-2026-000001"

    plain = validate_declaration(doc, today=TODAY, lrn_taken=lrn_taken)
    attributed = validate_declaration(with_attributes(doc), today=TODAY, lrn_taken=lrn_taken)

    assert [i.as_dict() for i in attributed.issues] == [i.as_dict() for i in plain.issues]
    assert looked_up[: len(looked_up) // 2] == looked_up[len(looked_up) // 2 :]
    assert all(isinstance(lrn, str) for lrn in looked_up)


def test_stage_2_is_handed_the_plain_values_of_leaves_with_attributes():
    plain = check_structure(valid_document(), watch=WATCH)
    attributed = check_structure(with_attributes(valid_document()), watch=WATCH)

    assert attributed.leaves == plain.leaves
    ctx = RuleContext(structure=attributed, today=TODAY, lrn_taken=None)
    assert ctx.value(("Declaration", "TypeCode")) == "IMA"
    assert ctx.get(("Declaration", "TypeCode"))["listAgencyID"] == "6"


# -- data requirements by declaration category (datamodel/data/requirements/) -----------------


@pytest.mark.parametrize(
    ("remove", "pointer", "path"),
    [
        ("Classification", "42A/67A/68A[2]/23A/21A[1]/145", "/Commodity/Classification/0/ID"),
        ("Description", "42A/67A/68A[2]/23A/137", "/Commodity/Description"),
    ],
)
@pytest.mark.parametrize("type_code", ["IMA", "IMD", "EXA", "IMZ"])
def test_a_standard_goods_item_needs_its_commodity_code_and_description(
    remove, pointer, path, type_code
):
    # given a standard or supplementary declaration whose second item lacks one element
    if type_code.startswith("EX"):
        doc = export_document(type_code, ExitOffice={"ID": "GB000040"})
    else:
        doc = valid_document(TypeCode=type_code)
    item(doc, 1)["Commodity"].pop(remove)
    # when validated, then that element is required at its own pointer
    found = one(doc, IssueCode.REQUIRED)
    assert (found.pointer, found.path) == (pointer, f"{ITEM}/1{path}")
    assert "Goods item 2" in str(found.message)


def test_a_blank_description_counts_as_missing():
    doc = valid_document()
    item(doc)["Commodity"]["Description"] = "   "
    assert one(doc, IssueCode.REQUIRED).pointer == "42A/67A/68A[1]/23A/137"


@pytest.mark.parametrize("type_code", ["IMC", "IMJ", "IMK", "EXF"])
def test_simplified_declarations_may_leave_the_goods_details_to_later(type_code):
    # given a simplified declaration whose item has no HS code, description or gross mass
    doc = valid_document(TypeCode=type_code, **_exit_office_if_export(type_code))
    commodity = item(doc)["Commodity"]
    del commodity["Classification"], commodity["Description"]
    del commodity["GoodsMeasure"]["GrossMassMeasure"]
    # then nothing is required of it
    assert issues(doc, IssueCode.REQUIRED) == []


def test_amendments_are_not_held_to_the_full_data_set():
    doc = valid_document(FunctionCode="13")
    del item(doc)["Commodity"]["Description"]
    assert issues(doc, IssueCode.REQUIRED) == []


def _exit_office_if_export(type_code: str) -> dict:
    return {"ExitOffice": {"ID": "GB000040"}} if type_code.startswith("EX") else {}


@pytest.mark.parametrize("type_code", ["IMA", "IMD", "IMZ"])
def test_gross_and_net_mass_are_not_required_of_a_goods_item(type_code):
    # given standard and supplementary imports whose item declares duties and gives neither
    # its gross nor its net mass (customs accepted such declarations: the masses are
    # conditional in the CDS guide, DE 6/1 and 6/5)
    doc = valid_document(TypeCode=type_code)
    item(doc, 1)["Commodity"]["DutyTaxFee"] = [{"DutyRegimeCode": "100", "TypeCode": "A00"}]
    del item(doc, 1)["Commodity"]["GoodsMeasure"]
    # then nothing is required of it
    assert issues(doc, IssueCode.REQUIRED) == []


NEAR_EMPTY_IMPORT = {
    "Declaration": {
        "FunctionCode": "9",
        "FunctionalReferenceID": "LRN-NEAR-EMPTY-1",
        "TypeCode": "IMA",
        "Declarant": {"ID": "GB123456789000"},
        "GoodsShipment": {
            "GovernmentAgencyGoodsItem": [
                {
                    "SequenceNumeric": "1",
                    "Commodity": {
                        "Description": "Roasted coffee",
                        "Classification": [{"ID": "090121", "IdentificationTypeCode": "HS"}],
                    },
                    "GovernmentProcedure": [{"CurrentCode": "40", "PreviousCode": "00"}],
                }
            ]
        },
    }
}


def test_a_near_empty_standard_import_is_refused_with_one_error_per_missing_element():
    # given a standard import (H1) with no importer, exporter, origin, destination,
    # transport, goods location, packages, value or valuation method
    result = validate_declaration(copy.deepcopy(NEAR_EMPTY_IMPORT), today=TODAY)
    # then each missing element is one error at its own pointer
    required = sorted(i.path for i in result.issues if i.code == IssueCode.REQUIRED)
    assert required == sorted(
        [
            "/Declaration/BorderTransportMeans/ModeCode",
            "/Declaration/Exporter",
            "/Declaration/GoodsShipment/Consignment/GoodsLocation",
            "/Declaration/GoodsShipment/Destination/CountryCode",
            "/Declaration/GoodsShipment/Importer",
            f"{ITEM}/0/Commodity/InvoiceLine/ItemChargeAmount",
            f"{ITEM}/0/Origin/0/CountryCode",
            f"{ITEM}/0/Packaging/0/QuantityQuantity",
        ]
    )
    assert all("H1" in str(i.message) for i in result.issues if i.code == IssueCode.REQUIRED)


def test_without_a_procedure_what_every_category_of_the_type_requires_is_asked():
    # given the near-empty import without its procedure code
    doc = copy.deepcopy(NEAR_EMPTY_IMPORT)
    del item(doc)["GovernmentProcedure"]
    # then the procedure (DE 1/10, required in every import category) is asked for
    required = [i.path for i in issues(doc, IssueCode.REQUIRED)]
    assert f"{ITEM}/0/GovernmentProcedure/0/CurrentCode" in required


def test_a_procedure_no_category_lists_asks_nothing():
    doc = copy.deepcopy(NEAR_EMPTY_IMPORT)
    item(doc)["GovernmentProcedure"] = [{"CurrentCode": "95"}]
    assert issues(doc, IssueCode.REQUIRED) == []


def test_the_super_reduced_data_set_follows_from_its_additional_procedure():
    # given the near-empty import as H7 (additional procedure 1H7)
    doc = copy.deepcopy(NEAR_EMPTY_IMPORT)
    item(doc)["GovernmentProcedure"].append({"CurrentCode": "1H7"})
    required = {i.path for i in issues(doc, IssueCode.REQUIRED)}
    # then only the importer of the H1 list is required (H7 asks no exporter, origin...)
    assert required == {"/Declaration/GoodsShipment/Importer"}


def test_an_element_a_category_does_not_allow_is_refused():
    # given a table (as data) that does not allow the invoice amount on H1
    row = DataRequirement(
        de="4/11",
        element="Total amount invoiced",
        level="header",
        paths=(("InvoiceAmount",),),
        categories=frozenset({"H1"}),
        requirement="not allowed",
        source="test table",
    )
    structure = check_structure(valid_document(), watch=WATCH)
    ctx = RuleContext(structure=structure, today=TODAY, lrn_taken=None)
    data_requirements_met(ctx, [row])
    assert [(i.code, i.path) for i in ctx.issues] == [
        (IssueCode.NOT_ALLOWED, "/Declaration/InvoiceAmount")
    ]


def test_every_requirement_row_names_its_source_and_known_categories():
    known = {c.category for c in declaration_categories()}
    for row in data_requirements():
        assert row.source.strip(), row
        assert row.categories <= known, row
