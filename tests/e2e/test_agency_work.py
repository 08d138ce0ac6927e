"""Officers' work in the browser: next task, a decision per goods item with a condition and
a refusal, and a joint physical inspection the trader sees as one appointment."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from agencies.models import Officer
from agencies.services import review_decide
from declarations.models import Trader
from tests.conftest import COFFEE, MEDICAMENTS, MakeDeclaration, review_of
from tests.e2e.conftest import log_in, log_out, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONDITION = "Release to approved premises only; do not sell before the laboratory result."
LOCATION = {
    "Declaration": {
        "GoodsShipment": {
            "Consignment": {
                "GoodsLocation": {
                    "Name": "Port of Felixstowe, Berth 8",
                    "Address": {"CountryCode": "GB"},
                }
            }
        }
    }
}


def test_next_task_item_outcomes_and_the_trader_sees_a_partial_release(
    page: Page,
    live_server: Any,
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    make_routed_declaration: MakeDeclaration,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS], lrn="LRN-E2E-0101")

    # The customs officer takes the next task from the queue
    log_in(page, base, officer_customs.user)
    expect(page.get_by_test_id("queue-counts")).to_contain_text("Pending review: 1")
    screenshot(page, "20-queue-with-counts")
    page.get_by_test_id("next-task").click()
    expect(
        page.get_by_role("heading", name=f"Review of declaration {declaration.mrn}")
    ).to_be_visible()
    expect(page.get_by_test_id("holder")).to_contain_text("You are working on this task.")

    # Item 1 released with a condition, item 2 refused; a missing condition is refused first
    page.get_by_label("Outcome for item 1").select_option("released_with_conditions")
    page.get_by_label("Outcome for item 2").select_option("refused")
    page.get_by_label("Condition or reason for item 2").fill("No marketing authorisation.")
    page.get_by_role("button", name="Record outcomes").click()
    expect(page.locator("#id_note_1_error")).to_contain_text("Write the condition of the release.")
    expect(page.get_by_label("Condition or reason for item 1")).to_have_attribute(
        "aria-invalid", "true"
    )
    page.get_by_label("Condition or reason for item 1").fill(CONDITION)
    screenshot(page, "21-item-outcomes")
    page.get_by_role("button", name="Record outcomes").click()
    expect(page.get_by_role("status")).to_contain_text("Partially released")
    log_out(page)

    # Plant health releases the coffee (medicines has nothing left: customs refused its item)
    review_decide(
        user=officer_plant_health.user,
        review_id=review_of(declaration, officer_plant_health.agency).pk,
        decision="approved",
    )

    # The trader sees the partial release, which item may go, and the condition
    log_in(page, base, trader_a.user)
    page.get_by_role("link", name="LRN-E2E-0101").click()
    expect(page.get_by_test_id("clearance-status")).to_have_text("Partially released")
    release = page.get_by_test_id("item-release")
    expect(release.locator('[data-item="1"]')).to_have_attribute(
        "data-status", "released_with_conditions"
    )
    expect(release.locator('[data-item="1"]')).to_contain_text(CONDITION)
    expect(release.locator('[data-item="2"]')).to_have_attribute("data-status", "refused")
    screenshot(page, "22-trader-partially-released")
    assert csp_violations == []


def test_two_agencies_order_a_physical_check_and_the_trader_sees_one_appointment(
    page: Page,
    live_server: Any,
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    make_routed_declaration: MakeDeclaration,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    declaration = make_routed_declaration(trader_a, [COFFEE], lrn="LRN-E2E-0102", document=LOCATION)

    for officer in (officer_customs, officer_plant_health):
        log_in(page, base, officer.user)
        page.get_by_role("link", name=declaration.mrn, exact=True).click()
        page.get_by_label("Check", exact=True).select_option("physical")
        page.get_by_role("button", name="Order check").click()
        expect(page.get_by_role("status")).to_contain_text("Check ordered.")
        expect(page.get_by_test_id("inspections")).to_contain_text("Port of Felixstowe, Berth 8")
        screenshot(page, f"23-check-ordered-{officer.agency.code}")
        log_out(page)

    log_in(page, base, trader_a.user)
    page.get_by_role("link", name="LRN-E2E-0102").click()
    expect(page.get_by_test_id("clearance-status")).to_have_text("Inspection")
    appointments = page.get_by_test_id("appointment")
    expect(appointments).to_have_count(1)
    expect(appointments).to_contain_text("Port of Felixstowe, Berth 8 (GB)")
    expect(appointments).to_contain_text(
        "One joint inspection for Customs, Plant and Animal Health Agency"
    )
    screenshot(page, "24-trader-one-appointment")
    assert csp_violations == []
