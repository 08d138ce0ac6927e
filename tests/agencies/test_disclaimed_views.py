"""The officers' pages of disclaimed goods items (the list next to the queue, one item with
its call-in form) and what the trader's declaration page shows once an item is called in."""

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from agencies.models import Agency, ItemCallIn, Officer
from agencies.services import ItemDecision, review_decide
from declarations.models import Declaration, Trader
from tests.conftest import review_of
from tests.disclaimed import REASON, REFERENCE, lodge_disclaimed, medicines_may_be_required
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIST = reverse("agencies:disclaimed")


def logged_in(user: AbstractBaseUser) -> Client:
    client = Client()
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client


@pytest.fixture
def disclaimed(agencies: dict[str, Agency], trader_a: Trader) -> Declaration:
    medicines_may_be_required(agencies["medicines"])
    return lodge_disclaimed(trader_a, lrn="LRN-DISCLAIMED-1")


def item_url(declaration: Declaration) -> str:
    return reverse("agencies:disclaimed_item", args=[declaration.items.get(sequence=2).pk])


def test_the_list_shows_the_item_with_its_code_and_reference(
    disclaimed: Declaration, officer_medicines: Officer
) -> None:
    page = logged_in(officer_medicines.user).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert disclaimed.mrn in html and "LRN-DISCLAIMED-1" in html
    assert "Y929" in html and REFERENCE in html
    assert item_url(disclaimed) in html
    # The queue links to it, and the navigation has the tab
    queue = logged_in(officer_medicines.user).get(reverse("agencies:queue")).content.decode()
    assert f'href="{LIST}"' in queue


def test_the_list_filters_and_refuses_a_bad_filter_at_its_field(
    disclaimed: Declaration, officer_medicines: Officer
) -> None:
    client = logged_in(officer_medicines.user)
    assert disclaimed.mrn not in client.get(LIST, {"code": "Y900"}).content.decode()
    assert disclaimed.mrn in client.get(LIST, {"origin": "in"}).content.decode()
    bad = client.get(LIST, {"code": "Y9"})
    assert bad.status_code == 200
    assert "Four characters (DE 2/3)" in bad.content.decode()


def test_the_item_page_calls_it_in_and_leads_to_the_review(
    disclaimed: Declaration, officer_medicines: Officer, trader_a: Trader
) -> None:
    client = logged_in(officer_medicines.user)
    page = client.get(item_url(disclaimed)).content.decode()
    assert REFERENCE in page and "HS chapter 30" in page and "Call in this item" in page

    answer = client.post(item_url(disclaimed), {"reason": REASON})

    call_in = ItemCallIn.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("agencies:review", args=[call_in.task_id])
    review = client.get(answer["Location"]).content.decode()
    assert "called in by Medicines Agency" in review
    # The trader's page says it per item, where the routing reasons are shown
    trader_page = logged_in(trader_a.user).get(reverse("declaration_detail", args=[disclaimed.pk]))
    html = trader_page.content.decode()
    assert escape(f"disclaimed by Y929 — called in by Medicines Agency ({REASON})") in html
    assert 'data-testid="called-in"' in html
    assert "Disclaimed item called in" in html  # the history line


def test_a_call_in_without_reason_is_refused_at_the_field(
    disclaimed: Declaration, officer_medicines: Officer
) -> None:
    answer = logged_in(officer_medicines.user).post(item_url(disclaimed), {"reason": ""})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'id="id_reason_error"' in html and "Give the reason for calling the item in." in html
    assert 'aria-invalid="true"' in html
    assert not ItemCallIn.objects.exists()


def test_a_refused_call_in_says_why(
    disclaimed: Declaration,
    officer_medicines: Officer,
    officer_customs: Officer,
    agencies: dict[str, Agency],
) -> None:
    client = logged_in(officer_medicines.user)
    page = client.get(item_url(disclaimed))  # the form is shown while the item is open
    assert "Call in this item" in page.content.decode()
    review_decide(
        user=officer_customs.user,
        review_id=review_of(disclaimed, agencies["customs"]).pk,
        decision="decide",
        items=[ItemDecision(1, "released"), ItemDecision(2, "released")],
    )

    answer = client.post(item_url(disclaimed), {"reason": REASON})

    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Goods item 2 is already released" in html
    assert "Call in this item" not in html  # nothing to call in any more


def test_another_agency_gets_a_404_and_a_trader_a_403(
    disclaimed: Declaration, officer_customs: Officer, trader_a: Trader
) -> None:
    assert logged_in(officer_customs.user).get(item_url(disclaimed)).status_code == 404
    posted = logged_in(officer_customs.user).post(item_url(disclaimed), {"reason": "x"})
    assert posted.status_code == 404
    assert logged_in(trader_a.user).get(item_url(disclaimed)).status_code == 403
    assert logged_in(trader_a.user).get(LIST).status_code == 403
    assert not ItemCallIn.objects.exists()
