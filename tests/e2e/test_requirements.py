"""What do I need?, in the browser: beside a goods item of the trader's form as soon as its
HS code and origin are typed, HS codes suggested from the description, and the public page
open without login."""

import pytest
from playwright.sync_api import Page, expect

from agencies.models import Agency
from declarations.models import Trader
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trader_types_coffee_from_brazil_and_sees_plant_and_animal_health_required(
    page: Page, live_server, agencies: dict[str, Agency], trader_a: Trader, csp_violations
) -> None:
    log_in(page, live_server.url, trader_a.user)
    page.goto(f"{live_server.url}/declarations/new/")
    item = page.locator("#items-0")

    item.get_by_label("HS code", exact=True).fill("0901.21")
    item.get_by_label("Country of origin", exact=True).select_option("BR")

    hint = item.get_by_test_id("requirements-hint")
    expect(hint).to_contain_text("Plant and Animal Health Agency: required")
    expect(hint).to_contain_text("Customs")
    screenshot(page, "requirements-hint")
    assert csp_violations == []


def test_description_suggests_hs_codes_and_choosing_one_fills_the_field(
    page: Page, live_server, agencies: dict[str, Agency], trader_a: Trader
) -> None:
    log_in(page, live_server.url, trader_a.user)
    page.goto(f"{live_server.url}/declarations/new/")
    item = page.locator("#items-0")
    item.get_by_label("Country of origin", exact=True).select_option("BR")

    item.get_by_label("Description of goods", exact=True).fill("roasted coffee")
    suggestion = item.get_by_role("button", name="090121 Coffee; roasted, not decaffeinated")
    suggestion.click()

    expect(item.get_by_label("HS code", exact=True)).to_have_value("090121")
    expect(item.get_by_test_id("requirements-hint")).to_contain_text(
        "Plant and Animal Health Agency: required"
    )


@pytest.mark.parametrize("language", ["en", "fr", "zh-hans"])
def test_public_page_answers_without_login(
    page: Page, live_server, agencies: dict[str, Agency], language: str
) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/requirements/?hs=0901.21&origin=BR&q=roasted+coffee")

    expect(page.get_by_test_id("requirements")).to_contain_text("Plant and Animal Health Agency")
    expect(page.get_by_test_id("hs-hits")).to_contain_text("090121")
    screenshot(page, f"requirements-page-{language}")
