"""A trader lodges a declaration by uploading a WCO DM XML file and downloads it back, in
headless Chromium against the live server. The file is HMRC's sample TT_IM001b, lodged by
``trader_tt``, a trader of its declarant company (GB603202734852)."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from datamodel.xmlio import declaration_from_xml
from declarations.models import Declaration, Trader
from tests.conftest import COFFEE, MakeDeclaration
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "wcodm" / "samples"
SAMPLE = SAMPLES / "TT_IM001b" / "TT_IM001b.xml"
SAMPLE_LRN = "TT_IM01b_v1.7_220322_1"
FILE_LABEL = "Declaration file (WCO DM XML)"


def test_trader_uploads_an_xml_declaration_and_downloads_it_back(
    page: Page, live_server: Any, trader_tt: Trader, agencies: Any, csp_violations: list[str]
) -> None:
    # Given a trader of the sample's declarant company on the declarations page
    base = live_server.url
    log_in(page, base, trader_tt.user)
    expect(page.get_by_role("heading", name="Upload WCO DM XML")).to_be_visible()

    # When the trader uploads a DEC-DMS 2 declaration
    page.get_by_label(FILE_LABEL).set_input_files(SAMPLE)
    page.get_by_role("button", name="Upload and submit").click()

    # Then the declaration page shows its MRN, the LRN of the file, and the agencies
    mrn = page.get_by_test_id("mrn")
    expect(mrn).to_have_text(Declaration.objects.get().mrn)
    expect(page.get_by_test_id("lrn")).to_have_text(SAMPLE_LRN)
    expect(page.get_by_role("status")).to_contain_text(f"MRN {mrn.inner_text()}")
    expect(page.get_by_test_id("reviews")).to_contain_text("Customs")
    screenshot(page, "upload-lodged")

    # When the trader downloads the XML
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XML").click()
    download = download_info.value

    # Then it is the declaration, named after its MRN
    assert download.suggested_filename == f"{mrn.inner_text()}.xml"
    read_back = declaration_from_xml(Path(download.path()).read_bytes())
    assert read_back.ok, read_back.issues
    assert read_back.document["Declaration"]["FunctionalReferenceID"] == SAMPLE_LRN
    assert csp_violations == []


def test_a_refused_upload_lists_the_problem_and_takes_focus(
    page: Page,
    live_server: Any,
    trader_tt: Trader,
    make_submitted_declaration: MakeDeclaration,
    tmp_path: Path,
    csp_violations: list[str],
) -> None:
    # Given a trader with one declaration, and the sample with a net mass above its gross
    make_submitted_declaration(trader_tt, [COFFEE], lrn="LRN-2026-000042")
    invalid = tmp_path / "gross-below-net.xml"
    invalid.write_bytes(
        SAMPLE.read_bytes().replace(b"<NetNetWeightMeasure>100<", b"<NetNetWeightMeasure>200<")
    )
    log_in(page, live_server.url, trader_tt.user)

    # When the trader uploads it
    page.get_by_label(FILE_LABEL).set_input_files(invalid)
    page.get_by_role("button", name="Upload and submit").click()

    # Then the error summary says why and where, has the focus, and describes the input
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The file was refused: 1 problem")
    expect(summary).to_contain_text("Gross mass (150 kg) is less than net mass (200 kg).")
    expect(summary.locator("code").first).to_have_text("42A/67A/68A[1]/23A/65A/126")
    expect(summary).to_be_focused()
    field = page.get_by_label(FILE_LABEL)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("The file was refused: 1 problem"))
    screenshot(page, "upload-error")
    assert Declaration.objects.count() == 1
    assert csp_violations == []
