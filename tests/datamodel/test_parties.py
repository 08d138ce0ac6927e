"""EORI numbers of the parties identified by EORI (datamodel.rules.parties)."""

import pytest

from datamodel import validate_declaration
from datamodel.issues import IssueCode
from datamodel.rules.parties import eori_problem
from tests.factories import valid_document

DECLARANT = "/Declaration/Declarant/ID"
IMPORTER = "/Declaration/GoodsShipment/Importer/ID"


@pytest.mark.parametrize("eori", ["GB123456789000", "XI553202734852", "DE1", "FR" + "A" * 15])
def test_eori_numbers_in_the_format_pass(eori: str) -> None:
    assert eori_problem(eori) is None


@pytest.mark.parametrize(
    ("eori", "advice"),
    [
        ("gb123456789000", "Write the EORI number as GB123456789000"),
        ("GB 1234-5678 9000", "Write the EORI number as GB123456789000"),
        ("QQ123456", "QQ123456 does not start with a country code"),
        ("123456789000", "is a two-letter country code (e.g. GB) followed by"),
        ("G", "is a two-letter country code"),
        ("GB" + "1" * 16, "has 16 characters there."),
        ("GB12#4", "some of them not letters or digits"),
    ],
)
def test_a_malformed_eori_says_what_to_change(eori: str, advice: str) -> None:
    assert advice in str(eori_problem(eori))


def test_the_declarant_and_importer_eoris_are_checked_at_their_fields() -> None:
    document = valid_document()
    document["Declaration"]["Declarant"]["ID"] = "gb123456789000"
    document["Declaration"]["GoodsShipment"]["Importer"]["ID"] = "ZZ123"

    result = validate_declaration(document)

    assert [(i.code, i.path) for i in result.errors] == [
        (IssueCode.BAD_EORI, DECLARANT),
        (IssueCode.BAD_EORI, IMPORTER),
    ]


def test_each_authorisation_holder_and_the_representative_are_checked() -> None:
    document = valid_document(
        Agent={"ID": "GB-1", "FunctionCode": "2"},
        AuthorisationHolder=[
            {"ID": "GB123456789000", "CategoryCode": "CGU"},
            {"ID": "1234", "CategoryCode": "CGU"},
        ],
    )

    result = validate_declaration(document)

    assert [(i.code, i.path) for i in result.issues if i.code == IssueCode.BAD_EORI] == [
        (IssueCode.BAD_EORI, "/Declaration/Agent/ID"),
        (IssueCode.BAD_EORI, "/Declaration/AuthorisationHolder/1/ID"),
    ]


def test_a_third_country_exporter_on_an_import_keeps_its_own_identifier() -> None:
    # UCC Annex B DE 3/2: a third-country exporter may carry a non-EORI number.
    document = valid_document()
    document["Declaration"]["Exporter"]["ID"] = "12.345.678/0001"  # a CNPJ, cut to an..17

    assert not [i for i in validate_declaration(document).issues if i.code == IssueCode.BAD_EORI]


def test_the_exporter_of_an_export_is_an_eori() -> None:
    document = valid_document(TypeCode="EXA")
    document["Declaration"]["Exporter"]["ID"] = "12.345.678/0001"

    result = validate_declaration(document)

    assert (IssueCode.BAD_EORI, "/Declaration/Exporter/ID") in [
        (i.code, i.path) for i in result.issues
    ]
