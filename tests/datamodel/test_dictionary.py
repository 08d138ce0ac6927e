"""datamodel.dictionary: the XML attributes each leaf's schema type allows, read from the
copied XSDs."""

import pytest

from datamodel.dictionary import AttributeSpec, ElementSpec, declaration_spec, spec_at

CODE_ATTRIBUTES = [
    "listID",
    "listAgencyID",
    "listAgencyName",
    "listName",
    "listVersionID",
    "name",
    "languageID",
    "listURI",
    "listSchemeURI",
]
ID_ATTRIBUTES = [
    "schemeID",
    "schemeName",
    "schemeAgencyID",
    "schemeAgencyName",
    "schemeVersionID",
    "schemeDataURI",
    "schemeURI",
]
AGENCY_CODE = {"max_length": 3, "pattern": ".{1,3}"}  # UN/ECE 3055, restricted


def _leaves(spec: ElementSpec) -> list[ElementSpec]:
    if spec.is_leaf:
        return [spec]
    return [leaf for child in spec.children.values() for leaf in _leaves(child)]


LEAVES = _leaves(declaration_spec())


def _spec(path: str) -> ElementSpec:
    spec = spec_at(path.split("/"))
    assert spec is not None, path
    return spec


@pytest.mark.parametrize(
    ("path", "names"),
    [
        (
            "Declaration/GoodsShipment/GovernmentAgencyGoodsItem/Commodity/Description",
            ["languageID"],
        ),
        ("Declaration/TypeCode", CODE_ATTRIBUTES),
        ("Declaration/FunctionalReferenceID", ID_ATTRIBUTES),
        ("Declaration/Declarant/ID", ID_ATTRIBUTES),
        ("Declaration/InvoiceAmount", ["currencyID"]),
        ("Declaration/GoodsItemQuantity", ["unitCode"]),
        ("Declaration/AcceptanceDateTime", []),  # formatCode is on its DateTimeString
        ("Declaration/GoodsShipment/GovernmentAgencyGoodsItem/SequenceNumeric", []),  # a number
        ("Declaration/GoodsShipment", []),  # a class
    ],
)
def test_a_leaf_takes_the_attributes_of_its_schema_type_in_schema_order(
    path: str, names: list[str]
) -> None:
    assert list(_spec(path).allowed_attributes) == names


def test_attribute_types_come_from_the_schema() -> None:
    attributes = _spec("Declaration/TypeCode").allowed_attributes

    assert attributes["listAgencyID"] == AttributeSpec("listAgencyID", "string", **AGENCY_CODE)
    assert attributes["listID"] == AttributeSpec("listID", "token")
    assert attributes["listName"] == AttributeSpec("listName", "string")
    assert attributes["languageID"] == AttributeSpec("languageID", "language")
    assert attributes["listURI"] == AttributeSpec("listURI", "anyURI")
    id_attributes = _spec("Declaration/Declarant/ID").allowed_attributes
    assert id_attributes["schemeAgencyID"] == AttributeSpec(
        "schemeAgencyID", "string", **AGENCY_CODE
    )
    currency = _spec("Declaration/InvoiceAmount").allowed_attributes["currencyID"]
    assert (currency.max_length, currency.pattern) == (3, "[A-Z]{3}")


@pytest.mark.parametrize(
    ("base_type", "names"),
    [
        ("udt:TextType", ["languageID"]),
        ("udt:CodeType", CODE_ATTRIBUTES),
        ("udt:IDType", ID_ATTRIBUTES),
        ("udt:NumericType", []),
        ("udt:DateTimeType", []),
    ],
)
def test_every_leaf_of_a_udt_type_takes_its_attributes(base_type: str, names: list[str]) -> None:
    # Every leaf's type is found in the copied schema, and none of the DEC-DMS leaf types
    # narrows the attributes of the UN/CEFACT type it restricts.
    leaves = [leaf for leaf in LEAVES if leaf.base_type == base_type]

    assert leaves
    assert {tuple(leaf.allowed_attributes) for leaf in leaves} == {tuple(names)}


def test_a_value_kind_takes_the_one_attribute_the_dictionary_gives_it() -> None:
    # ElementSpec.attribute (currencyID, unitCode) agrees with the schema.
    for leaf in LEAVES:
        if leaf.value_kind not in (None, "datetime"):
            assert list(leaf.allowed_attributes) == [leaf.attribute], leaf.path
