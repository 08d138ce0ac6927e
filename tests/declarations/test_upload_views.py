"""The WCO DM XML upload on the declaration list and the XML download of the declaration
page, through the Django test client.

The accepted sample is a real HMRC DEC-DMS 2 declaration read in place from the shared
samples (its LRN and parties are HMRC's test data): import of shavers (HS 8510), so customs
and the standards agency review it. Its declarant is GB603202734852, so it is lodged by
``trader_tt``, a trader of that company; any other company is refused.
"""

import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agencies.models import ReviewTask
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.xmlio import MAX_BYTES, declaration_from_xml
from declarations import services
from declarations.forms.upload import XmlUploadHandler
from declarations.models import (
    ClearanceStatus,
    Declaration,
    GoodsItem,
    RoutingOutbox,
    StatusEvent,
    Trader,
)
from declarations.views import xml_filename
from tests.conftest import COFFEE, MakeDeclaration
from tests.declarations.test_views import input_tag, logged_in, unlabelled_controls
from tests.factories import VALID_DOCUMENT

pytestmark = pytest.mark.django_db

LIST = reverse("declaration_list")
UPLOAD = reverse("declaration_upload")

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "wcodm" / "samples"
SAMPLE = SAMPLES / "TT_IM001b" / "TT_IM001b.xml"
SAMPLE_LRN = "TT_IM01b_v1.7_220322_1"
NOTIFICATION = SAMPLES / "Example_DMS_notifications" / "01_DMSACC.xml"
AMENDMENT = SAMPLES / "TT_Add_Item_Scenario_v1" / "Step2_Amendment.xml"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<md:MetaData xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2">&lol4;</md:MetaData>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><FunctionCode>&xxe;</FunctionCode>
</Declaration>
"""


def sample() -> bytes:
    return SAMPLE.read_bytes()


def xml_file(content: bytes, name: str = "declaration.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/xml")


def upload(client: Client, content: bytes, name: str = "declaration.xml") -> Any:
    return client.post(UPLOAD, {"xml_file": xml_file(content, name)})


def nothing_saved() -> bool:
    return not (
        Declaration.objects.exists()
        or GoodsItem.objects.exists()
        or StatusEvent.objects.exists()
        or RoutingOutbox.objects.exists()
    )


def error_summary(html: str) -> str:
    match = re.search(r'<div[^>]*id="upload-error-summary".*?</ul>', html, re.S)
    assert match, "no upload error summary on the page"
    return match.group(0)


def assert_refused_and_shown(response: Any, *expected: str) -> str:
    """422, the summary is an alert that takes focus, the input points at it, and each of
    ``expected`` (messages, codes in <code>) is in the summary."""
    assert response.status_code == 422
    html = response.content.decode()
    summary = error_summary(html)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert 'aria-labelledby="upload-error-summary-title"' in summary
    assert "Nothing has been saved" in summary
    file_input = input_tag(html, "xml_file")
    assert 'aria-invalid="true"' in file_input
    assert 'aria-describedby="upload-error-summary id_xml_file_helptext"' in file_input
    for text in expected:
        assert text in summary, f"{text!r} not in the summary"
    return summary


# --- the form on the list page --------------------------------------------------------------


def test_list_page_offers_the_upload_form(trader_a: Trader) -> None:
    response = logged_in(trader_a.user).get(LIST)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Upload WCO DM XML" in html
    form = re.search(r'<form[^>]*action="/declarations/upload/"[^>]*>', html)
    assert form and 'enctype="multipart/form-data"' in form.group(0)
    assert 'method="post"' in form.group(0)
    assert 'name="csrfmiddlewaretoken"' in html
    file_input = input_tag(html, "xml_file")
    assert 'type="file"' in file_input
    assert 'accept=".xml,application/xml,text/xml"' in file_input
    assert 'aria-describedby="id_xml_file_helptext"' in file_input
    assert "aria-invalid" not in file_input
    assert "DEC-DMS 2" in html and "MetaData" in html and "at most 10 MB" in html
    assert "upload-error-summary" not in html
    assert unlabelled_controls(html) == []


def test_upload_is_for_traders_only(client: Client, officer_customs: Any) -> None:
    assert client.post(UPLOAD)["Location"].startswith(reverse("login"))
    assert logged_in(officer_customs.user).post(UPLOAD).status_code == 403


def test_upload_acts_only_on_post(trader_a: Trader) -> None:
    # A GET (a reload after a refused upload, the language menu) goes back to the list.
    client = logged_in(trader_a.user)
    answer = client.get(UPLOAD)
    assert (answer.status_code, answer["Location"]) == (302, LIST)
    assert client.put(UPLOAD).status_code == 405


def test_upload_checks_the_csrf_token(trader_tt: Trader, agencies: Any) -> None:
    # Given a browser-like client that enforces CSRF, logged in and on the list page
    client = Client(enforce_csrf_checks=True)
    client.force_login(trader_tt.user)
    client.get(LIST)
    token = client.cookies["csrftoken"].value

    # When it posts without the token, then with it
    refused = client.post(UPLOAD, {"xml_file": xml_file(sample())})
    accepted = client.post(UPLOAD, {"xml_file": xml_file(sample()), "csrfmiddlewaretoken": token})

    # Then only the second is lodged
    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert Declaration.objects.count() == 1


# --- accepted -------------------------------------------------------------------------------


def test_uploaded_sample_is_lodged_with_its_goods_items_and_routed(
    trader_tt: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a real DEC-DMS 2 declaration that passes validation, and a trader of its declarant
    client = logged_in(trader_tt.user)

    # When the trader uploads it
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, sample(), "TT_IM001b.xml")

    # Then it is lodged for the trader's company with an MRN, its goods item as a row
    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("declaration_detail", args=[declaration.pk])
    assert declaration.company == trader_tt.company
    assert declaration.lrn == SAMPLE_LRN
    assert declaration.mrn
    assert declaration.type_code == "IM"
    item = declaration.items.get()
    assert item.hs_code.startswith("8510")
    assert item.net_mass_kg == Decimal("100")
    assert item.gross_mass_kg == Decimal("150")
    # ... and routed: customs always, the standards agency for HS chapter 85
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    agencies_reviewing = set(
        ReviewTask.objects.filter(declaration=declaration).values_list("agency__code", flat=True)
    )
    assert agencies_reviewing == {"customs", "standards"}

    # And the declaration page says so, with the LRN and the MRN
    page = client.get(response["Location"]).content.decode()
    assert f"Declaration {SAMPLE_LRN} lodged from XML: MRN {declaration.mrn}." in page
    assert 'role="status"' in page


def test_the_lrn_of_an_uploaded_declaration_cannot_be_used_again(trader_tt: Trader) -> None:
    # Given a declaration lodged from the sample
    client = logged_in(trader_tt.user)
    assert upload(client, sample()).status_code == 302

    # When the same file is uploaded again
    response = upload(client, sample())

    # Then it is refused at the LRN and the first declaration stays the only one
    assert_refused_and_shown(
        response,
        "<code>duplicate_lrn</code>",
        SAMPLE_LRN,
        "<code>/Declaration/FunctionalReferenceID</code>",
    )
    assert Declaration.objects.count() == 1


# --- refused --------------------------------------------------------------------------------

HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty file": (lambda: b"", "malformed"),
    "binary junk": (lambda: b"\x00\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "malformed"),
    "billion laughs": (lambda: BILLION_LAUGHS, "forbidden_construct"),
    "external entity": (lambda: EXTERNAL_ENTITY, "forbidden_construct"),
    "5 MB of random bytes": (lambda: os.urandom(5 * 1024 * 1024), "malformed"),
    "a notification, not a declaration": (NOTIFICATION.read_bytes, "not_a_declaration"),
    "an amendment, not an original": (AMENDMENT.read_bytes, "not_an_original"),
    "text that is not XML": (lambda: b"LRN;HS code\nABC;090121\n", "malformed"),
}


@pytest.mark.parametrize("content, code", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_or_wrong_file_is_refused_with_its_issue_and_nothing_saved(
    trader_a: Trader, content: Callable[[], bytes], code: str
) -> None:
    # Given a trader
    client = logged_in(trader_a.user)

    # When the trader uploads the file
    response = upload(client, content())

    # Then the list page comes back with the issue's code, and nothing is written
    summary = assert_refused_and_shown(response, f"<code>{code}</code>", "Error")
    assert "The file was refused" in summary
    assert nothing_saved()


def test_invalid_declaration_lists_each_issue_with_its_pointer_and_path(trader_tt: Trader) -> None:
    # Given the sample with a net mass above its gross mass and an LRN that is fine
    raw = sample().replace(b"<NetNetWeightMeasure>100<", b"<NetNetWeightMeasure>200<")

    # When it is uploaded
    response = upload(logged_in(trader_tt.user), raw)

    # Then the rule's message is shown with the WCO pointer and the JSON path of the field
    assert_refused_and_shown(
        response,
        "Gross mass (150 kg) is less than net mass (200 kg).",
        "<code>gross_below_net</code>",
        "<code>42A/67A/68A[1]/23A/65A/126</code>",
        "<code>/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0"
        "/Commodity/GoodsMeasure/GrossMassMeasure</code>",
    )
    assert nothing_saved()


def test_a_declaration_in_another_companys_name_is_refused_at_the_declarant(
    trader_a: Trader,
) -> None:
    # Given a trader of another company than the sample's declarant (GB603202734852)
    client = logged_in(trader_a.user)

    # When the trader uploads the sample
    response = upload(client, sample())

    # Then it is refused at the declarant ID, naming both EORIs, and nothing is written
    assert_refused_and_shown(
        response,
        "The file was refused: 1 problem",
        "<code>declarant_not_submitter</code>",
        "The declarant GB603202734852 is not your company (GB123456789000).",
        "<code>42A/57B/R123</code>",
        "<code>/Declaration/Declarant/ID</code>",
    )
    assert nothing_saved()


def test_errors_are_listed_before_warnings(trader_a: Trader, monkeypatch: Any) -> None:
    # Given a validation layer that reports a warning first, then two errors
    issues = [
        Issue(IssueCode.ENVELOPE_UNWRAPPED, "", "", "W-one", Severity.WARNING),
        Issue(IssueCode.BAD_LRN, "42A/D014", "/Declaration/FunctionalReferenceID", "E-one"),
        Issue(IssueCode.NO_GOODS_ITEMS, "42A/67A/68A", "/Declaration/GoodsShipment", "E-two"),
    ]

    def refuse(**kwargs: Any) -> Declaration:
        raise services.DeclarationInvalid(issues)

    monkeypatch.setattr(services, "declaration_submit_xml", refuse)

    # When a file is uploaded
    response = upload(logged_in(trader_a.user), sample())

    # Then the errors come first, in the order found, then the warning, each labelled
    summary = assert_refused_and_shown(response, "3 problems", "Warning")
    positions = [summary.index(text) for text in ("E-one", "E-two", "W-one")]
    assert positions == sorted(positions)
    assert "<code>42A/D014</code>" in summary


def test_no_file_is_a_field_error(trader_a: Trader, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "declaration_submit_xml", pytest.fail)

    response = logged_in(trader_a.user).post(UPLOAD, {})

    assert_refused_and_shown(response, "Choose an XML file to upload.")
    assert nothing_saved()


def test_a_file_over_10_mb_is_refused_before_it_is_read(trader_a: Trader, monkeypatch: Any) -> None:
    # Given a file one byte over the limit (and a service that must not be reached)
    monkeypatch.setattr(services, "declaration_submit_xml", pytest.fail)
    too_big = b"<" * (MAX_BYTES + 1)

    # When it is uploaded
    response = upload(logged_in(trader_a.user), too_big)

    # Then the size and the limit are given
    assert_refused_and_shown(
        response, "The file is larger than 10 MB, the limit for a declaration file."
    )
    assert nothing_saved()


def test_the_upload_handler_keeps_no_more_than_the_limit() -> None:
    # Given the handler of the upload view receiving a 12 MB file in 1 MB chunks
    handler = XmlUploadHandler()
    handler.new_file("xml_file", "big.xml", "application/xml", None)
    chunk = b"x" * (1024 * 1024)
    for start in range(12):
        assert handler.receive_data_chunk(chunk, start * len(chunk)) is None

    # When the file is complete
    uploaded = handler.file_complete(12 * len(chunk))

    # Then its size is what was sent, but only the limit and one byte were kept
    assert uploaded.size == 12 * len(chunk)
    assert len(uploaded.read()) == MAX_BYTES + 1


def test_other_files_in_the_request_are_skipped(trader_tt: Trader) -> None:
    response = logged_in(trader_tt.user).post(
        UPLOAD, {"xml_file": xml_file(sample()), "other": xml_file(b"<x/>", "other.xml")}
    )

    assert response.status_code == 302
    assert Declaration.objects.get().lrn == SAMPLE_LRN


# --- download -------------------------------------------------------------------------------


def test_declaration_page_offers_the_xml_of_a_submitted_declaration(
    trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    declaration = make_submitted_declaration(trader_a, [COFFEE])
    page = logged_in(trader_a.user).get(reverse("declaration_detail", args=[declaration.pk]))

    link = f'href="{reverse("declaration_xml", args=[declaration.pk])}"'
    assert link in page.content.decode()
    assert "Download XML" in page.content.decode()


def test_downloaded_xml_reads_back_to_the_lodged_document(trader_tt: Trader) -> None:
    # Given a declaration lodged from the sample
    client = logged_in(trader_tt.user)
    upload(client, sample())
    declaration = Declaration.objects.get()

    # When the trader downloads its XML
    response = client.get(reverse("declaration_xml", args=[declaration.pk]))

    # Then it is an XML attachment named after the MRN that reads back to the same document
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == f'attachment; filename="{declaration.mrn}.xml"'
    assert "no-store" in response["Cache-Control"]
    read_back = declaration_from_xml(response.content)
    assert read_back.ok, read_back.issues
    assert read_back.document == declaration.document


def test_xml_of_a_declaration_lodged_in_the_form_reads_back(trader_a: Trader) -> None:
    declaration = services.declaration_submit(trader=trader_a, document=VALID_DOCUMENT)

    response = logged_in(trader_a.user).get(reverse("declaration_xml", args=[declaration.pk]))

    # (the export adds the MetaData envelope's header, which the import then keeps)
    assert response.status_code == 200
    read_back = declaration_from_xml(response.content).document
    assert read_back["Declaration"] == declaration.document["Declaration"]


def test_another_company_cannot_download_the_xml(
    trader_a: Trader, trader_b: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    declaration = make_submitted_declaration(trader_a, [COFFEE])

    response = logged_in(trader_b.user).get(reverse("declaration_xml", args=[declaration.pk]))

    assert response.status_code == 404


def test_a_draft_has_no_xml(trader_a: Trader) -> None:
    # Given a draft (not validated, so not a declaration to export yet)
    draft = services.declaration_save_draft(trader=trader_a, document=VALID_DOCUMENT)
    client = logged_in(trader_a.user)

    # Then its page offers no download and the address answers 404
    page = client.get(reverse("declaration_detail", args=[draft.pk])).content.decode()
    assert "Download XML" not in page
    assert client.get(reverse("declaration_xml", args=[draft.pk])).status_code == 404


def test_download_is_for_traders_only(
    client: Client, trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    url = reverse("declaration_xml", args=[make_submitted_declaration(trader_a, [COFFEE]).pk])
    assert client.get(url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "mrn, lrn, expected",
    [
        ("26GB0123456789ABC7", "LRN-1", "26GB0123456789ABC7.xml"),
        ("", "LRN/2026 #1", "LRN_2026_1.xml"),
        ("", '../"evil";\r\nname.xml', "evil_name.xml.xml"),
        ("", "Déclaration n°1", "D_claration_n_1.xml"),
        ("", "..", "declaration-7.xml"),
    ],
)
def test_download_file_name_is_sanitised(mrn: str, lrn: str, expected: str) -> None:
    assert xml_filename(Declaration(pk=7, mrn=mrn, lrn=lrn)) == expected
