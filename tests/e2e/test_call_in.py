"""A disclaimed goods item in the browser: the officer of the agency finds it among the
items disclaimed to the agency, calls it in with a reason (refused without one), lands on
the review, and the trader's declaration page says the item was called in and why. The
same pages in French, and the exchange rates in the admin."""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from playwright.sync_api import Page, expect

from agencies.models import Agency, ItemCallIn, Officer
from agencies.rates.models import ExchangeRate
from agencies.services.callin import disclaimed_call_in
from declarations.models import Trader
from tests.disclaimed import REASON, REFERENCE, lodge_disclaimed, medicines_may_be_required
from tests.e2e.conftest import log_in, log_out, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_calls_in_a_disclaimed_item_and_the_trader_sees_why(
    page: Page,
    live_server: Any,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_medicines: Officer,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    medicines_may_be_required(agencies["medicines"])
    declaration = lodge_disclaimed(trader_a, lrn="LRN-E2E-CALLIN")

    # The medicines officer finds the paracetamol disclaimed to the agency
    log_in(page, base, officer_medicines.user)
    page.get_by_test_id("disclaimed-tab").click()
    expect(page.get_by_role("heading", name="Disclaimed items")).to_be_visible()
    row = page.get_by_test_id("disclaimed-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("exemption-code")).to_have_text("Y929")
    expect(row.get_by_test_id("document-reference")).to_have_text(REFERENCE)
    screenshot(page, "callin-1-disclaimed-list-en")

    # Calls it in: without a reason it is refused at the field, then with one
    row.get_by_role("link", name=f"Call in… {declaration.mrn} Item 2").click()
    expect(page.get_by_test_id("disclaimed-item")).to_contain_text("Goods item 2 of")
    page.get_by_test_id("call-in").click()
    expect(page.locator("#id_reason_error")).to_contain_text("Give the reason")
    expect(page.get_by_label("Reason for the call-in")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Reason for the call-in").fill(REASON)
    screenshot(page, "callin-2-disclaimed-item-en")
    page.get_by_test_id("call-in").click()

    # It is now on the agency's review, in the queue
    expect(page.get_by_role("status")).to_contain_text("Goods item 2 of")
    expect(
        page.get_by_role("heading", name=f"Review of declaration {declaration.mrn}")
    ).to_be_visible()
    expect(page.get_by_test_id("routing-reasons")).to_contain_text("called in by Medicines Agency")
    screenshot(page, "callin-3-review-en")
    assert ItemCallIn.objects.filter(item__declaration=declaration).count() == 1
    log_out(page)

    # The trader reads it on the declaration page, per item, and in the history
    log_in(page, base, trader_a.user)
    page.get_by_role("link", name="LRN-E2E-CALLIN").click()
    reasons = page.get_by_test_id("routing-reasons")
    called = reasons.locator('[data-item="2"] [data-agency="medicines"]')
    expect(called).to_have_attribute("data-called-in", "true")
    expect(called).to_contain_text(f"disclaimed by Y929 — called in by Medicines Agency ({REASON})")
    expect(page.get_by_test_id("history")).to_contain_text("Disclaimed item called in")
    screenshot(page, "callin-4-trader-en")
    assert csp_violations == []


def _french(page: Page, base: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": base}])


def test_the_disclaimed_pages_and_the_trader_page_in_french(
    page: Page,
    live_server: Any,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_medicines: Officer,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    medicines_may_be_required(agencies["medicines"])
    open_one = lodge_disclaimed(trader_a, lrn="LRN-E2E-FR-1")
    called = lodge_disclaimed(trader_a, lrn="LRN-E2E-FR-2")
    disclaimed_call_in(
        user=officer_medicines.user, item_id=called.items.get(sequence=2).pk, reason=REASON
    )
    _french(page, base)
    log_in_fr(page, base, officer_medicines.user)

    page.goto(f"{base}/agency/disclaimed/?state=all")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_test_id("disclaimed-row")).to_have_count(2)
    screenshot(page, "callin-1-disclaimed-list-fr")
    page.goto(f"{base}/agency/disclaimed/{open_one.items.get(sequence=2).pk}/")
    expect(page.get_by_test_id("disclaimed-item")).to_contain_text("Y929")
    screenshot(page, "callin-2-disclaimed-item-fr")
    page.goto(f"{base}/agency/disclaimed/{called.items.get(sequence=2).pk}/")
    expect(page.get_by_test_id("called-in")).to_be_visible()
    screenshot(page, "callin-2b-disclaimed-item-called-in-fr")
    page.goto(f"{base}/agency/")
    expect(page.get_by_test_id("disclaimed-tab")).to_be_visible()
    screenshot(page, "callin-0-queue-fr")
    page.goto(f"{base}/agency/decided/")
    screenshot(page, "callin-0b-decided-fr")
    task = ItemCallIn.objects.get().task_id
    page.goto(f"{base}/agency/reviews/{task}/")
    expect(page.get_by_test_id("routing-reasons")).to_contain_text("Medicines Agency")
    screenshot(page, "callin-3-review-fr")

    page.context.clear_cookies()
    _french(page, base)
    log_in_fr(page, base, trader_a.user)
    page.goto(f"{base}/declarations/{called.pk}/")
    expect(page.get_by_test_id("routing-reasons").locator("[data-called-in]")).to_have_count(1)
    screenshot(page, "callin-4-trader-fr")
    assert csp_violations == []


def log_in_fr(page: Page, base: str, user: AbstractBaseUser) -> None:
    """Sign in on the French login page (its labels are translated)."""
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(user.get_username())
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_test_id("current-user")).to_contain_text(user.get_username())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_exchange_rates_in_the_admin(
    page: Page, live_server: Any, admin: AbstractBaseUser, language: str
) -> None:
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    editor = UserFactory(username="rates.admin", is_staff=True, is_superuser=True)
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(editor.get_username())
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#user-tools")).to_contain_text("rates.admin")
    page.goto(f"{base}/admin/rates/exchangerate/add/")
    page.locator("#id_currency").fill("USD")
    page.locator("#id_rate").fill("1.5")
    page.locator("#id_source").fill("Test figure")
    page.locator("#id_valid_from").fill("2026-12-01")
    page.locator("#id_valid_to").fill("2026-11-30")
    screenshot(page, f"rates-1-add-{language}")
    page.locator("input[name=_save]").click()
    # Refused at the field: the period ends before it starts
    expect(page.locator(".errorlist")).to_be_visible()
    screenshot(page, f"rates-2-refused-{language}")
    page.locator("#id_valid_to").fill("2026-12-31")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    screenshot(page, f"rates-3-list-{language}")
    rate = ExchangeRate.objects.get()
    page.goto(f"{base}/admin/rates/exchangerate/{rate.pk}/change/")
    expect(page.locator("body")).to_contain_text("Test figure")
    screenshot(page, f"rates-4-change-with-history-{language}")
    page.goto(f"{base}/admin/rates/exchangeratechange/")
    screenshot(page, f"rates-5-history-{language}")
