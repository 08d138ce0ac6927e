"""The trader's side of the loop in one browser session (issue 9): an agency asks, the
trader answers with a PDF and an amended quantity; only the agency whose goods item
changed reviews again, the other keeps its outcome; the trader's open page learns of the
decision by itself; the document opens for the officer of the agency concerned and is a
404 for a user of another company. And the amendment form, sent twice, lodges once and
says so kindly (English and French).

Headless Chromium against the live server, Celery eager as in the other browser tests
(routing runs when the submission commits)."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from agencies.models import Agency, ItemOutcome, Officer, ReviewStatus
from agencies.services import review_decide
from declarations.documents.models import SupportingDocument
from declarations.models import ClearanceStatus, Trader
from declarations.services import declaration_submit
from tests.conftest import review_of
from tests.documents.files import PDF
from tests.e2e.conftest import log_in, log_out, screenshot
from tests.factories import valid_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def unread(page: Page) -> int:
    badge = page.get_by_test_id("unread-count")
    found = re.match(r"\s*(\d+)", badge.inner_text()) if badge.count() else None
    return int(found.group(1)) if found else 0


def test_the_trader_answers_with_a_pdf_and_an_amended_quantity(
    page: Page,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    agencies: dict[str, Agency],
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    officer_medicines: Officer,
    csp_violations: list[str],
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.PORTAL_POLL_SECONDS = 1
    base = live_server.url
    # Given coffee (plant health) and paracetamol (medicines), both also for customs:
    # customs and plant health released, medicines asks for the certificate of analysis
    declaration = declaration_submit(trader=trader_a, document=valid_document())
    for officer, code in (
        (officer_customs, "customs"),
        (officer_plant_health, "plant-animal-health"),
    ):
        task = review_of(declaration, agencies[code])
        review_decide(user=officer.user, review_id=task.pk, decision="approved")
    medicines = review_of(declaration, agencies["medicines"])
    review_decide(
        user=officer_medicines.user,
        review_id=medicines.pk,
        decision="info_requested",
        reason="Send the certificate of analysis; is the quantity 5000 right?",
    )

    # When the trader answers on the declaration page with a message and the PDF
    log_in(page, base, trader_a.user)
    page.goto(f"{base}/declarations/{declaration.pk}/")
    expect(page.get_by_test_id("clearance-status")).to_have_text("Awaiting trader")
    answer = page.locator("#respond-title").locator("xpath=ancestor::section")
    expect(answer).to_contain_text("is the quantity 5000 right?")
    answer.get_by_label("Your answer to the agency").fill(
        "Certificate attached; the quantity is 6000."
    )
    pdf = tmp_path / "certificate-of-analysis.pdf"
    pdf.write_bytes(PDF)
    page.locator("#id_answer-file").set_input_files(str(pdf))
    page.locator("#id_answer-type_code").select_option("N851")
    page.locator("#id_answer-reference").fill("COA-2026-0042")
    screenshot(page, "l1-answer-with-pdf")
    answer.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("status").filter(has_text="Your answer has been sent")).to_be_visible()
    # And amends the paracetamol's quantity from 5000 to 6000
    page.get_by_test_id("amend").click()
    quantity = page.locator("#id_items-1-quantity")
    expect(quantity).to_have_value("5000")
    quantity.fill("6000")
    page.get_by_test_id("lodge-amendment").click()
    expect(page.get_by_role("status").filter(has_text="version 2")).to_be_visible()
    screenshot(page, "l2-answered-and-amended")

    # Then only the agencies whose goods item changed review again (medicines, and
    # customs, which reviews every item); plant health keeps its release of the coffee
    plant = review_of(declaration, agencies["plant-animal-health"])
    assert plant.status == ReviewStatus.RELEASED
    assert ItemOutcome.objects.filter(task=plant, item__sequence=1).exists()
    medicines = review_of(declaration, agencies["medicines"])
    assert medicines.status == ReviewStatus.PENDING
    assert not ItemOutcome.objects.filter(task=medicines).exists()
    customs = review_of(declaration, agencies["customs"])
    assert customs.status == ReviewStatus.PENDING
    # Customs keeps the coffee's outcome: only the paracetamol changed
    assert list(
        ItemOutcome.objects.filter(task=customs).values_list("item__sequence", flat=True)
    ) == [1]
    assert declaration.items.get(sequence=2).quantity == 6000

    # When, with the page open, customs and medicines release
    page.goto(f"{base}/declarations/{declaration.pk}/")
    expect(page.get_by_test_id("clearance-status")).to_have_text("Under review")
    before = unread(page)
    for officer, task in ((officer_customs, customs), (officer_medicines, medicines)):
        review_decide(user=officer.user, review_id=task.pk, decision="approved")

    # Then the notification reaches the open page without a reload: the unread count
    # rises and the status shows cleared
    expect(page.get_by_test_id("clearance-status")).to_have_text("Cleared")
    expect(page.get_by_test_id("unread-count")).not_to_have_text(str(before))
    assert unread(page) > before
    screenshot(page, "l3-cleared-without-reload")
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_test_id("notifications")).to_contain_text(
        f"Declaration {declaration.mrn} is cleared."
    )
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.CLEARED

    # And the document opens for the medicines officer from the review page
    [document] = SupportingDocument.objects.filter(declaration=declaration)
    log_out(page)
    log_in(page, base, officer_medicines.user)
    page.goto(f"{base}/agency/reviews/{medicines.pk}/")
    link = page.get_by_test_id("documents").get_by_role("link", name=document.original_name)
    expect(link).to_be_visible()
    screenshot(page, "l4-officer-sees-document")
    href = link.get_attribute("href")
    assert href == f"/documents/{document.pk}/"
    opened = page.request.get(f"{base}{href}")
    assert opened.status == 200
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.body() == PDF
    # But a user of another company gets a 404, in the browser and by the URL alone
    log_out(page)
    log_in(page, base, trader_b.user)
    refused = page.goto(f"{base}{href}")
    assert refused is not None and refused.status == 404
    assert page.request.get(f"{base}{href}").status == 404
    screenshot(page, "l5-other-company-404")
    assert csp_violations == []


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_amendment_form_sent_twice_lodges_once_and_says_so(
    page: Page,
    live_server: Any,
    language: str,
    agencies: dict[str, Agency],
    trader_a: Trader,
    csp_violations: list[str],
) -> None:
    base = live_server.url
    declaration = declaration_submit(trader=trader_a, document=valid_document())
    log_in(page, base, trader_a.user)
    if language != "en":
        page.locator("#language-menu").click()
        page.locator(f"button[name=language][value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
    # Given the amendment form, the paracetamol's quantity changed
    page.goto(f"{base}/agency/declarations/{declaration.pk}/amend/")
    page.locator("#id_items-1-quantity").fill("6000")

    # When the same form is sent twice (as a double click or a form restored by the back
    # button does: two POSTs with the form's one token), then the declaration page shown
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector("#declaration-form");
            // form.action would be the button named "action"
            const url = form.getAttribute("action");
            const body = new FormData(form);
            body.set("action", "amend");
            // Not following the redirects: the page shown next says what became of both
            const post = () => fetch(url, {method: "POST", body, redirect: "manual"});
            const first = await post();
            const second = await post();
            return [first.type, second.type];
        }"""
    )
    assert statuses == ["opaqueredirect"] * 2, statuses  # each to the declaration page
    page.goto(f"{base}/declarations/{declaration.pk}/")

    # Then one amendment is lodged (version 2), and the page says kindly that the second
    # sending lodged nothing, in the trader's language
    assert list(declaration.versions.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]
    kindly = _in(
        language,
        "This amendment was already sent: the declaration below shows it. Nothing was "
        "lodged twice.",
    )
    expect(page.get_by_role("status").filter(has_text=kindly)).to_be_visible()
    screenshot(page, f"l6-amendment-sent-twice-{language}")

    # And the form reloaded by the back button and sent again changes nothing
    page.goto(f"{base}/agency/declarations/{declaration.pk}/amend/")
    expect(page.locator("#id_items-1-quantity")).to_have_value("6000")
    page.get_by_test_id("lodge-amendment").click()
    nothing = _in(
        language,
        "Nothing changed: this amendment is the same as version %(n)s, so nothing was lodged.",
    ) % {"n": 2}
    expect(page.get_by_role("status").filter(has_text=nothing)).to_be_visible()
    screenshot(page, f"l7-amendment-nothing-changed-{language}")
    assert declaration.versions.count() == 2
    assert csp_violations == []
