"""Two-factor sign-in in the browser: an officer enrols (QR code, key), confirms with a code
computed here from the key the page shows, keeps the recovery codes, signs in again with a
code, and a wrong code is refused. Two-factor is required, as with ``DJANGO_DEBUG=0``."""

import base64
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from agencies.models import Officer
from singlewindow.accounts.models import AccessEvent, AccessEventKind
from tests.e2e.conftest import log_out, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str, drift: int = 0) -> str:
    """The RFC 6238 code of ``secret`` (base32, as the page shows it) for this 30 s step
    (``drift=1``: the next one, which the device accepts too and has not seen yet)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, digits=6, drift=drift):06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def sign_in_with_password(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_officer_enrols_and_signs_in_with_a_code(
    page: Page, live_server: Any, officer_customs: Officer, settings: Any, csp_violations: list
) -> None:
    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the test gives a wrong code, then the right one
    base_url = live_server.url

    # Given an officer without two-factor signs in with the password: enrolment is required
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_test_id("two-factor-off")).to_have_count(0)
    sign_in_with_password(page, base_url, "officer.customs")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_test_id("qr-code").locator("svg")).to_be_visible()
    screenshot(page, "two-factor-setup")
    # The queue is out of reach until the code is given
    page.goto(f"{base_url}/agency/")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()

    # When a wrong code is given, it is refused
    page.get_by_label("Code").fill(wrong(code_for(secret)))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_text("This code does not match")).to_be_visible()

    # When the current code is given, two-factor is on and the recovery codes are shown once
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_text("Two-factor sign-in is on for your account.")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    log_out(page)

    # Then the next sign-in asks for a code: a wrong one is refused, the right one admits
    sign_in_with_password(page, base_url, "officer.customs")
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    next_code = code_for(secret, drift=1)
    page.get_by_label("Code").fill(wrong(next_code))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("This code is wrong or has expired")).to_be_visible()
    screenshot(page, "two-factor-verify-refused")
    page.get_by_label("Code").fill(next_code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("officer.customs")
    assert not csp_violations
    kinds = set(AccessEvent.objects.values_list("kind", flat=True))
    assert {
        AccessEventKind.TWO_FACTOR_ENROLLED,
        AccessEventKind.TWO_FACTOR_FAILED,
        AccessEventKind.TWO_FACTOR_VERIFIED,
    } <= kinds


def test_the_demo_login_page_says_two_factor_is_off(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")

    expect(page.get_by_test_id("two-factor-off")).to_contain_text("Two-factor sign-in is off")
    screenshot(page, "login-two-factor-off")
