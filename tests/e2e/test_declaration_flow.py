"""A trader files a declaration in the browser, agency officers review it, and the trader
sees the one clearance status. Headless Chromium against the live server."""

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from agencies.models import Officer
from declarations.models import ClearanceStatus, Declaration, Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of
from tests.e2e.conftest import log_in, log_out, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RELEASE_ALL, REFUSE_ALL = "Release all items", "Refuse all items"

COFFEE_ITEM = {
    "HS code": "090121",
    "Description of goods": "Roasted coffee, not decaffeinated",
    "Country of origin": "BR",
    "Net mass (kg)": "1000",
    "Gross mass (kg)": "1050",
    "Quantity": "1000",
    "Unit": "KGM",
    "Customs value": "5000",
    "Currency of the customs value": "EUR",
    "Procedure code (DE 1/10)": "40",
    "Previous procedure (DE 1/10)": "00",
    "Number of packages (DE 6/10)": "40",
    "Type of packages (DE 6/9)": "BG",
}
MEDICAMENTS_ITEM = {
    "HS code": "300490",
    "Description of goods": "Paracetamol tablets, packed for retail sale",
    "Country of origin": "IN",
    "Net mass (kg)": "200",
    "Gross mass (kg)": "220",
    "Quantity": "5000",
    "Unit": "NAR",
    "Customs value": "10000",
    "Currency of the customs value": "EUR",
    "Procedure code (DE 1/10)": "40",
    "Previous procedure (DE 1/10)": "00",
    "Number of packages (DE 6/10)": "25",
    "Type of packages (DE 6/9)": "CT",
}
SELECTS = {
    "Country of origin",
    "Unit",
    "Currency of the customs value",
    "Declaration type",
    "Additional declaration type",
    "Importer country",
    "Exporter country",
    "Country of export",
    "Country of destination",
    "Invoice currency",
    "Incoterm",
    "Mode of transport at the border",
}


def fill(scope: Page | Locator, values: dict[str, str]) -> None:
    for label, value in values.items():
        field = scope.get_by_label(label, exact=True)
        if label in SELECTS:
            field.select_option(value)
        else:
            field.fill(value)


def fill_header(page: Page, lrn: str) -> None:
    fill(
        page,
        {
            "Declaration type": "IM",
            "LRN (local reference number)": lrn,
            "Declarant ID (EORI)": "GB123456789000",
            "Declarant name": "Example Importers Ltd",
            "Importer ID (EORI)": "GB123456789000",
            "Importer name": "Example Importers Ltd",
            "Importer country": "GB",
            "Exporter ID": "BR12345678000190",
            "Exporter name": "Cafe do Brasil SA",
            "Location of goods (DE 5/23)": "FXTFXTFXT",
            "Exporter country": "BR",
            "Country of export": "BR",
            "Country of destination": "GB",
            "Mode of transport at the border": "1",
            "Incoterm": "FOB",
            "Invoice amount": "15000",
            "Invoice currency": "EUR",
        },
    )


def goods_item(page: Page, index: int) -> Locator:
    return page.locator(f"#items-{index}")


def file_declaration(page: Page, base_url: str, lrn: str) -> None:
    """Fill the form with the two goods items, adding the second with "Add item"."""
    page.goto(f"{base_url}/declarations/new/")
    expect(page.get_by_role("heading", name="New declaration")).to_be_visible()
    fill_header(page, lrn)
    fill(goods_item(page, 0), COFFEE_ITEM)
    page.get_by_role("button", name="Add item").click()
    expect(goods_item(page, 1)).to_be_visible()
    expect(goods_item(page, 1).get_by_role("heading")).to_have_text("Goods item 2")
    fill(goods_item(page, 1), MEDICAMENTS_ITEM)


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit declaration").click()


def clearance_status(page: Page) -> Locator:
    return page.get_by_test_id("clearance-status")


def officer_decides(
    page: Page, base_url: str, officer: Officer, mrn: str, decision: str, reason: str = ""
) -> None:
    """The officer opens the task from the queue and presses ``decision`` (its button:
    "Release all items", "Refuse all items" or "Request information")."""
    log_in(page, base_url, officer.user)
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    page.get_by_role("link", name=mrn, exact=True).click()
    expect(page.get_by_role("heading", name=f"Review of declaration {mrn}")).to_be_visible()
    if reason:
        page.get_by_label("Reason or message to the trader").fill(reason)
    page.get_by_role("button", name=decision, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(mrn)
    log_out(page)


def test_two_goods_items_routed_to_three_agencies_all_approve_and_cleared(
    page: Page,
    live_server: Any,
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    officer_medicines: Officer,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    log_in(page, base, trader_a.user)
    expect(page.get_by_role("heading", name="Declarations")).to_be_visible()

    file_declaration(page, base, "LRN-E2E-0001")
    screenshot(page, "01-declaration-form")
    submit(page)

    expect(clearance_status(page)).to_have_text("Under review")
    mrn = page.get_by_test_id("mrn").inner_text()
    reviews = page.get_by_test_id("reviews")
    for agency in ("Customs", "Plant and Animal Health Agency", "Medicines Agency"):
        expect(reviews).to_contain_text(agency)
    screenshot(page, "02-declaration-under-review")
    log_out(page)

    # The plant and animal health officer sees only the coffee.
    log_in(page, base, officer_plant_health.user)
    screenshot(page, "03-officer-queue")
    page.get_by_role("link", name=mrn, exact=True).click()
    expect(page.get_by_text("090121")).to_be_visible()
    expect(page.get_by_text("300490")).to_have_count(0)
    screenshot(page, "04-officer-task")
    log_out(page)

    officer_decides(page, base, officer_customs, mrn, RELEASE_ALL)
    officer_decides(page, base, officer_plant_health, mrn, RELEASE_ALL)
    officer_decides(page, base, officer_medicines, mrn, RELEASE_ALL)

    log_in(page, base, trader_a.user)
    page.get_by_role("link", name="LRN-E2E-0001").click()
    expect(clearance_status(page)).to_have_text("Cleared")
    screenshot(page, "05-declaration-cleared")
    page.get_by_role("link", name="My declarations").click()
    screenshot(page, "00-declaration-list")
    assert csp_violations == []


def test_one_agency_refuses_its_item_and_the_trader_sees_the_reason(
    page: Page,
    live_server: Any,
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    officer_medicines: Officer,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    log_in(page, base, trader_a.user)
    file_declaration(page, base, "LRN-E2E-0002")
    submit(page)
    expect(clearance_status(page)).to_have_text("Under review")
    mrn = page.get_by_test_id("mrn").inner_text()
    log_out(page)

    officer_decides(page, base, officer_customs, mrn, RELEASE_ALL)
    officer_decides(page, base, officer_plant_health, mrn, RELEASE_ALL)
    officer_decides(
        page, base, officer_medicines, mrn, REFUSE_ALL, "No import licence for medicinal products."
    )

    # The coffee may go; the medicines are refused
    log_in(page, base, trader_a.user)
    page.get_by_role("link", name="LRN-E2E-0002").click()
    expect(clearance_status(page)).to_have_text("Partially released")
    release = page.get_by_test_id("item-release")
    expect(release.locator('[data-item="1"]')).to_have_attribute("data-status", "released")
    expect(release.locator('[data-item="2"]')).to_have_attribute("data-status", "refused")
    expect(page.get_by_test_id("reviews")).to_contain_text(
        "No import licence for medicinal products."
    )
    screenshot(page, "06-declaration-rejected")
    assert csp_violations == []


def test_field_error_is_shown_next_to_its_field_and_nothing_is_saved(
    page: Page, live_server: Any, trader_a: Trader, agencies: Any, csp_violations: list[str]
) -> None:
    base = live_server.url
    log_in(page, base, trader_a.user)
    file_declaration(page, base, "LRN-E2E-0003")
    goods_item(page, 1).get_by_label("Gross mass (kg)", exact=True).fill("150")  # net is 200

    submit(page)

    gross = page.locator("#id_items-1-gross_mass")
    expect(gross).to_have_attribute("aria-invalid", "true")
    expect(gross).to_have_attribute("aria-describedby", "id_items-1-gross_mass_error")
    expect(page.locator("#id_items-1-gross_mass_error")).to_be_visible()
    expect(page.locator("#id_items-1-gross_mass_error")).not_to_be_empty()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator('#error-summary a[href="#id_items-1-gross_mass"]')).to_be_visible()
    expect(gross).to_have_value("150")  # what the trader typed is kept
    screenshot(page, "07-field-error")
    assert not Declaration.objects.exists()
    assert csp_violations == []


def test_other_company_and_other_agency_get_404(
    page: Page,
    live_server: Any,
    trader_a: Trader,
    trader_b: Trader,
    officer_medicines: Officer,
    officer_plant_health: Officer,
    make_routed_declaration: MakeDeclaration,
) -> None:
    base = live_server.url
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, officer_plant_health.agency)

    log_in(page, base, trader_b.user)
    response = page.goto(f"{base}/declarations/{declaration.pk}/")
    assert response is not None and response.status == 404
    log_out_url(page, base)

    log_in(page, base, officer_medicines.user)
    response = page.goto(f"{base}/agency/reviews/{task.pk}/")
    assert response is not None and response.status == 404


def log_out_url(page: Page, base: str) -> None:
    """Log out from a page without the navigation bar (an error page)."""
    page.goto(f"{base}/declarations/")
    log_out(page)


def test_save_draft_reopen_and_submit(
    page: Page, live_server: Any, trader_a: Trader, agencies: Any, csp_violations: list[str]
) -> None:
    base = live_server.url
    log_in(page, base, trader_a.user)
    file_declaration(page, base, "LRN-E2E-0004")
    page.get_by_label("Declarant ID (EORI)").fill("")  # not finished yet

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")

    page.get_by_role("link", name="My declarations").click()
    row = page.get_by_role("row").filter(has_text="LRN-E2E-0004")
    expect(row).to_contain_text("Draft")
    row.get_by_role("link", name="LRN-E2E-0004").click()

    expect(page.get_by_label("LRN (local reference number)")).to_have_value("LRN-E2E-0004")
    expect(goods_item(page, 1).get_by_label("HS code")).to_have_value("300490")
    expect(goods_item(page, 0).get_by_label("Country of origin")).to_have_value("BR")
    page.get_by_label("Declarant ID (EORI)").fill("GB123456789000")
    submit(page)

    expect(clearance_status(page)).to_have_text("Under review")
    declaration = Declaration.objects.get(lrn="LRN-E2E-0004")
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    assert declaration.items.count() == 2
    assert csp_violations == []


def test_remove_item_button_removes_a_goods_item(
    page: Page, live_server: Any, trader_a: Trader, agencies: Any
) -> None:
    base = live_server.url
    log_in(page, base, trader_a.user)
    file_declaration(page, base, "LRN-E2E-0005")
    page.get_by_role("button", name="Add item").click()
    expect(goods_item(page, 2).get_by_role("heading")).to_have_text("Goods item 3")

    goods_item(page, 0).get_by_role("button", name="Remove item").click()
    expect(goods_item(page, 0)).to_be_hidden()
    expect(goods_item(page, 1).get_by_role("heading")).to_have_text("Goods item 1")
    page.get_by_label("Invoice amount").fill("10000")  # the medicaments alone
    submit(page)  # the third row was left blank: it is ignored

    expect(clearance_status(page)).to_have_text("Under review")
    declaration = Declaration.objects.get(lrn="LRN-E2E-0005")
    assert list(declaration.items.values_list("hs_code", flat=True)) == ["300490"]


def test_every_visible_input_of_the_form_has_a_label(
    page: Page, live_server: Any, trader_a: Trader
) -> None:
    log_in(page, live_server.url, trader_a.user)
    page.goto(f"{live_server.url}/declarations/new/")
    page.get_by_role("button", name="Add item").click()

    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll("input, select, textarea")]
            .filter((el) => el.type !== "hidden" && el.checkVisibility())
            .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label"))
            .map((el) => el.name || el.id)"""
    )
    assert unlabelled == []
    assert page.locator("[style]").count() == 0  # the CSP forbids style attributes


def test_information_request_is_answered_by_the_trader(
    page: Page,
    live_server: Any,
    trader_a: Trader,
    officer_customs: Officer,
    make_routed_declaration: MakeDeclaration,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    declaration = make_routed_declaration(trader_a, [COFFEE], lrn="LRN-E2E-0006")
    officer_decides(
        page,
        base,
        officer_customs,
        declaration.mrn,
        "Request information",
        "Send the commercial invoice number.",
    )

    log_in(page, base, trader_a.user)
    page.get_by_role("link", name="LRN-E2E-0006").click()
    expect(clearance_status(page)).to_have_text("Awaiting trader")
    expect(page.get_by_text("Send the commercial invoice number.").first).to_be_visible()
    screenshot(page, "08-awaiting-trader")
    page.get_by_role("button", name="Send answer").click()  # empty: refused at the field
    expect(page.locator("#id_message")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Your answer to the agency").fill("Invoice INV-2026-0042.")
    page.get_by_role("button", name="Send answer").click()

    expect(clearance_status(page)).to_have_text("Under review")
    expect(page.get_by_test_id("history")).to_contain_text("Invoice INV-2026-0042.")
    assert csp_violations == []
