"""Counts, count units and header totals (datamodel.rules.quantities)."""

from typing import Any

from datamodel import validate_declaration
from datamodel.issues import IssueCode, Severity
from tests.factories import valid_document

ITEMS = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem"


def outcome(document: dict[str, Any]) -> list[tuple[IssueCode, str, Severity]]:
    return [(i.code, i.path, i.severity) for i in validate_declaration(document).issues]


def item(document: dict[str, Any], index: int) -> dict[str, Any]:
    return document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][index]


def test_a_quantity_in_number_of_articles_must_be_whole() -> None:
    document = valid_document()  # item 2: 5000 NAR
    item(document, 1)["Commodity"]["GoodsMeasure"]["TariffQuantity"]["value"] = "4999.5"

    result = validate_declaration(document)

    path = f"{ITEMS}/1/Commodity/GoodsMeasure/TariffQuantity"
    assert [(i.code, i.path) for i in result.errors] == [(IssueCode.BAD_FORMAT, path)]
    assert "4999.5 NAR counts things" in str(result.errors[0].message)


def test_a_fraction_in_kilograms_stays_allowed() -> None:
    document = valid_document()
    item(document, 0)["Commodity"]["GoodsMeasure"]["TariffQuantity"]["value"] = "999.5"

    assert validate_declaration(document).ok


def test_a_negative_package_count_is_refused() -> None:
    document = valid_document()
    item(document, 0)["Packaging"][0]["QuantityQuantity"]["value"] = "-4"

    assert (IssueCode.NOT_POSITIVE, f"{ITEMS}/0/Packaging/0/QuantityQuantity", Severity.ERROR) in (
        outcome(document)
    )


def test_a_total_gross_mass_within_rounding_passes() -> None:
    # Items: 1050 + 220 = 1270 kg; two items and the total: 1.5 kg allowed.
    assert validate_declaration(valid_document(TotalGrossMassMeasure={"value": "1271.5"})).ok


def test_a_total_gross_mass_off_by_more_than_rounding_is_refused_naming_the_tolerance() -> None:
    result = validate_declaration(valid_document(TotalGrossMassMeasure={"value": "1272"}))

    assert [(i.code, i.path) for i in result.errors] == [
        (IssueCode.VALUE_MISMATCH, "/Declaration/TotalGrossMassMeasure")
    ]
    text = str(result.errors[0].message)
    assert "1272 kg" in text and "1270 kg" in text and "1.5 kg allowed" in text


def test_a_total_gross_mass_is_not_compared_when_an_item_has_none() -> None:
    document = valid_document(TotalGrossMassMeasure={"value": "5000"})
    del item(document, 1)["Commodity"]["GoodsMeasure"]["GrossMassMeasure"]

    assert not [i for i in validate_declaration(document).issues if "total gross" in str(i.message)]


def test_total_packages_other_than_the_sum_is_a_warning_not_a_refusal() -> None:
    document = valid_document(TotalPackageQuantity={"value": "3"})
    counts = [
        int(p["QuantityQuantity"]["value"])
        for i in range(2)
        for p in item(document, i)["Packaging"]
    ]

    result = validate_declaration(document)

    assert result.ok
    assert [(w.code, w.path) for w in result.warnings] == [
        (IssueCode.VALUE_MISMATCH, "/Declaration/TotalPackageQuantity")
    ]
    assert f"({sum(counts)};" in str(result.warnings[0].message)


def test_total_packages_equal_to_the_sum_gives_no_warning() -> None:
    document = valid_document()
    total = sum(
        int(p["QuantityQuantity"]["value"])
        for i in range(2)
        for p in item(document, i)["Packaging"]
    )
    document["Declaration"]["TotalPackageQuantity"] = {"value": str(total)}

    result = validate_declaration(document)

    assert result.ok and not result.warnings
