"""The trader sees news arrive without reloading: the navbar's unread count and the
declaration's status refresh themselves (htmx polling), the list shows each event once;
the trader cancels a declaration with a reason. Headless Chromium against the live server."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from agencies.models import Agency, Officer
from agencies.services import review_decide
from declarations.models import Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_decisions_appear_on_the_open_page_without_a_reload(
    page: Page,
    live_server: Any,
    settings: Any,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    make_routed_declaration: MakeDeclaration,
    csp_violations: list[str],
) -> None:
    settings.PORTAL_POLL_SECONDS = 1
    base = live_server.url
    declaration = make_routed_declaration(trader_a, [COFFEE], lrn="LRN-E2E-N1")
    log_in(page, base, trader_a.user)
    page.goto(f"{base}/declarations/{declaration.pk}/")
    expect(page.get_by_test_id("unread-count")).to_contain_text("1")
    expect(page.get_by_test_id("clearance-status")).to_have_text("Under review")

    # While the page is open, customs releases: the unread count rises on its own
    review = review_of(declaration, agencies["customs"])
    review_decide(user=officer_customs.user, review_id=review.pk, decision="approved")
    expect(page.get_by_test_id("unread-count")).to_contain_text("2")
    # And when plant health releases too, the page shows the status cleared by itself
    review = review_of(declaration, agencies["plant-animal-health"])
    review_decide(user=officer_plant_health.user, review_id=review.pk, decision="approved")
    expect(page.get_by_test_id("clearance-status")).to_have_text("Cleared")
    screenshot(page, "n1-cleared-by-itself")

    page.get_by_test_id("notifications-link").click()
    items = page.get_by_test_id("notifications").locator("li")
    expect(items).to_have_count(4)
    expect(items.first).to_contain_text(f"Declaration {declaration.mrn} is cleared.")
    screenshot(page, "n2-notifications-en")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    for language, heading in (("fr", "Notifications"), ("zh-hans", None)):
        page.goto(f"{base}/notifications/")
        page.locator("#language-menu").click()
        page.locator(f"button[name=language][value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        screenshot(page, f"n3-notifications-{language}")
    assert csp_violations == []


def test_the_trader_cancels_with_a_reason(
    page: Page,
    live_server: Any,
    trader_a: Trader,
    make_routed_declaration: MakeDeclaration,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    declaration = make_routed_declaration(trader_a, [COFFEE], lrn="LRN-E2E-N2")
    log_in(page, base, trader_a.user)
    page.goto(f"{base}/declarations/{declaration.pk}/")
    page.get_by_text("Cancel this declaration").click()
    page.get_by_label("Reason for the cancellation").fill("Shipment split in two")
    screenshot(page, "n4-cancel-form")
    page.get_by_role("button", name="Cancel the declaration").click()
    expect(page.get_by_test_id("clearance-status")).to_have_text("Cancelled")
    expect(page.get_by_test_id("history")).to_contain_text("Shipment split in two")
    expect(page.get_by_text("Cancel this declaration")).to_have_count(0)
    page.get_by_test_id("copy").click()
    expect(page.locator("#declaration-form")).to_be_visible()
    screenshot(page, "n5-copied-draft")
    assert csp_violations == []
