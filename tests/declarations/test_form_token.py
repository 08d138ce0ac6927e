"""The declaration form's one-time token: a double click or the back button lodges once,
and the trader is told kindly; the amendment form shares it."""

import re

import pytest
from django.contrib.messages import get_messages

from declarations.models import ClearanceStatus, Declaration, Trader
from tests.agencies.test_amendment import given_lodged
from tests.declarations.test_views import NEW, form_data, logged_in
from tests.factories import VALID_DOCUMENT

pytestmark = pytest.mark.django_db


def token_of(page: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def test_the_same_form_sent_twice_lodges_once_and_says_so(trader_a: Trader) -> None:
    client = logged_in(trader_a.user)
    token = token_of(client.get(NEW).content.decode())
    data = {**form_data(VALID_DOCUMENT), "form_token": token}

    first = client.post(NEW, data)
    second = client.post(NEW, data)

    declaration = Declaration.objects.get(company=trader_a.company)
    assert declaration.status != ClearanceStatus.DRAFT
    assert first["Location"] == second["Location"] == f"/declarations/{declaration.pk}/"
    shown = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("already sent" in message for message in shown)


def test_a_draft_saved_twice_is_one_draft(trader_a: Trader) -> None:
    client = logged_in(trader_a.user)
    token = token_of(client.get(NEW).content.decode())
    data = {**form_data(VALID_DOCUMENT, action="save"), "form_token": token}
    client.post(NEW, data)
    again = client.post(NEW, data)
    draft = Declaration.objects.get(company=trader_a.company)
    assert draft.status == ClearanceStatus.DRAFT
    assert again["Location"] == f"/declarations/{draft.pk}/edit/"


def test_a_refused_form_comes_back_with_a_new_token(trader_a: Trader) -> None:
    client = logged_in(trader_a.user)
    token = token_of(client.get(NEW).content.decode())
    refused = client.post(NEW, {**form_data(VALID_DOCUMENT, declarant_id=""), "form_token": token})
    assert refused.status_code == 422
    fresh = token_of(refused.content.decode())
    assert fresh != token
    lodged = client.post(NEW, {**form_data(VALID_DOCUMENT), "form_token": fresh})
    assert lodged.status_code == 302
    assert Declaration.objects.filter(company=trader_a.company).count() == 1


def test_another_users_token_is_not_theirs(trader_a: Trader, trader_b: Trader) -> None:
    token = token_of(logged_in(trader_a.user).get(NEW).content.decode())
    other = logged_in(trader_b.user).post(
        NEW, {**form_data(VALID_DOCUMENT, declarant_id=trader_b.company.eori), "form_token": token}
    )
    assert other.status_code == 302 and other["Location"] == "/declarations/"
    assert not Declaration.objects.exists()


# --- the amendment form: the same token ------------------------------------------------


def amend_url(declaration: Declaration) -> str:
    return f"/agency/declarations/{declaration.pk}/amend/"


def amend_data(declaration: Declaration, token: str, **changes: str) -> dict[str, str]:
    """The POST of the amendment form: its goods items are the formset's initial forms."""
    items = len(declaration.document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"])
    return {
        **form_data(declaration.document, action="amend"),
        "items-INITIAL_FORMS": str(items),
        "form_token": token,
        **changes,
    }


def test_the_same_amendment_form_sent_twice_lodges_one_version_and_says_so(
    trader_a: Trader, agencies: dict
) -> None:
    # Given a lodged declaration and its amendment form, quantity of item 2 changed
    declaration = given_lodged(trader_a)
    client = logged_in(trader_a.user)
    token = token_of(client.get(amend_url(declaration)).content.decode())
    data = amend_data(declaration, token, **{"items-1-quantity": "6000"})

    # When it is sent twice (a double click, or the back button and send again)
    first = client.post(amend_url(declaration), data)
    second = client.post(amend_url(declaration), data)

    # Then one amendment is lodged (version 2), and the second POST is told so kindly
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/declarations/{declaration.pk}/"
    assert list(declaration.versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    shown = [str(m) for m in get_messages(second.wsgi_request)]
    assert any(
        "already sent" in message and "Nothing was lodged twice" in message for message in shown
    )
    page = client.get(second["Location"]).content.decode()
    assert "This amendment was already sent" in page

    # And a new form (a new token) lodges the next amendment
    token = token_of(client.get(amend_url(declaration)).content.decode())
    again = client.post(
        amend_url(declaration), {**data, "items-1-quantity": "6500", "form_token": token}
    )
    assert again.status_code == 302
    assert declaration.versions.count() == 3


def test_a_refused_amendment_comes_back_with_a_new_token(trader_a: Trader, agencies: dict) -> None:
    declaration = given_lodged(trader_a)
    client = logged_in(trader_a.user)
    token = token_of(client.get(amend_url(declaration)).content.decode())
    data = amend_data(declaration, token)

    refused = client.post(amend_url(declaration), {**data, "items-1-quantity": "-1"})

    assert refused.status_code == 422
    fresh = token_of(refused.content.decode())
    assert fresh != token
    lodged = client.post(
        amend_url(declaration), {**data, "items-1-quantity": "6000", "form_token": fresh}
    )
    assert lodged.status_code == 302
    assert declaration.versions.count() == 2
