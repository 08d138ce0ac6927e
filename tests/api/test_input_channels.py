"""Input hardening on each channel: the JSON API, drafts (API and browser form) and the
form itself. The rules live in ``datamodel`` (see tests/datamodel/test_input_hardening.py);
these tests check that each channel applies them, at the field, with nothing saved."""

import json
from typing import Any

from django.urls import reverse

from declarations.models import Declaration, Trader
from tests.api.conftest import ApiAs
from tests.api.helpers import errors_of, post_raw, url
from tests.declarations.test_views import form_data, input_tag, logged_in
from tests.factories import VALID_DOCUMENT, form_expressible, valid_document

DECLARATIONS = "/api/v1/declarations/"
HS_1 = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0/Commodity/Classification/0/ID"


def body_with(document: dict[str, Any], old: str, new: str) -> bytes:
    """The JSON text of ``document`` with ``old`` (quoted JSON text) replaced by ``new``."""
    text = json.dumps(document)
    assert old in text
    return text.replace(old, new, 1).encode()


def test_api_refuses_a_commodity_code_sent_as_a_number(api_as: ApiAs, trader_a: Trader) -> None:
    body = body_with(valid_document(), '"090121"', "90121")

    errors = errors_of(post_raw(api_as(trader_a.user), DECLARATIONS, body), 400)

    assert [(e["code"], e["path"]) for e in errors] == [("wrong_type", HS_1)]
    assert not Declaration.objects.exists()


def test_api_refuses_an_amount_in_exponent_notation(api_as: ApiAs, trader_a: Trader) -> None:
    body = body_with(valid_document(), '"15000"', "1.5e4")

    errors = errors_of(post_raw(api_as(trader_a.user), DECLARATIONS, body), 400)

    assert ("bad_format", "/Declaration/InvoiceAmount") in [(e["code"], e["path"]) for e in errors]
    assert not Declaration.objects.exists()


def test_api_takes_an_amount_as_a_plain_json_number(
    api_as: ApiAs, trader_a: Trader, agencies: Any
) -> None:
    body = body_with(valid_document(), '"15000"', "15000.00")

    response = post_raw(api_as(trader_a.user), DECLARATIONS, body)

    assert response.status_code == 201, response.content[:2000]
    stored = Declaration.objects.get()
    assert stored.document["Declaration"]["InvoiceAmount"]["value"] == "15000"


def test_api_refuses_a_c1_control_character_in_a_draft(api_as: ApiAs, trader_a: Trader) -> None:
    draft = {"Declaration": {"TypeCode": "IMA", "Declarant": {"Name": "Example\u0085Ltd"}}}

    response = api_as(trader_a.user).post(url("declaration-drafts"), draft, format="json")

    errors = errors_of(response, 400)
    assert [e["path"] for e in errors] == ["/Declaration/Declarant/Name"]
    assert not Declaration.objects.exists()


def test_api_refuses_a_draft_lrn_over_35_characters_at_its_field(
    api_as: ApiAs, trader_a: Trader
) -> None:
    draft = {"Declaration": {"TypeCode": "IMA", "FunctionalReferenceID": "X" * 40}}

    response = api_as(trader_a.user).post(url("declaration-drafts"), draft, format="json")

    errors = errors_of(response, 400)
    assert [(e["path"], e["code"]) for e in errors] == [
        ("/Declaration/FunctionalReferenceID", "too_long")
    ]
    assert not Declaration.objects.exists()


def test_api_stores_a_draft_in_nfc(api_as: ApiAs, trader_a: Trader) -> None:
    draft = {"Declaration": {"TypeCode": "IMA", "Declarant": {"Name": "Mu\u0308ller"}}}

    response = api_as(trader_a.user).post(url("declaration-drafts"), draft, format="json")

    assert response.status_code == 201
    assert Declaration.objects.get().document["Declaration"]["Declarant"]["Name"] == "M\u00fcller"


def test_form_draft_refuses_a_control_character_at_its_field(trader_a: Trader) -> None:
    data = form_data(
        form_expressible(VALID_DOCUMENT), action="save", **{"items-0-description": "Coffee\x1b[31m"}
    )

    response = logged_in(trader_a.user).post(reverse("declaration_new"), data)

    assert response.status_code == 422
    assert 'aria-invalid="true"' in input_tag(response.content.decode(), "items-0-description")
    assert not Declaration.objects.exists()


def test_form_counts_the_length_of_a_text_after_nfc(trader_a: Trader) -> None:
    # 70 characters once composed: the an..70 name fits; 140 code points as typed.
    data = form_data(form_expressible(VALID_DOCUMENT), action="save", exporter_name="e\u0301" * 70)

    response = logged_in(trader_a.user).post(reverse("declaration_new"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Declaration.objects.get().document["Declaration"]["Exporter"]["Name"]
    assert stored == "\u00e9" * 70
