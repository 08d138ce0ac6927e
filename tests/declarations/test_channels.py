"""The same mistake gets the same code and pointer whether the declaration comes as JSON,
as WCO DM XML, or through the browser form."""

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from datamodel.xmlio import declaration_to_xml
from declarations.models import Declaration, Trader
from declarations.services import (
    DeclarationInvalid,
    declaration_submit,
    declaration_submit_xml,
)
from tests.declarations.test_views import form_data, logged_in
from tests.factories import valid_document

Edit = Callable[[dict[str, Any]], None]


def _item(document: dict[str, Any], index: int) -> dict[str, Any]:
    return document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][index]


def _gross_below_net(document: dict[str, Any]) -> None:
    _item(document, 1)["Commodity"]["GoodsMeasure"]["GrossMassMeasure"]["value"] = "150"


def _unknown_origin(document: dict[str, Any]) -> None:
    _item(document, 0)["Origin"][0]["CountryCode"] = "ZZ"


def _hs_code_not_in_force(document: dict[str, Any]) -> None:
    _item(document, 0)["Commodity"]["Classification"][0]["ID"] = "090199"


def _unknown_incoterm(document: dict[str, Any]) -> None:
    document["Declaration"]["GoodsShipment"]["TradeTerms"]["ConditionCode"] = "ABC"


# (edit, code, pointer, typed in a text input: a select offers only listed codes, so the
# browser cannot send an unknown country or Incoterm and the form refuses a forged one)
MISTAKES = {
    "gross below net": (_gross_below_net, "gross_below_net", "42A/67A/68A[2]/23A/65A/126", True),
    "unknown origin": (_unknown_origin, "unknown_country", "42A/67A/68A[1]/92A[1]/063", False),
    "HS code not in force": (
        _hs_code_not_in_force,
        "unknown_hs_code",
        "42A/67A/68A[1]/23A/21A[1]/145",
        True,
    ),
    "unknown Incoterm": (_unknown_incoterm, "unknown_incoterm", "42A/67A/22B/090", False),
}


@pytest.mark.parametrize(
    ("edit", "code", "pointer", "typed"), MISTAKES.values(), ids=MISTAKES.keys()
)
def test_json_xml_and_the_form_report_a_mistake_alike(
    trader_a: Trader, edit: Edit, code: str, pointer: str, typed: bool
) -> None:
    # Given a declaration with one mistake
    document = copy.deepcopy(valid_document())
    edit(document)

    # When it is lodged as JSON and as XML
    with pytest.raises(DeclarationInvalid) as as_json:
        declaration_submit(trader=trader_a, document=document)
    with pytest.raises(DeclarationInvalid) as as_xml:
        declaration_submit_xml(trader=trader_a, raw=declaration_to_xml(document))
    # and through the browser form
    page = logged_in(trader_a.user).post(reverse("declaration_new"), form_data(document))

    # Then each names the same one error, with the same code, pointer and path
    def errors(invalid: DeclarationInvalid) -> list[tuple[str, str, str]]:
        return [(i.code, i.pointer, i.path) for i in invalid.issues if i.severity == "error"]

    assert [e[:2] for e in errors(as_json.value)] == [(code, pointer)]
    assert errors(as_xml.value) == errors(as_json.value)
    html = page.content.decode()
    assert page.status_code == 422
    summary = re.findall(r'<li data-code="([a-z_]+)">.*?<code>([^<]+)</code>', html, re.S)
    assert summary == ([(code, pointer)] if typed else [])
    assert not Declaration.objects.exists()
