"""The declaration form's one-time token: a double click or the back button lodges once,
and the trader is told kindly."""

import re

import pytest
from django.contrib.messages import get_messages

from declarations.models import ClearanceStatus, Declaration, Trader
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
