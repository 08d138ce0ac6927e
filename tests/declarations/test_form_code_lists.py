"""The browser form's choices are the datamodel's code lists in force: a code the form
offers is never refused by validation, and the form offers what the lists hold."""

from datetime import date

from datamodel.codelists import iso_currencies, load_code_list
from declarations.forms.choices import (
    ADDITIONAL_DECLARATION_TYPES,
    INCOTERMS,
    QUANTITY_UNITS,
    currency_choices,
)


def _in_force(name: str) -> frozenset[str]:
    version = load_code_list(name).version_on(date.today())
    assert version is not None
    return version.codes


def _codes(choices: list) -> set[str]:
    return {code for code, _label in choices if code}


def test_the_form_offers_exactly_the_incoterms_in_force() -> None:
    assert _codes(INCOTERMS) == _in_force("incoterms")


def test_the_form_offers_only_units_and_declaration_types_of_the_code_lists() -> None:
    assert _codes(QUANTITY_UNITS) <= _in_force("units")
    assert _codes(ADDITIONAL_DECLARATION_TYPES) <= _in_force("additional-declaration-types")


def test_the_form_offers_exactly_the_currencies_an_amount_may_be_in() -> None:
    offered = _codes(currency_choices())
    assert offered == iso_currencies()
    assert "XXX" not in offered and "EUR" in offered
