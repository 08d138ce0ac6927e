"""The trader amends a quantity in the browser; only the agency whose goods item changed
reviews again, and its officer sees the change on the review page. Headless Chromium
against the live server."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from agencies.models import Agency, ItemOutcome, Officer, ReviewStatus
from agencies.services import review_decide
from declarations.models import Trader
from declarations.services import declaration_submit
from tests.conftest import review_of
from tests.e2e.conftest import log_in, log_out, screenshot
from tests.factories import valid_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_trader_amends_a_quantity_and_only_medicines_reviews_again(
    page: Page,
    live_server: Any,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_plant_health: Officer,
    officer_medicines: Officer,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    # Given the two-item declaration (coffee, paracetamol), routed on commit, released by
    # plant health (coffee) and by the medicines agency (paracetamol)
    declaration = declaration_submit(trader=trader_a, document=valid_document())
    plant = review_of(declaration, agencies["plant-animal-health"])
    medicines = review_of(declaration, agencies["medicines"])
    review_decide(user=officer_plant_health.user, review_id=plant.pk, decision="approved")
    review_decide(user=officer_medicines.user, review_id=medicines.pk, decision="approved")

    # When the trader amends the paracetamol's quantity from 5000 to 6000 in the form
    log_in(page, base, trader_a.user)
    page.goto(f"{base}/declarations/{declaration.pk}/")
    page.get_by_test_id("amend").click()
    expect(page.get_by_test_id("amend-intro")).to_be_visible()
    quantity = page.locator("#id_items-1-quantity")
    expect(quantity).to_have_value("5000")
    quantity.fill("6000")
    screenshot(page, "a1-amend-form")
    page.get_by_test_id("lodge-amendment").click()

    # Then version 2 is lodged and only the medicines agency (and customs) review again
    expect(page.get_by_role("status").filter(has_text="version 2")).to_be_visible()
    screenshot(page, "a2-amended")
    assert review_of(declaration, agencies["plant-animal-health"]).status == ReviewStatus.RELEASED
    medicines = review_of(declaration, agencies["medicines"])
    assert medicines.status == ReviewStatus.PENDING
    assert not ItemOutcome.objects.filter(task=medicines).exists()
    assert declaration.items.get(sequence=2).quantity == 6000

    # And the medicines officer sees the change on the review page
    log_out(page)
    log_in(page, base, officer_medicines.user)
    page.goto(f"{base}/agency/reviews/{medicines.pk}/")
    change = page.get_by_test_id("amendments").get_by_test_id("change")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("5000")
    expect(change).to_contain_text("6000")
    screenshot(page, "a3-officer-sees-change")
    # The plant health officer sees no change on the coffee
    log_out(page)
    log_in(page, base, officer_plant_health.user)
    page.goto(f"{base}/agency/reviews/{plant.pk}/")
    expect(page.get_by_test_id("amendments")).to_contain_text("Nothing changed")
    assert csp_violations == []
